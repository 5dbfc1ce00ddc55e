import { OnnxError, OnnxErrorCode } from './types';
import { ByteSource, WireType, decodeVarint, int64FromParts, varintSize } from './wire';
import { chunked, concat, varint } from '../../test/support/onnx-builder';

const source = (bytes: Uint8Array, size = 1): ByteSource => new ByteSource(chunked(bytes, size));

async function codeOf(p: Promise<unknown>): Promise<OnnxErrorCode> {
  try {
    await p;
  } catch (e) {
    if (e instanceof OnnxError) return e.code;
    throw e;
  }
  throw new Error('expected an OnnxError');
}

describe('varints', () => {
  const unsigned = [0, 1, 127, 128, 300, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 35 + 5, 2 ** 53 - 1];

  it.each(unsigned)('reads %d across 1-byte chunks and in one chunk', async (n) => {
    for (const size of [1, 64]) {
      const src = source(concat([varint(n), varint(n)]), size);
      expect(await src.readVarint()).toBe(n);
      expect(await src.readLength()).toBe(n);
      expect(src.position).toBe(2 * varint(n).length);
      expect(await src.atEnd()).toBe(true);
    }
  });

  it('reads 64-bit values as signed, unsigned and int32', async () => {
    const src = source(concat([varint(-1), varint(-1), varint(2n ** 64n - 1n), varint(-5), varint(-(2 ** 40))]), 3);
    expect(await src.readInt64()).toBe(-1);
    expect(await src.readInt32()).toBe(-1);
    expect(await src.readVarint()).toBe(2 ** 64);
    expect(await src.readInt32()).toBe(-5);
    expect(await src.readInt64()).toBe(-(2 ** 40));
  });

  it('rounds huge int64 values like Number(BigInt)', () => {
    const v = -(2n ** 62n) - 12345n;
    const u = BigInt.asUintN(64, v);
    expect(int64FromParts(Number(u & 0xffffffffn), Number(u >> 32n))).toBe(Number(v));
  });

  it('rejects a length over 2^53 and a varint over 10 bytes', async () => {
    expect(await codeOf(source(varint(2 ** 53 + 2)).readLength())).toBe(OnnxErrorCode.MALFORMED);
    const eleven = new Uint8Array(11).fill(0x80);
    expect(await codeOf(source(eleven, 11).readVarint())).toBe(OnnxErrorCode.MALFORMED);
    expect(() => decodeVarint(eleven, 0, { lo: 0, hi: 0 })).toThrow(OnnxError);
  });

  it('reports a varint cut by the end of the stream as TRUNCATED', async () => {
    expect(await codeOf(source(Uint8Array.of(0x80, 0x80)).readVarint())).toBe(OnnxErrorCode.TRUNCATED);
    expect(await codeOf(source(new Uint8Array(0)).readVarint())).toBe(OnnxErrorCode.TRUNCATED);
  });

  it('sizes varints as protobuf encodes them', () => {
    for (const n of [0, 127, 128, 16383, 16384, 2 ** 28, 2 ** 32, 2 ** 49, -1]) {
      const b = BigInt.asUintN(64, BigInt(n));
      expect(varintSize(Number(b & 0xffffffffn), Number(b >> 32n))).toBe(varint(n).length);
    }
  });
});

describe('ByteSource', () => {
  it('reads fixed-width values split across chunks', async () => {
    const view = new DataView(new ArrayBuffer(24));
    view.setUint32(0, 0xdeadbeef, true);
    view.setFloat32(4, 1.5, true);
    view.setFloat64(8, -2.25, true);
    view.setBigUint64(16, 2n ** 40n + 7n, true);
    const src = source(new Uint8Array(view.buffer), 3);
    expect(await src.readFixed32()).toBe(0xdeadbeef);
    expect(await src.readFloat()).toBe(1.5);
    expect(await src.readDouble()).toBe(-2.25);
    expect(await src.readFixed64()).toBe(2 ** 40 + 7);
  });

  it('peeks without consuming, reads bytes across chunks and tracks the position', async () => {
    const bytes = Uint8Array.from({ length: 100 }, (_, i) => i);
    const src = source(bytes, 7);
    expect(Array.from(await src.peek(10))).toEqual(Array.from(bytes.subarray(0, 10)));
    expect(src.position).toBe(0);
    await src.skip(5);
    expect(Array.from(await src.readBytes(20))).toEqual(Array.from(bytes.subarray(5, 25)));
    expect(src.position).toBe(25);
    await src.skip(75);
    expect(await src.atEnd()).toBe(true);
    expect(await codeOf(src.readBytes(1))).toBe(OnnxErrorCode.TRUNCATED);
  });

  it('ignores empty chunks and rejects non-byte chunks', async () => {
    async function* gen(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(0);
      yield Uint8Array.of(0x2a);
      yield new Uint8Array(0);
    }
    const src = new ByteSource(gen());
    expect(await src.readVarint()).toBe(42);
    expect(await src.atEnd()).toBe(true);
    async function* strings(): AsyncGenerator<string> {
      yield 'text';
    }
    const bad = new ByteSource(strings() as unknown as AsyncIterable<Uint8Array>);
    await expect(bad.readVarint()).rejects.toThrow(TypeError);
  });

  it('skips a gigabyte lazily without holding it', async () => {
    const chunk = new Uint8Array(1 << 20);
    async function* gig(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 1024; i++) yield chunk;
    }
    const src = new ByteSource(gig());
    const before = process.memoryUsage();
    await src.skip(2 ** 30 - 1);
    expect(src.position).toBe(2 ** 30 - 1);
    expect(await src.readBytes(1)).toEqual(Uint8Array.of(0));
    expect(process.memoryUsage().arrayBuffers - before.arrayBuffers).toBeLessThan(8 << 20);
    expect(await codeOf(src.skip(10))).toBe(OnnxErrorCode.TRUNCATED);
  });

  it('skips fields of every wire type and checks declared lengths', async () => {
    const bytes = concat([
      varint(300),
      new Uint8Array(8),
      new Uint8Array(4),
      varint(3),
      Uint8Array.of(1, 2, 3),
      varint(50),
    ]);
    const src = source(bytes, 2);
    expect(await src.skipField(WireType.VARINT, 100)).toBe(0);
    expect(await src.skipField(WireType.FIXED64, 100)).toBe(8);
    expect(await src.skipField(WireType.FIXED32, 100)).toBe(4);
    expect(await src.skipField(WireType.LEN, 100)).toBe(3);
    expect(await codeOf(src.skipField(WireType.LEN, 10))).toBe(OnnxErrorCode.MALFORMED);
    expect(await codeOf(source(Uint8Array.of(0)).skipField(3, 10))).toBe(OnnxErrorCode.MALFORMED);
  });

  it('closes the underlying iterator', async () => {
    let closed = false;
    async function* gen(): AsyncGenerator<Uint8Array> {
      try {
        yield Uint8Array.of(1);
        yield Uint8Array.of(2);
      } finally {
        closed = true;
      }
    }
    const src = new ByteSource(gen());
    await src.readVarint();
    await src.close();
    expect(closed).toBe(true);
  });
});
