import { analyseGraph, IngestedModel, readGraph } from '../onnx/ingest';
import { buildModel, ModelSpec, node, NodeSpec, tensor, value } from '../../test/support/onnx-builder';
import { groupKernels } from './group-kernels';
import { KernelGrouping } from './types';

async function ingest(spec: ModelSpec): Promise<IngestedModel> {
  const bytes = buildModel(spec);
  const graph = await readGraph(
    (async function* () {
      yield bytes;
    })(),
  );
  return analyseGraph(graph);
}

async function group(spec: ModelSpec, block = 16): Promise<{ m: IngestedModel; k: KernelGrouping }> {
  const m = await ingest(spec);
  const k = groupKernels(
    m.features,
    { inputs: m.summary.inputs.map((i) => i.name), outputs: m.summary.outputs.map((o) => o.name) },
    { nchwcBlockSize: block },
  );
  return { m, k };
}

/** Kernels as op-type lists, e.g. ['Conv+BatchNormalization+Relu', 'Flatten']. */
const shape = ({ m, k }: { m: IngestedModel; k: KernelGrouping }): string[] =>
  k.kernels.map((x) => x.nodes.map((n) => m.features[n].opType).join('+'));

const conv = (x: string, w: string, y: string, extra: string[] = []): NodeSpec =>
  node('Conv', [x, w, ...extra], [y], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
const image = (c = 16): ModelSpec['inputs'] => [value('x', [1, c, 8, 8])];
const weights = (c = 16) => [tensor('w', [c, c, 3, 3], { zeros: true }), tensor('w2', [c, c, 3, 3], { zeros: true })];

describe('groupKernels', () => {
  it('fuses Conv + BatchNormalization + residual Add + Relu into one NCHWc kernel', async () => {
    const r = await group({
      inputs: image(),
      outputs: [value('y')],
      initializers: [...weights(), ...['s', 'b', 'mu', 'var'].map((n) => tensor(n, [16], { zeros: true }))],
      nodes: [
        conv('x', 'w', 'a'),
        node('Relu', ['a'], ['ra']),
        conv('ra', 'w2', 'c'),
        node('BatchNormalization', ['c', 's', 'b', 'mu', 'var'], ['bn']),
        node('Add', ['bn', 'ra'], ['sum']),
        node('Relu', ['sum'], ['y']),
      ],
    });
    expect(shape(r)).toEqual(['Conv+Relu', 'Conv+BatchNormalization+Add+Relu']);
    expect(r.k.kernels[1]).toMatchObject({ kernelClass: 'conv-add', nchwc: true, name: 'bn_nchwc' });
    expect(r.k.kernels[1].main).toBe(2);
    // x is reordered into NCHWc once, y back once.
    expect(r.k.kernels.reduce((s, x) => s + x.reorders, 0)).toBe(2);
  });

  it('does not fuse an Add or Relu into a Conv whose output has a second consumer', async () => {
    const r = await group({
      inputs: image(),
      outputs: [value('y'), value('z')],
      initializers: weights(),
      nodes: [conv('x', 'w', 'a'), node('Relu', ['a'], ['y']), node('Sigmoid', ['a'], ['z'])],
    });
    expect(shape(r)).toEqual(['Conv', 'Relu', 'Sigmoid']);
  });

  it('without NCHWc (block 1) Conv + Add + Relu is still one FusedConv', async () => {
    const r = await group(
      {
        inputs: image(),
        outputs: [value('y')],
        initializers: weights(),
        nodes: [conv('x', 'w', 'a'), node('Add', ['a', 'x'], ['s']), node('Relu', ['s'], ['y'])],
      },
      1,
    );
    expect(shape(r)).toEqual(['Conv+Add+Relu']);
    expect(r.k.kernels[0]).toMatchObject({ nchwc: false, reorders: 0, name: 'Conv_0' });
  });

  it('fuses Gemm + Relu, and MatMul + bias Add into a Gemm', async () => {
    const r = await group({
      inputs: [value('x', [4, 32])],
      outputs: [value('y')],
      initializers: [
        tensor('w', [32, 8], { zeros: true }),
        tensor('b', [8], { zeros: true }),
        tensor('w2', [8, 8], { zeros: true }),
      ],
      nodes: [
        node('MatMul', ['x', 'w'], ['m'], {}, { name: 'fc1' }),
        node('Add', ['m', 'b'], ['a']),
        node('Gemm', ['a', 'w2'], ['g']),
        node('Relu', ['g'], ['y']),
      ],
    });
    expect(shape(r)).toEqual(['MatMul+Add', 'Gemm+Relu']);
    expect(r.k.kernels.map((x) => x.kernelClass)).toEqual(['gemm', 'gemm']);
    expect(r.k.kernels[0].name).toBe('fc1/MatMulAddFusion');
  });

  it('recognises the exported Gelu pattern and leaves a lone Div/Erf alone', async () => {
    const consts = [
      tensor('sqrt2', [], { values: [1.414] }),
      tensor('one', [], { values: [1] }),
      tensor('half', [], { values: [0.5] }),
    ];
    const r = await group({
      inputs: [value('x', [1, 4, 8])],
      outputs: [value('y'), value('z')],
      initializers: consts,
      nodes: [
        node('Div', ['x', 'sqrt2'], ['d']),
        node('Erf', ['d'], ['e']),
        node('Add', ['e', 'one'], ['p']),
        node('Mul', ['x', 'p'], ['q']),
        node('Mul', ['q', 'half'], ['y']),
        node('Erf', ['x'], ['z']),
      ],
    });
    expect(shape(r)).toEqual(['Div+Erf+Add+Mul+Mul', 'Erf']);
    expect(r.k.kernels[0]).toMatchObject({ kernelClass: 'gelu', main: 4 });
  });

  it('recognises the decomposed LayerNorm pattern', async () => {
    const r = await group({
      inputs: [value('x', [1, 4, 8])],
      outputs: [value('y')],
      initializers: [
        tensor('two', [], { values: [2] }),
        tensor('eps', [], { values: [1e-5] }),
        tensor('g', [8], { zeros: true }),
        tensor('b', [8], { zeros: true }),
      ],
      nodes: [
        node('ReduceMean', ['x'], ['m'], { axes: [-1] }),
        node('Sub', ['x', 'm'], ['d']),
        node('Pow', ['d', 'two'], ['p']),
        node('ReduceMean', ['p'], ['v'], { axes: [-1] }),
        node('Add', ['v', 'eps'], ['ve']),
        node('Sqrt', ['ve'], ['s']),
        node('Div', ['d', 's'], ['n']),
        node('Mul', ['n', 'g'], ['ng']),
        node('Add', ['ng', 'b'], ['y']),
      ],
    });
    expect(shape(r)).toEqual(['ReduceMean+Sub+Pow+ReduceMean+Add+Sqrt+Div+Mul+Add']);
    expect(r.k.kernels[0].kernelClass).toBe('layernorm');
  });

  it('fuses HardSwish into the Conv before it, and x·Sigmoid(x) into one QuickGelu kernel', async () => {
    const r = await group({
      inputs: image(),
      outputs: [value('y')],
      initializers: weights(),
      nodes: [
        conv('x', 'w', 'a'),
        node('HardSwish', ['a'], ['h']),
        conv('h', 'w2', 'c'),
        node('Sigmoid', ['c'], ['s']),
        node('Mul', ['c', 's'], ['y']),
      ],
    });
    expect(shape(r)).toEqual(['Conv+HardSwish', 'Conv', 'Sigmoid+Mul']);
    expect(r.k.kernels[2]).toMatchObject({ kernelClass: 'quickgelu', nchwc: true, name: 'Mul_4/QuickGeluFusion/' });
  });

  it('makes Identity/Dropout and metadata-only reshapes zero-cost kernels, and sees through them for fusion', async () => {
    const r = await group({
      inputs: image(),
      outputs: [value('y')],
      initializers: [...weights(), tensor('shape', [2], { values: [1, -1] })],
      nodes: [
        conv('x', 'w', 'a'),
        node('Identity', ['a'], ['i']),
        node('Relu', ['i'], ['r']),
        node('Dropout', ['r'], ['dr']),
        node('Reshape', ['dr', 'shape'], ['f']),
        node('Flatten', ['f'], ['y']),
      ],
    });
    // Identity sits between the Conv and its Relu: it joins their kernel (convexity); Dropout stays alone.
    expect(shape(r)).toEqual(['Conv+Identity+Relu', 'Dropout', 'Reshape', 'Flatten']);
    expect(r.k.kernels.slice(1).map((x) => x.kernelClass)).toEqual(['eliminated', 'eliminated', 'eliminated']);
  });

  it('folds shape arithmetic on static shapes and leaves constants out of every kernel', async () => {
    const r = await group({
      inputs: [value('x', [2, 3, 4])],
      outputs: [value('y')],
      initializers: [tensor('i0', [1], { values: [0], dataType: 7 }), tensor('c', [1], { values: [-1], dataType: 7 })],
      nodes: [
        node('Shape', ['x'], ['s']),
        node('Gather', ['s', 'i0'], ['n']),
        node('Concat', ['n', 'c'], ['target'], { axis: 0 }),
        node('Reshape', ['x', 'target'], ['y']),
        node('Constant', [], ['k'], { value: { type: 'tensor', value: { dims: [1], values: [1] } } }),
      ],
    });
    expect(r.k.kernelOf[4]).toBe(-1);
    expect(r.k.kernels.every((x) => x.kernelClass === 'eliminated')).toBe(true);
    expect(r.k.kernels).toHaveLength(4);
  });

  it('runs a token transpose and the Reshape after it as one kernel named after the Reshape', async () => {
    const r = await group({
      inputs: [value('x', [1, 64, 16])],
      outputs: [value('y')],
      initializers: [tensor('hw', [4], { values: [1, 16, 8, 8], dataType: 7 })],
      nodes: [
        node('Transpose', ['x'], ['t'], { perm: [0, 2, 1] }, { name: 'exit/Transpose' }),
        node('Reshape', ['t', 'hw'], ['y'], {}, { name: 'exit/Reshape' }),
      ],
    });
    expect(shape(r)).toEqual(['Transpose+Reshape']);
    expect(r.k.kernels[0]).toMatchObject({ name: 'exit/Reshape', main: 0, kernelClass: 'data' });
  });

  it('never builds a kernel a path leaves and re-enters', async () => {
    // a → Relu feeds both the Add and a side Sigmoid that also feeds the Add: Conv+Relu+Add would not be convex.
    const r = await group({
      inputs: image(),
      outputs: [value('y')],
      initializers: weights(),
      nodes: [
        conv('x', 'w', 'a'),
        node('Sigmoid', ['a'], ['s']),
        node('Relu', ['s'], ['r']),
        node('Add', ['a', 'r'], ['y']),
      ],
    });
    for (const x of r.k.kernels) expect(isConvexIn(r.m, x.nodes)).toBe(true);
    expect(r.k.kernelOf.filter((k) => k < 0)).toHaveLength(0);
  });
});

/** Reference convexity check on the original graph: no node outside the set is both reached from and reaches it. */
function isConvexIn(m: IngestedModel, nodes: number[]): boolean {
  const inside = new Set(nodes);
  const f = m.features;
  const succ = (n: number): number[] =>
    f.filter((c) => c.inputs.some((t) => f[n].outputs.some((o) => o.name === t))).map((c) => c.index);
  const reached = new Set<number>();
  const stack = nodes.flatMap(succ).filter((c) => !inside.has(c));
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (reached.has(n)) continue;
    reached.add(n);
    for (const c of succ(n)) {
      if (inside.has(c)) return false;
      stack.push(c);
    }
  }
  return true;
}
