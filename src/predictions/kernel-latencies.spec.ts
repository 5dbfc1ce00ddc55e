import type { NodeFeatures } from '../onnx/types';
import { kernelsFromNodes, nodeKernels, nodesFromKernels, withMeasuredKernels } from './kernel-latencies';

const feature = (index: number, opType: string, isConstant = false) =>
  ({ index, name: `n${index}`, opType, isConstant }) as NodeFeatures;

// Conv → BatchNormalization → Relu fused into one kernel, a constant, an Identity ORT eliminates, a Gemm.
const features = [
  feature(0, 'Conv'),
  feature(1, 'BatchNormalization'),
  feature(2, 'Relu'),
  feature(3, 'Constant', true),
  feature(4, 'Identity'),
  feature(5, 'Gemm'),
];
const grouping = {
  kernels: [
    { name: 'conv_fused', kernelClass: 'conv', main: 0, nodes: [0, 1, 2] },
    { name: 'n4', kernelClass: 'eliminated', main: 4, nodes: [4] },
    { name: 'n5', kernelClass: 'gemm', main: 5, nodes: [5] },
  ],
  kernelOf: [0, 0, 0, -1, 1, 2],
};

describe('kernel latencies', () => {
  it('puts a kernel’s whole cost on its main node; fused and eliminated nodes are 0 and fused', () => {
    const { latencyUs, sources } = nodesFromKernels(
      grouping,
      Float64Array.from([100, 0, 40]),
      ['predicted', 'predicted', 'measured'],
      features,
    );
    expect(Array.from(latencyUs)).toEqual([100, 0, 0, 0, 0, 40]);
    expect(sources).toEqual(['predicted', 'fused', 'fused', 'constant', 'fused', 'measured']);
    expect(latencyUs.reduce((a, b) => a + b, 0)).toBe(140); // a sum over nodes is a sum over kernels
  });

  it('one kernel per non-constant node when nodes run alone, named and classed after the node', () => {
    const alone = nodeKernels(features);
    expect(alone.kernelOf).toEqual([0, 1, 2, -1, 3, 4]);
    expect(alone.kernels[3]).toEqual({ name: 'n4', kernelClass: 'Identity', main: 4, nodes: [4] });
  });

  it('sums node latencies per kernel, measured only when every node of it was', () => {
    const nodeUs = Float64Array.from([10, 2, 1, 0, 0.5, 30]);
    const { latencyUs, sources } = kernelsFromNodes(grouping, nodeUs, [
      'measured',
      'predicted',
      'measured',
      'constant',
      'measured',
      'measured',
    ]);
    expect(Array.from(latencyUs)).toEqual([13, 0.5, 30]);
    expect(sources).toEqual(['predicted', 'measured', 'measured']);
  });

  it('lets a kernel measured at all win over its predicted cost, by name', () => {
    const measured = new Map([
      ['conv_fused', 77],
      ['no-such-kernel', 1],
    ]);
    const { latencyUs, sources } = withMeasuredKernels(grouping, Float64Array.from([100, 0, 40]), measured);
    expect(Array.from(latencyUs)).toEqual([77, 0, 40]);
    expect(sources).toEqual(['measured', 'predicted', 'predicted']);
  });
});
