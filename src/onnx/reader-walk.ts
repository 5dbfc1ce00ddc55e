/**
 * Bounded walking of one protobuf message over a ByteSource: every declared length is checked against what the
 * enclosing message has left, and a per-message budget caps what a message may materialise (strings, repeated
 * numbers), so neither a lying length nor a huge attribute can make the reader allocate without limit.
 */
import type { OnnxLimits } from './limits';
import { OnnxError, OnnxErrorCode } from './types';
import { ByteSource, WireType, decodeVarint, int64FromParts, uint64FromParts } from './wire';

export interface ReadContext {
  src: ByteSource;
  maxMessageBytes: number;
  limits: OnnxLimits;
  /** What the whole model may materialise: every message budget draws on it too. */
  total: Budget;
}

/** Memory a materialised message costs beyond its fields (the object, its arrays): counted so that millions of empty messages cannot exhaust the heap. */
export const MESSAGE_OVERHEAD = 64;

/** Materialisation allowance shared by a top-level message and everything nested in it. */
export class Budget {
  constructor(
    private left: number,
    private readonly limit: number,
    /** The model-wide allowance this one draws on as well. */
    private readonly parent?: Budget,
  ) {}

  spend(n: number, what: string): void {
    this.left -= n;
    if (this.left < 0) {
      const scope = this.parent ? '' : ' in all (the model structure)';
      throw new OnnxError(OnnxErrorCode.FIELD_TOO_LARGE, `${what} would hold more than ${this.limit} bytes${scope}`, {
        limit: this.limit,
      });
    }
    this.parent?.spend(n, what);
  }
}

export type ScalarKind = 'int64' | 'int32' | 'uint64' | 'float' | 'double';

