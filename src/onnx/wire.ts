/**
 * Protobuf wire primitives over a pull-based byte stream. Memory stays bounded by design: chunks are dropped as
 * soon as they are consumed, `skip` never copies, and `readBytes` is only for callers that capped the length.
 */
import { OnnxError, OnnxErrorCode } from './types';

export enum WireType {
  VARINT = 0,
  FIXED64 = 1,
  LEN = 2,
  FIXED32 = 5,
}

const EMPTY = new Uint8Array(0);
const TWO_32 = 0x1_0000_0000;

/** Unsigned 64-bit from two 32-bit halves; a single rounding, so it matches Number(BigInt). */
export const uint64FromParts = (lo: number, hi: number): number => hi * TWO_32 + lo;

/** Signed (two's complement) 64-bit from two 32-bit halves, rounded once like Number(BigInt). */
export function int64FromParts(lo: number, hi: number): number {
  if (hi < 0x8000_0000) return hi * TWO_32 + lo;
  const negLo = (~lo + 1) >>> 0;
  const negHi = (~hi + (negLo === 0 ? 1 : 0)) >>> 0;
  return -(negHi * TWO_32 + negLo);
}

/** Decodes a varint at `buf[at]`; lo/hi are the 64-bit halves. Returns the offset after it, or -1 if cut short. */
export function decodeVarint(buf: Uint8Array, at: number, out: { lo: number; hi: number }): number {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < 10; i++) {
    if (at + i >= buf.length) return -1;
    const b = buf[at + i];
    if (i < 4) lo |= (b & 0x7f) << (7 * i);
    else if (i === 4) {
      lo |= (b & 0x0f) << 28;
      hi |= (b & 0x7f) >>> 4;
    } else hi |= (b & 0x7f) << (7 * i - 32);
    if (b < 0x80) {
      out.lo = lo >>> 0;
      out.hi = hi >>> 0;
      return at + i + 1;
    }
  }
  throw new OnnxError(OnnxErrorCode.MALFORMED, 'varint longer than 10 bytes');
}

/** Bytes taken by a value encoded as a varint (int32 negatives are sign-extended to 10 bytes, as protobuf does). */
export function varintSize(lo: number, hi: number): number {
  const bits = hi === 0 ? 32 - Math.clz32(lo) : 64 - Math.clz32(hi);
  return Math.max(1, Math.ceil(bits / 7));
}

export class ByteSource {
  private readonly iterator: AsyncIterator<Uint8Array>;
  /** Unconsumed chunks; `queue[0]` is read from `offset`. */
  private queue: Uint8Array[] = [];
  private offset = 0;
  private buffered = 0;
  private consumed = 0;
  private ended = false;
  private readonly parts = { lo: 0, hi: 0 };

