import type { NodeFeatures } from '../onnx/types';
import { elementsOf, planGraphFromFeatures } from './plan-graph';

const feature = (index: number, name: string, inputs: string[], out: string, shape: number[], isConstant = false) =>
  ({
    index,
    name,
    opType: 'Relu',
    attributes: {},
    inputs,
    inputShapes: [],
    outputs: [{ name: out, shape, bytes: 0, elemType: 1 }],
    macs: 0,
    params: 0,
    inBytes: 0,
    outBytes: 0,
    isConstant,
    macsFallback: false,
  }) satisfies NodeFeatures;

describe('planGraphFromFeatures', () => {
  it('maps model inputs, node outputs, consumers and outputs; initializers never move', () => {
    const features = [
      feature(0, 'c', [], 'w', [4], true),
      feature(1, 'a', ['x', 'w'], 'y', [1, 8]),
      feature(2, 'b', ['y', 'y'], 'z', [1, 2]),
    ];
    const g = planGraphFromFeatures(
      features,
      [{ name: 'x', elemType: 1, shape: [1, 3] }],
      ['z'],
      [new Float64Array([0, 10, 20]), new Float64Array([0, 1, 2])],
    );
    expect(g.nodes.map((n) => [n.name, n.isConstant, n.latencyUs])).toEqual([
      ['c', true, [0, 0]],
      ['a', false, [10, 1]],
      ['b', false, [20, 2]],
    ]);
    expect(g.tensors).toEqual([
      { name: 'x', producer: -1, consumers: [1], elements: 3, elemType: 1, isModelOutput: false },
      { name: 'w', producer: 0, consumers: [1], elements: 4, elemType: 1, isModelOutput: false },
      { name: 'y', producer: 1, consumers: [2, 2], elements: 8, elemType: 1, isModelOutput: false },
      { name: 'z', producer: 2, consumers: [], elements: 2, elemType: 1, isModelOutput: true },
    ]);
  });

  it('counts no elements for unknown or symbolic shapes', () => {
    expect(elementsOf([1, 'N', 3])).toBe(0);
    expect(elementsOf(null)).toBe(0);
    expect(elementsOf([2, 3])).toBe(6);
  });
});
