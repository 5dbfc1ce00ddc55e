/**
 * Mutations of ONNX files for the upload fuzzer (issue 12): raw ones (byte flips, truncations, inserted varints),
 * structural ones on a protobuf wire tree (interesting integers in varint fields, duplicated fields, lying length
 * prefixes), nesting bombs and files that are no ONNX at all. Everything is drawn from one seeded PRNG, so a run
 * is reproducible from its seed and each case from its index.
 */

export type Random = () => number;

export const MUTATIONS = [
  'byte-flip',
  'truncate',
  'insert-varint',
  'interesting-int',
  'duplicate-field',
  'lying-length',
  'nesting-bomb',
  'non-onnx',
] as const;
export type Mutation = (typeof MUTATIONS)[number];

/** How often each mutation is drawn; the structural ones find the most, so they get more. */
const WEIGHTS: Record<Mutation, number> = {
  'byte-flip': 18,
  truncate: 8,
  'insert-varint': 10,
  'interesting-int': 24,
  'duplicate-field': 12,
  'lying-length': 12,
  'nesting-bomb': 6,
  'non-onnx': 10,
};

/** The integers that break size arithmetic: zero, negatives, 2^k edges, 64-bit extremes. */
const INTERESTING: bigint[] = [
  0n,
  1n,
  2n,
  3n,
  7n,
  255n,
  1024n,
  65535n,
  2n ** 24n,
  2n ** 31n - 1n,
  2n ** 31n,
  2n ** 32n,
  2n ** 40n,
  2n ** 53n,
  2n ** 62n,
  2n ** 63n - 1n,
  -1n,
  -2n,
  -(2n ** 31n),
  -(2n ** 63n),
];

const int = (r: Random, n: number): number => Math.floor(r() * n);
const pick = <T>(r: Random, xs: readonly T[]): T => xs[int(r, xs.length)];

export function pickMutation(r: Random): Mutation {
  const total = MUTATIONS.reduce((s, m) => s + WEIGHTS[m], 0);
  let x = r() * total;
  for (const m of MUTATIONS) if ((x -= WEIGHTS[m]) < 0) return m;
  return 'byte-flip';
}

export function varint(value: bigint): Uint8Array {
  let v = BigInt.asUintN(64, value);
  const out: number[] = [];
  do {
    const low = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? low | 0x80 : low);
  } while (v > 0n);
  return Uint8Array.from(out);
}

const concat = (parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** A decoded field: a varint, fixed bytes, or a length-delimited payload that may itself parse as a message. */
interface WireField {
  no: number;
  wire: number;
  varint?: bigint;
  bytes?: Uint8Array;
  children?: WireField[];
  /** Serialise with this length prefix instead of the true one. */
  lie?: bigint;
}

function readVarint(buf: Uint8Array, at: number): [bigint, number] | null {
  let v = 0n;
  for (let i = 0; i < 10; i++) {
    if (at + i >= buf.length) return null;
    const b = buf[at + i];
    v |= BigInt(b & 0x7f) << BigInt(7 * i);
    if (b < 0x80) return [v, at + i + 1];
  }
  return null;
}

/** Parses a whole message, or null when the bytes are not one; LEN payloads are tried as messages up to `depth`. */
export function parseMessage(buf: Uint8Array, depth = 0): WireField[] | null {
  const fields: WireField[] = [];
  for (let at = 0; at < buf.length;) {
    const tag = readVarint(buf, at);
    if (!tag) return null;
    const no = Number(tag[0] >> 3n);
    const wire = Number(tag[0] & 7n);
    at = tag[1];
    if (no === 0 || no > 10_000) return null;
    if (wire === 0) {
      const v = readVarint(buf, at);
      if (!v) return null;
      fields.push({ no, wire, varint: v[0] });
      at = v[1];
    } else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4;
      if (at + n > buf.length) return null;
      fields.push({ no, wire, bytes: buf.subarray(at, at + n) });
      at += n;
    } else if (wire === 2) {
      const len = readVarint(buf, at);
      if (!len || len[1] + Number(len[0]) > buf.length) return null;
      const body = buf.subarray(len[1], len[1] + Number(len[0]));
      const children = depth < 8 && body.length > 0 ? parseMessage(body, depth + 1) : null;
      fields.push(children ? { no, wire, children } : { no, wire, bytes: body });
      at = len[1] + body.length;
    } else return null;
  }
  return fields;
}

export function serialize(fields: WireField[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const f of fields) {
    parts.push(varint(BigInt(f.no * 8 + f.wire)));
    if (f.wire === 0) parts.push(varint(f.varint!));
    else if (f.wire !== 2) parts.push(f.bytes!);
    else {
      const body = f.children ? serialize(f.children) : f.bytes!;
      parts.push(varint(f.lie ?? BigInt(body.length)), body);
    }
  }
  return concat(parts);
}

/** Every field of the tree with the list that holds it, depth-first. */
function allFields(fields: WireField[], out: { field: WireField; list: WireField[] }[] = []) {
  for (const f of fields) {
    out.push({ field: f, list: fields });
    if (f.children) allFields(f.children, out);
  }
  return out;
}