const SCALAR_WIRE: Record<ScalarKind, WireType> = {
  int64: WireType.VARINT,
  int32: WireType.VARINT,
  uint64: WireType.VARINT,
  float: WireType.FIXED32,
  double: WireType.FIXED64,
};

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes a packed repeated scalar field from buffered bytes. */
export function decodePacked(bytes: Uint8Array, kind: ScalarKind): number[] {
  const out: number[] = [];
  if (kind === 'float' || kind === 'double') {
    const size = kind === 'float' ? 4 : 8;
    if (bytes.length % size !== 0)
      throw new OnnxError(OnnxErrorCode.MALFORMED, `packed ${kind}s of ${bytes.length} bytes`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    for (let o = 0; o < bytes.length; o += size)
      out.push(size === 4 ? view.getFloat32(o, true) : view.getFloat64(o, true));
    return out;
  }
  const parts = { lo: 0, hi: 0 };
  for (let at = 0; at < bytes.length;) {
    at = decodeVarint(bytes, at, parts);
    if (at < 0) throw new OnnxError(OnnxErrorCode.MALFORMED, `packed ${kind}s end inside a varint`);
    out.push(
      kind === 'int32'
        ? parts.lo | 0
        : kind === 'int64'
          ? int64FromParts(parts.lo, parts.hi)
          : uint64FromParts(parts.lo, parts.hi),
    );
  }
  return out;
}

export interface Field {
  no: number;
  wire: number;
}

export class Walk {
  /** Set once known (e.g. a tensor's name) so that errors name the thing, not only its position. */
  label = '';

  constructor(
    readonly ctx: ReadContext,
    readonly path: string,
    /** Stream position where the message ends; Infinity for the top-level message, which runs to EOF. */
    readonly end: number,
    readonly budget: Budget,
  ) {}

  get src(): ByteSource {
    return this.ctx.src;
  }

  get remaining(): number {
    return this.end - this.src.position;
  }

  malformed(message: string): OnnxError {
    return new OnnxError(OnnxErrorCode.MALFORMED, message);
  }

  /** The next field's tag, or null at the end of the message. */
  async nextField(): Promise<Field | null> {
    if (this.remaining < 0) throw this.malformed(`a field runs ${-this.remaining} bytes past the end of the message`);
    if (this.end === Infinity ? await this.src.atEnd() : this.remaining === 0) return null;
    const at = this.src.position;
    const tag = await this.src.readVarint();
    const no = Math.floor(tag / 8);
    const wire = tag % 8;
    if (no === 0 || no > 0x1fff_ffff) throw this.malformed(`invalid field number ${no} at byte ${at}`);
    if (wire !== WireType.VARINT && wire !== WireType.FIXED64 && wire !== WireType.LEN && wire !== WireType.FIXED32) {
      throw this.malformed(`invalid wire type ${wire} (field ${no}) at byte ${at}`);
    }
    return { no, wire };
  }

  expect(field: Field, wire: WireType, name: string): void {
    if (field.wire !== wire)
      throw this.malformed(`${name} (field ${field.no}) has wire type ${field.wire}, expected ${wire}`);
  }

  /** A length prefix, checked against what the message has left so that a lying length is caught before use. */
  async length(field: Field, name: string): Promise<number> {
    this.expect(field, WireType.LEN, name);
    const n = await this.src.readLength();
    if (n > this.remaining) throw this.malformed(`${name} declares ${n} bytes but only ${this.remaining} remain`);
    return n;
  }

  /** Length-delimited bytes, capped by the budget before any allocation. */
  async bytes(field: Field, name: string): Promise<Uint8Array> {
    const n = await this.length(field, name);
    this.budget.spend(n, name);
    return this.src.readBytes(n);
  }

  /** A name-like string: invalid UTF-8 is a malformed file, not something to paper over. */
  async string(field: Field, name: string): Promise<string> {
    const bytes = await this.bytes(field, name);
    let text: string;
    try {
      text = strictUtf8.decode(bytes);
    } catch {
      throw this.malformed(`${name} is not valid UTF-8`);
    }
    // Names end up in PostgreSQL text and JSON columns, which cannot hold U+0000; no exporter writes one.
    if (text.includes('\u0000')) throw this.malformed(`${name} contains a NUL character`);
    return text;
  }

  /** A free-form bytes field shown as text (attribute values): decoded leniently, as ONNX tools do. */
  async text(field: Field, name: string): Promise<string> {
    const bytes = await this.bytes(field, name);
    // Attribute bytes may be binary (custom ops); U+0000 cannot be stored in JSON columns, so it becomes U+FFFD.
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8').replaceAll('\u0000', '\ufffd');
  }

  async scalar(field: Field, kind: ScalarKind, name: string): Promise<number> {
    this.expect(field, SCALAR_WIRE[kind], name);
    switch (kind) {
      case 'int64':
        return this.src.readInt64();
      case 'int32':
        return this.src.readInt32();
      case 'uint64':
        return this.src.readVarint();
      case 'float':
        return this.src.readFloat();
      case 'double':
        return this.src.readDouble();
    }
  }

  /** A repeated scalar, packed or not (protobuf parsers must accept both). */
  async repeated(field: Field, kind: ScalarKind, name: string, into: number[]): Promise<void> {
    if (field.wire !== WireType.LEN) {
      this.budget.spend(8, name);
      into.push(await this.scalar(field, kind, name));
      return;
    }
    const bytes = await this.bytes(field, name);
    const values = decodePacked(bytes, kind);
    // A number held in an array costs 8 bytes whatever its encoding (a 1-byte varint): charge the difference.
    if (values.length * 8 > bytes.length) this.budget.spend(values.length * 8 - bytes.length, name);
    for (const v of values) into.push(v);
  }

  async skip(field: Field): Promise<void> {
    if (field.wire === WireType.LEN) await this.src.skip(await this.length(field, `field ${field.no}`));
    else await this.src.skipField(field.wire, this.remaining);
  }

  /** Walks a length-delimited sub-message; errors inside it get its path. */
  async nested<T>(field: Field, name: string, walk: (w: Walk) => Promise<T>, budget = this.budget): Promise<T> {
    const n = await this.length(field, name);
    budget.spend(MESSAGE_OVERHEAD, name);
    const path = this.path ? `${this.path}.${name}` : name;
    return walkMessage(new Walk(this.ctx, path, this.src.position + n, budget), walk);
  }
}

/** Runs `walk` over a message, checks it ended exactly at its bound, and names the message in any error. */
export async function walkMessage<T>(w: Walk, walk: (w: Walk) => Promise<T>): Promise<T> {
  try {
    const result = await walk(w);
    if (w.end !== Infinity && w.remaining !== 0) throw w.malformed(`message ends ${-w.remaining} bytes past its bound`);
    return result;
  } catch (e) {
    if (!(e instanceof OnnxError) || e.details?.path !== undefined) throw e;
    const where = w.label ? `${w.path} '${w.label}'` : w.path;
    throw new OnnxError(e.code, `${where}: ${e.message}`, { position: w.src.position, ...e.details, path: w.path });
  }
}
