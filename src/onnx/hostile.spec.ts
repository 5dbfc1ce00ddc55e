/**
 * Hostile files found by fuzzing uploads (issue 12): every size a file declares, or that folding derives from it,
 * is checked before anything is allocated from it, and shapes the graph contradicts are refused with a code that
 * maps to a 4xx, never a RangeError, an out-of-memory kill or a model whose MACs are NaN.
 */
import { ingestOnnx } from './ingest';
import { OnnxLimits } from './limits';
import { OnnxDataType, OnnxError, OnnxErrorCode } from './types';
import { attr, buildModel, chunked, ModelSpec, node, tensor, value } from '../../test/support/onnx-builder';

const INT64 = OnnxDataType.INT64;

async function refusal(spec: ModelSpec | Uint8Array, limits?: Partial<OnnxLimits>): Promise<OnnxError> {
  const bytes = spec instanceof Uint8Array ? spec : buildModel(spec);
  try {
    await ingestOnnx(chunked(bytes, 1 << 16), { limits });
  } catch (e) {
    if (e instanceof OnnxError) return e;
    throw e;
  }
  throw new Error('expected the model to be refused');
}

const reshapeOf = (shapeTensor: ReturnType<typeof tensor>): ModelSpec => ({
  inputs: [value('x', [1, 4])],
  outputs: [value('y')],
  initializers: [shapeTensor],
  nodes: [node('Reshape', ['x', 's'], ['y'])],
});

describe('declared sizes against what the file holds', () => {
  it('refuses an INT64 initializer declaring 2^31 elements over 8 bytes of data (the OOM of the probe)', async () => {
    const e = await refusal(reshapeOf(tensor('s', [2 ** 31], { dataType: INT64, values: [4] })));
    expect(e.code).toBe(OnnxErrorCode.MALFORMED);
    expect(e.message).toMatch(/initializer\[0\] 's': dims \[2147483648\] declare 2147483648 elements .* holds 8 bytes/);
  });

  it('refuses typed data shorter than its dims, and negative dims', async () => {
    const typed = await refusal(reshapeOf(tensor('s', [5000], { dataType: INT64, values: [4], encoding: 'typed' })));
    expect(typed.message).toMatch(/declare 5000 elements but its data fields hold only 1 bytes/);
    const negative = await refusal(reshapeOf(tensor('s', [-1], { dataType: INT64 })));
    expect(negative.code).toBe(OnnxErrorCode.MALFORMED);
    expect(negative.message).toMatch(/negative dimension/);
  });

  it('refuses a graph-only Reshape target of 2^24 dims without allocating them (the 117-byte event-loop block)', async () => {
    const started = Date.now();
    const e = await refusal(reshapeOf(tensor('s', [2 ** 24], { dataType: INT64 })));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(e.code).toBe(OnnxErrorCode.OVER_LIMIT);
    expect(e.message).toMatch(/node 'Reshape_0' \(Reshape\): output of rank 16777216, more than the 32 allowed/);
  });

  it('refuses tensors over the element and rank caps, data or not', async () => {
    const big = await refusal(reshapeOf(tensor('s', [2 ** 21, 2 ** 21], { dataType: INT64 })));
    expect(big.code).toBe(OnnxErrorCode.OVER_LIMIT);
    const rank = await refusal(reshapeOf(tensor('s', new Array<number>(40).fill(1), { dataType: INT64 })));
    expect(rank.message).toMatch(/40 dims, more than the 32 allowed/);
    const input = await refusal({
      ...reshapeOf(tensor('s', [2], { dataType: INT64, values: [2, 2] })),
      inputs: [value('x', new Array(33).fill(1))],
    });
    expect(input.message).toMatch(/more than the 32 dims allowed/);
  });

  it('caps the node count and the bytes the whole structure may hold', async () => {
    const chain = (n: number): ModelSpec => ({
      inputs: [value('t0', [1, 4])],
      outputs: [value(`t${n}`)],
      nodes: Array.from({ length: n }, (_, i) => node('Relu', [`t${i}`], [`t${i + 1}`])),
    });
    expect((await refusal(chain(11), { maxNodes: 10 })).message).toMatch(/more than the 10 nodes allowed/);
    const e = await refusal(chain(200), { maxGraphBytes: 8192 });
    expect(e.code).toBe(OnnxErrorCode.FIELD_TOO_LARGE);
    expect(e.message).toMatch(/more than 8192 bytes in all/);
  });

  it('refuses a NUL in a name (PostgreSQL cannot store it) and keeps attribute bytes storable', async () => {
    const spec: ModelSpec = {
      inputs: [value('x', [1, 4])],
      outputs: [value('y')],
      nodes: [node('Relu', ['x'], ['y'], {}, { name: 'a\u0000b' })],
    };
    const e = await refusal(spec);
    expect(e.code).toBe(OnnxErrorCode.MALFORMED);
    expect(e.message).toMatch(/name contains a NUL character/);
    const withAttr: ModelSpec = { ...spec, nodes: [node('Relu', ['x'], ['y'], { note: attr.string('a\u0000b') })] };
    const ok = await ingestOnnx(chunked(buildModel(withAttr), 1 << 16));
    expect(ok.graph.nodes[0].attributes.note).toEqual({ kind: 'string', value: 'a\ufffdb' });
  });
});

