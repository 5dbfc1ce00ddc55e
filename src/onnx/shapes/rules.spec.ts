import { buildGraph } from '../graph';
import { Dim, OnnxDataType, OnnxError, OnnxGraph, RawNode, TensorStub, ValueInfo } from '../types';
import { broadcastShapes } from './broadcast';
import { inferShapes } from './index';

describe('broadcastShapes', () => {
  it.each([
    [
      [[2, 3, 4], [4]],
      [2, 3, 4],
    ],
    [
      [
        [2, 1, 4],
        [3, 1],
      ],
      [2, 3, 4],
    ],
    [[[], [5]], [5]],
    [
      [[1], [1, 1]],
      [1, 1],
    ],
    [
      [
        ['N', 3],
        [1, 3],
      ],
      ['N', 3],
    ],
    [
      [
        ['N', 3],
        ['N', 1],
      ],
      ['N', 3],
    ],
    [
      [
        ['N', 3],
        ['M', 3],
      ],
      [null, 3],
    ],
    [
      [
        [null, 3],
        [7, 1],
      ],
      [7, 3],
    ],
    [[['N'], [null]], [null]],
    [
      [
        [8, 'N'],
        [8, 1],
      ],
      [8, 'N'],
    ],
  ] as [Dim[][], Dim[]][])('%j → %j', (shapes, expected) => {
    expect(broadcastShapes(shapes)).toEqual(expected);
  });

  it('rejects two different sizes > 1', () => {
    expect(() =>
      broadcastShapes([
        [2, 3],
        [4, 3],
      ]),
    ).toThrow(/cannot broadcast shapes \[2,3\] and \[4,3\]/);
  });
});

// Small graphs built by hand: one rule at a time, with plain inputs.
function model(nodes: Partial<RawNode>[], inputs: ValueInfo[], initializers: TensorStub[] = [], opset = 17): OnnxGraph {
  return buildGraph({
    irVersion: 8,
    opsets: [{ domain: '', version: opset }],
    producerName: 'test',
    graphName: 'g',
    nodes: nodes.map((n) => ({
      name: '',
      domain: '',
      inputs: [],
      outputs: [],
      attributes: {},
      opType: 'Identity',
      ...n,
    })),
    initializers,
    inputs,
    outputs: [],
    valueInfo: [],
    bytesRead: 0,
  });
}
const f32 = (name: string, shape: Dim[]): ValueInfo => ({ name, elemType: OnnxDataType.FLOAT, shape });
const i64 = (name: string, values: number[], dims = [values.length]): TensorStub => ({
  name,
  dataType: OnnxDataType.INT64,
  dims,
  external: false,
  inlineByteLength: values.length * 8,
  values,
});
const ints = (value: number[]) => ({ kind: 'ints' as const, value });
const int = (value: number) => ({ kind: 'int' as const, value });

