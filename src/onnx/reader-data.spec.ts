import { onnx } from 'onnx-proto';
import { readOnnxModel } from './reader';
import { OnnxDataType, OnnxError, TensorStub } from './types';
import { buildModel, node, tensor, value } from '../../test/support/onnx-builder';

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

const initializers = async (bytes: Uint8Array): Promise<TensorStub[]> =>
  (await readOnnxModel(once(bytes))).initializers;

const model = (t: ReturnType<typeof tensor>[]) =>
  buildModel({
    inputs: [value('x', [4])],
    outputs: [value('y')],
    initializers: t,
    nodes: [node('Add', ['x', t[0].name!], ['y'])],
  });

describe('where tensor bytes lie in the file', () => {
  it('points raw_data and packed float/double data at their little-endian bytes', async () => {
    const bytes = model([
      tensor('raw', [4], { values: [1.5, -2, 3, 4] }),
      tensor('packed', [3], { values: [0.25, 7, -1], encoding: 'typed' }),
      tensor('doubles', [2], { dataType: OnnxDataType.DOUBLE, values: [1e300, -3.5], encoding: 'typed' }),
    ]);
    const stubs = await initializers(bytes);
    const decoded = onnx.ModelProto.decode(bytes).graph!.initializer!;
    const at = (t: TensorStub) => {
      if (t.data?.kind !== 'file') throw new Error(`${t.name}: ${JSON.stringify(t.data)}`);
      return Buffer.from(bytes.subarray(t.data.offset, t.data.offset + t.data.length));
    };
    expect(at(stubs[0])).toEqual(Buffer.from(decoded[0].rawData!));
    expect(at(stubs[1])).toEqual(Buffer.from(new Float32Array([0.25, 7, -1]).buffer));
    expect(at(stubs[2])).toEqual(Buffer.from(new Float64Array([1e300, -3.5]).buffer));
  });

  it('marks varint-packed integers as scattered and keeps an external reference as the file gives it', async () => {
    const [ints] = await initializers(
      model([tensor('ints', [3], { dataType: OnnxDataType.INT64, values: [1, 300, -5], encoding: 'typed' })]),
    );
    expect(ints.data).toEqual({ kind: 'scattered', field: 'int64_data' });
    expect(ints.values).toEqual([1, 300, -5]);

    const external = onnx.ModelProto.encode({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 13 }],
      graph: {
        node: [{ opType: 'Relu', input: ['w'], output: ['y'] }],
        initializer: [
          {
            name: 'w',
            dataType: 1,
            dims: [4],
            dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
            externalData: [
              { key: 'location', value: 'w.bin' },
              { key: 'offset', value: '4096' },
              { key: 'length', value: '16' },
            ],
          },
        ],
        output: [{ name: 'y' }],
      },
    }).finish();
    expect((await initializers(external))[0].data).toEqual({
      kind: 'external',
      location: 'w.bin',
      offset: 4096,
      length: 16,
    });
  });

  it('rejects an external reference whose offset is not a non-negative integer, naming the tensor', async () => {
    const bad = onnx.ModelProto.encode({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 13 }],
      graph: {
        node: [{ opType: 'Relu', input: ['w'], output: ['y'] }],
        initializer: [
          {
            name: 'w',
            dataType: 1,
            dims: [4],
            dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
            externalData: [
              { key: 'location', value: 'w.bin' },
              { key: 'offset', value: '-1' },
            ],
          },
        ],
        output: [{ name: 'y' }],
      },
    }).finish();
    await expect(initializers(bad)).rejects.toThrow(OnnxError);
    await expect(initializers(bad)).rejects.toThrow(
      /initializer\[0\] 'w'.*external data offset '-1' is not a non-negative integer/,
    );
  });
});