describe('folded shape operands', () => {
  const constantOfShape = (values: number[]): ModelSpec => ({
    inputs: [value('x', [1])],
    outputs: [value('y'), value('z')],
    initializers: [tensor('s', [values.length], { dataType: INT64, values })],
    nodes: [node('ConstantOfShape', ['s'], ['y']), node('Relu', ['x'], ['z'])],
  });

  it.each([[[-3]], [[2, -1]], [[2 ** 53]]])(
    'ConstantOfShape of %j is a shape error, not an Invalid array length',
    async (values) => {
      const e = await refusal(constantOfShape(values));
      expect(e.code).toBe(OnnxErrorCode.SHAPE_MISMATCH);
      expect(e.message).toMatch(/ConstantOfShape.*is not a dimension/);
    },
  );

  it('ConstantOfShape over the element cap is refused', async () => {
    const e = await refusal(constantOfShape([2 ** 30, 2 ** 30]));
    expect(e.code).toBe(OnnxErrorCode.OVER_LIMIT);
  });

  it('Range with an infinite or NaN length is refused', async () => {
    const spec = (limit: number): ModelSpec => ({
      inputs: [value('x', [1])],
      outputs: [value('y'), value('z')],
      initializers: [
        tensor('a', [], { dataType: OnnxDataType.DOUBLE, values: [0] }),
        tensor('b', [], { dataType: OnnxDataType.DOUBLE, values: [limit] }),
        tensor('d', [], { dataType: OnnxDataType.DOUBLE, values: [1e-300] }),
      ],
      nodes: [node('Range', ['a', 'b', 'd'], ['y']), node('Relu', ['x'], ['z'])],
    });
    expect((await refusal(spec(1))).message).toMatch(/Range\(0, 1, 1e-300\) has no countable length/);
    expect((await refusal(spec(NaN))).code).toBe(OnnxErrorCode.SHAPE_MISMATCH);
  });

  it('Expand and Tile targets are checked, and an Expand operand cannot ask for a huge rank', async () => {
    const expand = (target: ReturnType<typeof tensor>): ModelSpec => ({
      inputs: [value('x', [1, 4])],
      outputs: [value('y')],
      initializers: [target],
      nodes: [node('Expand', ['x', 's'], ['y'])],
    });
    expect((await refusal(expand(tensor('s', [2], { dataType: INT64, values: [-2, 4] })))).code).toBe(
      OnnxErrorCode.SHAPE_MISMATCH,
    );
    expect((await refusal(expand(tensor('s', [1e6], { dataType: INT64 })))).code).toBe(OnnxErrorCode.OVER_LIMIT);
    const tile: ModelSpec = {
      inputs: [value('x', [1, 4])],
      outputs: [value('y')],
      initializers: [tensor('r', [2], { dataType: INT64, values: [1, -3] })],
      nodes: [node('Tile', ['x', 'r'], ['y'])],
    };
    expect((await refusal(tile)).message).toMatch(/Tile.*-3 is not a dimension/);
  });
});