describe('shape rules', () => {
  it('folds Shape → Gather → Unsqueeze → Concat → Reshape with a symbolic batch', () => {
    const g = model(
      [
        { opType: 'Shape', inputs: ['x'], outputs: ['s'] },
        { opType: 'Gather', inputs: ['s', 'zero'], outputs: ['b'], attributes: { axis: int(0) } },
        { opType: 'Unsqueeze', inputs: ['b', 'axes0'], outputs: ['b1'] },
        { opType: 'Concat', inputs: ['b1', 'minus1'], outputs: ['target'], attributes: { axis: int(0) } },
        { opType: 'Reshape', inputs: ['x', 'target'], outputs: ['y'] },
      ],
      [f32('x', ['N', 8, 4, 4])],
      [i64('zero', [0], []), i64('axes0', [0]), i64('minus1', [-1])],
    );
    const r = inferShapes(g, { useValueInfo: false });
    expect(r.shapes.get('y')?.dims).toEqual(['N', 128]);
    expect(r.shapes.get('target')).toEqual({ elemType: OnnxDataType.INT64, dims: [2] });
    expect(r.constants.has('target')).toBe(false); // symbolic values are not published as constants
  });

  it('folds ConstantOfShape, Range and integer arithmetic', () => {
    const g = model(
      [
        { opType: 'ConstantOfShape', inputs: ['shape'], outputs: ['w'] },
        { opType: 'Range', inputs: ['start', 'limit', 'delta'], outputs: ['r'] },
        { opType: 'Div', inputs: ['r', 'two'], outputs: ['half'] },
        { opType: 'Cast', inputs: ['half'], outputs: ['hf'], attributes: { to: int(OnnxDataType.FLOAT) } },
      ],
      [],
      [
        i64('shape', [16, 3, 3, 3]),
        i64('start', [1], []),
        i64('limit', [10], []),
        i64('delta', [3], []),
        i64('two', [2], []),
      ],
    );
    const r = inferShapes(g, { useValueInfo: false });
    expect(r.shapes.get('w')).toEqual({ elemType: OnnxDataType.FLOAT, dims: [16, 3, 3, 3] });
    expect(r.constants.get('r')).toEqual([1, 4, 7]);
    expect(r.constants.get('half')).toEqual([0, 2, 3]); // integer division truncates
    expect(r.shapes.get('hf')?.elemType).toBe(OnnxDataType.FLOAT);
  });

  it('reads Slice/Unsqueeze operands from attributes in old opsets and inputs in new ones', () => {
    const old = model(
      [
        {
          opType: 'Slice',
          inputs: ['x'],
          outputs: ['s'],
          attributes: { axes: ints([1]), starts: ints([1]), ends: ints([1000]) },
        },
        { opType: 'Unsqueeze', inputs: ['s'], outputs: ['u'], attributes: { axes: ints([0]) } },
      ],
      [f32('x', [2, 10])],
      [],
      9,
    );
    expect(inferShapes(old).shapes.get('u')?.dims).toEqual([1, 2, 9]);
    const recent = model(
      [{ opType: 'Slice', inputs: ['x', 'st', 'en', 'ax', 'step'], outputs: ['s'] }],
      [f32('x', [2, 10])],
      [i64('st', [-1]), i64('en', [-100]), i64('ax', [1]), i64('step', [-2])],
    );
    expect(inferShapes(recent).shapes.get('s')?.dims).toEqual([2, 5]);
  });

  it('computes conv and pooling windows, ceil_mode included', () => {
    const g = model(
      [
        {
          opType: 'Conv',
          inputs: ['x', 'w'],
          outputs: ['c'],
          attributes: { strides: ints([2, 2]), pads: ints([3, 3, 3, 3]) },
        },
        {
          opType: 'MaxPool',
          inputs: ['c'],
          outputs: ['p'],
          attributes: { kernel_shape: ints([3, 3]), strides: ints([2, 2]), ceil_mode: int(1) },
        },
      ],
      [f32('x', [1, 3, 224, 224]), f32('w', [64, 3, 7, 7])],
    );
    const r = inferShapes(g);
    expect(r.shapes.get('c')?.dims).toEqual([1, 64, 112, 112]);
    expect(r.shapes.get('p')?.dims).toEqual([1, 64, 56, 56]);
  });

  it('lists unknown ops and falls back to value_info only when asked', () => {
    const raw = model([{ opType: 'FancyOp', inputs: ['x'], outputs: ['y'] }], [f32('x', [1, 2])]).model;
    const g = buildGraph({ ...raw, valueInfo: [f32('y', [1, 7])] });
    expect(inferShapes(g, { useValueInfo: false })).toMatchObject({ unsupportedOps: ['FancyOp'] });
    expect(inferShapes(g, { useValueInfo: false }).shapes.has('y')).toBe(false);
    expect(inferShapes(g).shapes.get('y')?.dims).toEqual([1, 7]);
  });

  it('names the node on a shape conflict', () => {
    const g = model(
      [{ name: 'add', opType: 'Add', inputs: ['a', 'b'], outputs: ['y'] }],
      [f32('a', [2, 3]), f32('b', [4, 3])],
    );
    expect(() => inferShapes(g)).toThrow(OnnxError);
    expect(() => inferShapes(g)).toThrow(/node 'add' \(Add\): cannot broadcast/);
  });

  it('splits by attribute (opset < 13), by input (13+) and equally', () => {
    const splitOld = model(
      [{ opType: 'Split', inputs: ['x'], outputs: ['a', 'b'], attributes: { axis: int(1), split: ints([2, 6]) } }],
      [f32('x', [1, 8])],
      [],
      11,
    );
    expect(inferShapes(splitOld).shapes.get('b')?.dims).toEqual([1, 6]);
    const splitNew = model(
      [{ opType: 'Split', inputs: ['x', 's'], outputs: ['a', 'b'], attributes: { axis: int(1) } }],
      [f32('x', [1, 8])],
      [i64('s', [3, 5])],
    );
    expect(inferShapes(splitNew).shapes.get('a')?.dims).toEqual([1, 3]);
    const equal = model([{ opType: 'Split', inputs: ['x'], outputs: ['a', 'b'] }], [f32('x', [4, 8])]);
    expect(inferShapes(equal).shapes.get('b')?.dims).toEqual([2, 8]);
  });

  it('handles old-opset BatchNormalization and Dropout extra outputs', () => {
    const g = model(
      [
        { opType: 'BatchNormalization', inputs: ['x', 's', 'b', 'm', 'v'], outputs: ['y', 'rm', 'rv', 'sm', 'sv'] },
        { opType: 'Dropout', inputs: ['y'], outputs: ['d', 'mask'] },
      ],
      ['x', 's', 'b', 'm', 'v'].map((n) => f32(n, n === 'x' ? [1, 16, 8, 8] : [16])),
      [],
      9,
    );
    const r = inferShapes(g, { useValueInfo: false });
    expect(r.shapes.get('sv')?.dims).toEqual([16]);
    expect(r.shapes.get('mask')).toEqual({ elemType: OnnxDataType.FLOAT, dims: [1, 16, 8, 8] }); // BOOL from opset 10
  });

  it('does MatMul with 1-D and broadcast batch operands, and transposed Gemm', () => {
    const g = model(
      [
        { opType: 'MatMul', inputs: ['a', 'v'], outputs: ['av'] },
        { opType: 'MatMul', inputs: ['a', 'b'], outputs: ['ab'] },
        { opType: 'Gemm', inputs: ['p', 'q'], outputs: ['pq'], attributes: { transA: int(1), transB: int(1) } },
      ],
      [f32('a', [2, 1, 3, 4]), f32('v', [4]), f32('b', [5, 4, 6]), f32('p', [7, 3]), f32('q', [9, 7])],
    );
    const r = inferShapes(g);
    expect(r.shapes.get('av')?.dims).toEqual([2, 1, 3]);
    expect(r.shapes.get('ab')?.dims).toEqual([2, 5, 3, 6]);
    expect(r.shapes.get('pq')?.dims).toEqual([3, 9]);
  });

  it('expands, selects and pads with folding', () => {
    const g = model(
      [
        { opType: 'Expand', inputs: ['one', 'shape'], outputs: ['e'] },
        { opType: 'Equal', inputs: ['e', 'one'], outputs: ['eq'] },
        { opType: 'Where', inputs: ['eq', 'col', 'e'], outputs: ['w'] },
        { opType: 'Pad', inputs: ['x', 'pads'], outputs: ['p'] },
      ],
      [f32('x', [1, 3, 5, 5])],
      [i64('one', [1], []), i64('shape', [2, 3]), i64('col', [5, 6, 7]), i64('pads', [0, 0, 1, 2, 0, 0, 1, 2])],
    );
    const r = inferShapes(g);
    expect(r.constants.get('e')).toEqual([1, 1, 1, 1, 1, 1]);
    expect(r.shapes.get('eq')).toEqual({ elemType: OnnxDataType.BOOL, dims: [2, 3] });
    expect(r.constants.get('w')).toEqual([5, 6, 7, 5, 6, 7]);
    expect(r.shapes.get('p')?.dims).toEqual([1, 3, 7, 9]);
  });

  it('resizes by scales or sizes and transposes convolutions', () => {
    const scales: TensorStub = { ...i64('scales', []), dataType: OnnxDataType.FLOAT, dims: [4], values: [1, 1, 2, 2] };
    const g = model(
      [
        { opType: 'Resize', inputs: ['x', '', 'scales'], outputs: ['r'] },
        {
          opType: 'ConvTranspose',
          inputs: ['x', 'w'],
          outputs: ['t'],
          attributes: { strides: ints([2, 2]), pads: ints([1, 1, 1, 1]), output_padding: ints([1, 1]) },
        },
        {
          opType: 'Conv',
          inputs: ['x', 'k'],
          outputs: ['c'],
          attributes: { auto_pad: { kind: 'string', value: 'SAME_UPPER' }, strides: ints([2, 2]) },
        },
      ],
      [f32('x', [1, 8, 5, 5]), f32('w', [8, 4, 3, 3]), f32('k', [6, 8, 3, 3])],
      [scales],
    );
    const r = inferShapes(g);
    expect(r.shapes.get('r')?.dims).toEqual([1, 8, 10, 10]);
    expect(r.shapes.get('t')?.dims).toEqual([1, 4, 10, 10]);
    expect(r.shapes.get('c')?.dims).toEqual([1, 6, 3, 3]);
  });

  it('squeezes by attribute (opset < 13) or input, and reduces with keepdims', () => {
    const g = model(
      [
        { opType: 'Squeeze', inputs: ['x', 'axes'], outputs: ['s'] },
        { opType: 'ReduceMean', inputs: ['x'], outputs: ['m'], attributes: { axes: ints([2, 3]), keepdims: int(0) } },
        { opType: 'Flatten', inputs: ['x'], outputs: ['f'], attributes: { axis: int(2) } },
      ],
      [f32('x', ['N', 3, 1, 1])],
      [i64('axes', [-1, 2])],
    );
    const r = inferShapes(g);
    expect(r.shapes.get('s')?.dims).toEqual(['N', 3]);
    expect(r.shapes.get('m')?.dims).toEqual(['N', 3]);
    expect(r.shapes.get('f')?.dims).toEqual([null, 1]);
  });
});