function structural(base: Uint8Array, r: Random, kind: Mutation): Uint8Array {
  const tree = parseMessage(base);
  if (!tree) return flipBytes(base, r);
  const all = allFields(tree);
  const rounds = 1 + int(r, 3);
  for (let k = 0; k < rounds; k++) {
    if (kind === 'interesting-int') {
      const varints = all.filter((x) => x.field.wire === 0);
      if (varints.length === 0) break;
      pick(r, varints).field.varint = pick(r, INTERESTING);
    } else if (kind === 'duplicate-field') {
      const { field, list } = pick(r, all);
      const copies = r() < 0.2 ? 1 + int(r, 200) : 1;
      list.splice(list.indexOf(field) + 1, 0, ...Array.from({ length: copies }, () => ({ ...field })));
    } else {
      const lens = all.filter((x) => x.field.wire === 2);
      if (lens.length === 0) break;
      const { field } = pick(r, lens);
      const real = BigInt(field.children ? serialize(field.children).length : field.bytes!.length);
      const deltas = [1n, -1n, 2n, -2n, 16n, -16n, 2n ** 31n, 2n ** 40n, 2n ** 53n, 2n ** 62n];
      const lie = real + pick(r, deltas);
      field.lie = lie < 0n ? 0n : lie;
    }
  }
  return serialize(tree);
}

function flipBytes(base: Uint8Array, r: Random): Uint8Array {
  const out = Uint8Array.from(base);
  const n = 1 + int(r, r() < 0.8 ? 4 : 64);
  for (let i = 0; i < n && out.length > 0; i++) {
    const at = int(r, out.length);
    out[at] = r() < 0.5 ? out[at] ^ (1 << int(r, 8)) : int(r, 256);
  }
  return out;
}

function insertVarint(base: Uint8Array, r: Random): Uint8Array {
  const at = int(r, base.length + 1);
  const value = r() < 0.6 ? pick(r, INTERESTING) : BigInt(int(r, 2 ** 30));
  const bytes =
    r() < 0.5 ? varint(value) : concat([varint(BigInt(1 + int(r, 20)) * 8n + BigInt(int(r, 6))), varint(value)]);
  return concat([base.subarray(0, at), bytes, base.subarray(at)]);
}

const tagged = (no: number, body: Uint8Array): Uint8Array =>
  concat([varint(BigInt(no * 8 + 2)), varint(BigInt(body.length)), body]);

/** A plausible model head (ir_version, opset 13) whose graph holds `depth` levels of one message inside another. */
function nestingBomb(r: Random): Uint8Array {
  const depth = pick(r, [100, 1000, 10_000, 50_000]);
  // Fields the reader descends into (node.attribute.t, value_info.type.tensor_type.shape) or skips.
  const field = pick(r, [1, 2, 5, 7, 11, 13]);
  let inner: Uint8Array = new Uint8Array(0);
  for (let i = 0; i < depth; i++) inner = tagged(field, inner);
  const graph = tagged(7, concat([tagged(pick(r, [1, 5, 11, 13]), inner)]));
  const opset = tagged(8, concat([tagged(1, new Uint8Array(0)), varint(16n), varint(13n)]));
  return concat([varint(8n), varint(8n), opset, graph]);
}

function nonOnnx(r: Random): Uint8Array {
  const text = (s: string): Uint8Array => Buffer.from(s, 'utf8');
  const random = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => int(r, 256));
  switch (int(r, 9)) {
    case 0:
      return new Uint8Array(0);
    case 1:
      return random(1 + int(r, 65536));
    case 2:
      return text(JSON.stringify({ model: 'resnet', layers: Array.from({ length: int(r, 500) }, (_, i) => i) }));
    case 3:
      return text('name,latency\n' + Array.from({ length: int(r, 1000) }, (_, i) => `n${i},${i}`).join('\n'));
    case 4:
      return concat([Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), random(int(r, 4096))]);
    case 5:
      return concat([Uint8Array.from([0x50, 0x4b, 0x03, 0x04]), random(int(r, 4096))]);
    case 6:
      return new Uint8Array(1 + int(r, 1 << 20)); // zeros: tag 0, an invalid field number
    case 7:
      return new Uint8Array(1 + int(r, 1 << 16)).fill(0xff);
    default:
      // A valid protobuf of another kind: a lone TensorProto.
      return concat([varint(8n), varint(BigInt(1 + int(r, 1000))), varint(16n), varint(1n), tagged(8, text('w'))]);
  }
}

/** One fuzz case from a base file. */
export function mutate(base: Uint8Array, kind: Mutation, r: Random): Uint8Array {
  switch (kind) {
    case 'byte-flip':
      return flipBytes(base, r);
    case 'truncate':
      return base.subarray(0, int(r, base.length));
    case 'insert-varint':
      return insertVarint(base, r);
    case 'interesting-int':
    case 'duplicate-field':
    case 'lying-length':
      return structural(base, r, kind);
    case 'nesting-bomb':
      return nestingBomb(r);
    case 'non-onnx':
      return nonOnnx(r);
  }
}