describe('shapes the graph contradicts', () => {
  const conv = (x: number[], w: number[], attributes: Record<string, unknown> = {}): ModelSpec => ({
    inputs: [value('x', x)],
    outputs: [value('y')],
    initializers: [tensor('w', w)],
    nodes: [node('Conv', ['x', 'w'], ['y'], attributes as never)],
  });

  it('refuses Conv group 0 (MACs were Infinity) and a group that does not divide the channels', async () => {
    expect((await refusal(conv([1, 4, 8, 8], [4, 4, 3, 3], { group: 0 }))).message).toMatch(
      /group 0 must be a positive/,
    );
    expect((await refusal(conv([1, 6, 8, 8], [4, 1, 3, 3], { group: 4 }))).message).toMatch(
      /group 4 does not divide the 6 input channels/,
    );
    expect((await refusal(conv([1, 4, 8, 8], [4, 2, 3, 3], { group: 1 }))).message).toMatch(
      /takes 2 input channels, not 4/,
    );
  });

  it('refuses a kernel larger than the padded input, and strides or pads out of range', async () => {
    expect((await refusal(conv([1, 4, 2, 2], [4, 4, 5, 5]))).message).toMatch(/kernel spans 5 .* padded input of 2/);
    expect((await refusal(conv([1, 4, 8, 8], [4, 4, 3, 3], { strides: [0, 1] }))).message).toMatch(/strides/);
    expect((await refusal(conv([1, 4, 8, 8], [4, 4, 3, 3], { pads: [-1, 0, 0, 0] }))).message).toMatch(/pads/);
  });

  it('refuses negative and zero graph input dims', async () => {
    const relu = (shape: number[]): ModelSpec => ({
      inputs: [value('x', shape)],
      outputs: [value('y')],
      nodes: [node('Relu', ['x'], ['y'])],
    });
    expect((await refusal(relu([1, -3]))).message).toMatch(/graph input 'x' has shape \[1,-3\]: -3 is not a dimension/);
    expect((await refusal(relu([0, 3]))).message).toMatch(/dim 0 is 0/);
  });

  it('refuses a node whose MACs leave the range a predictor can take', async () => {
    const spec: ModelSpec = {
      inputs: [value('x', [2 ** 20, 2 ** 20])],
      outputs: [value('y')],
      initializers: [tensor('w', [2 ** 20, 2 ** 20])],
      nodes: [node('MatMul', ['x', 'w'], ['y'])],
    };
    const e = await refusal(spec);
    expect(e.code).toBe(OnnxErrorCode.SHAPE_MISMATCH);
    expect(e.message).toMatch(/node 'MatMul_0' \(MatMul\): macs 1\.15e\+18 is out of range/);
  });

  it('treats -1 in value_info as unknown, so a fallback never publishes a negative dim', async () => {
    const spec: ModelSpec = {
      inputs: [value('x', [1, 4])],
      outputs: [value('y', [-1, 5])],
      nodes: [node('FancyOp', ['x'], ['y'], {}, { domain: 'custom' })],
      opset: [
        { domain: '', version: 13 },
        { domain: 'custom', version: 1 },
      ],
    };
    const ok = await ingestOnnx(chunked(buildModel(spec), 1 << 16));
    expect(ok.summary.outputs[0].shape).toEqual([null, 5]);
  });
});