  constructor(source: AsyncIterable<Uint8Array>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  /** Bytes consumed so far. */
  get position(): number {
    return this.consumed;
  }

  /** Pulls chunks until `n` bytes are buffered or the stream ends; true when they are. */
  private async fill(n: number): Promise<boolean> {
    while (this.buffered < n && !this.ended) {
      const next = await this.iterator.next();
      if (next.done) {
        this.ended = true;
        break;
      }
      const chunk: unknown = next.value;
      if (!(chunk instanceof Uint8Array)) throw new TypeError('ByteSource expects Uint8Array chunks');
      if (chunk.length === 0) continue;
      this.queue.push(chunk);
      this.buffered += chunk.length;
    }
    return this.buffered >= n;
  }

  /** `wanted` bytes were needed from the current position; null for a varint, whose size is unknown. */
  private truncated(wanted: number | null): OnnxError {
    const at = this.consumed + this.buffered;
    const need = wanted === null ? 'inside a varint' : `${wanted - this.buffered} more bytes expected`;
    return new OnnxError(OnnxErrorCode.TRUNCATED, `file truncated at byte ${at} (${need})`, { position: at });
  }

  async atEnd(): Promise<boolean> {
    return !(await this.fill(1));
  }

  /** Up to `n` bytes ahead without consuming them (fewer at the end of the stream). */
  async peek(n: number): Promise<Uint8Array> {
    await this.fill(n);
    const out = new Uint8Array(Math.min(n, this.buffered));
    let filled = 0;
    for (let i = 0, from = this.offset; filled < out.length; i++, from = 0) {
      const piece = this.queue[i].subarray(from, from + out.length - filled);
      out.set(piece, filled);
      filled += piece.length;
    }
    return out;
  }

  private advance(n: number): void {
    this.buffered -= n;
    this.consumed += n;
    while (n > 0) {
      const left = this.queue[0].length - this.offset;
      if (n < left) {
        this.offset += n;
        return;
      }
      n -= left;
      this.queue.shift();
      this.offset = 0;
    }
  }

  /** Reads a varint into `this.parts`; the fast path decodes straight from the current chunk. */
  private async varintParts(): Promise<{ lo: number; hi: number }> {
    const head = this.queue[0] ?? EMPTY;
    const end = decodeVarint(head, this.offset, this.parts);
    if (end >= 0) {
      this.advance(end - this.offset);
      return this.parts;
    }
    const bytes = await this.peek(10);
    const used = decodeVarint(bytes, 0, this.parts);
    if (used < 0) throw this.truncated(null);
    this.advance(used);
    return this.parts;
  }

  /** Unsigned varint as a number (exact below 2^53). */
  async readVarint(): Promise<number> {
    const { lo, hi } = await this.varintParts();
    return uint64FromParts(lo, hi);
  }

  /** int64 / sint-less signed field. */
  async readInt64(): Promise<number> {
    const { lo, hi } = await this.varintParts();
    return int64FromParts(lo, hi);
  }

  /** int32 / enum field: protobuf keeps the low 32 bits of a sign-extended varint. */
  async readInt32(): Promise<number> {
    return (await this.varintParts()).lo | 0;
  }

  /** A length prefix: exact, so anything above 2^53 is rejected rather than rounded. */
  async readLength(): Promise<number> {
    const { lo, hi } = await this.varintParts();
    if (hi >= 0x20_0000) throw new OnnxError(OnnxErrorCode.MALFORMED, 'length prefix over 2^53');
    return uint64FromParts(lo, hi);
  }

  async readFixed32(): Promise<number> {
    const b = await this.readBytes(4);
    return new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true);
  }

  async readFloat(): Promise<number> {
    const b = await this.readBytes(4);
    return new DataView(b.buffer, b.byteOffset, 4).getFloat32(0, true);
  }

  async readFixed64(): Promise<number> {
    const b = await this.readBytes(8);
    const view = new DataView(b.buffer, b.byteOffset, 8);
    return uint64FromParts(view.getUint32(0, true), view.getUint32(4, true));
  }

  async readDouble(): Promise<number> {
    const b = await this.readBytes(8);
    return new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, true);
  }

  /** Buffers exactly `n` bytes into a fresh array. Callers must have checked `n` against a cap. */
  async readBytes(n: number): Promise<Uint8Array> {
    if (!(await this.fill(n))) throw this.truncated(n);
    const head = this.queue[0];
    const out = new Uint8Array(n);
    if (head && head.length - this.offset >= n) out.set(head.subarray(this.offset, this.offset + n));
    else out.set(await this.peek(n));
    this.advance(n);
    return out;
  }

  /** Discards `n` bytes chunk by chunk, holding at most one chunk at a time. */
  async skip(n: number): Promise<void> {
    const take = Math.min(n, this.buffered);
    this.advance(take);
    let left = n - take;
    while (left > 0) {
      if (!(await this.fill(1))) throw this.truncated(left);
      const step = Math.min(left, this.buffered);
      this.advance(step);
      left -= step;
    }
  }

  /** Skips a field's payload of the given wire type (the tag was already read). */
  async skipField(wireType: number, maxLength: number): Promise<number> {
    switch (wireType) {
      case WireType.VARINT:
        await this.varintParts();
        return 0;
      case WireType.FIXED64:
        await this.skip(8);
        return 8;
      case WireType.FIXED32:
        await this.skip(4);
        return 4;
      case WireType.LEN: {
        const n = await this.readLength();
        if (n > maxLength)
          throw new OnnxError(OnnxErrorCode.MALFORMED, `declares ${n} bytes but only ${maxLength} remain`);
        await this.skip(n);
        return n;
      }
      default:
        throw new OnnxError(OnnxErrorCode.MALFORMED, `invalid wire type ${wireType}`);
    }
  }

  /** Releases the underlying stream (e.g. closes a file) when reading stops early. */
  async close(): Promise<void> {
    this.queue = [];
    this.buffered = 0;
    try {
      await this.iterator.return?.();
    } catch {
      // The read already has its outcome; a stream that fails while being torn down must not replace it.
    }
  }
}
