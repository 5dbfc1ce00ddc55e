import type { Dim, NodeFeatures, ValueInfo } from '../onnx/types';
import type { PlanGraph, PlanTensor } from './types';

/** Elements of a shape; a shape with unknown or symbolic dims moves 0 bytes (uploads flag such tensors). */
export function elementsOf(shape: Dim[] | null | undefined): number {
  if (!shape) return 0;
  let n = 1;
  for (const d of shape) {
    if (typeof d !== 'number') return 0;
    n *= d;
  }
  return n;
}

/**
 * The planner's view of a model: nodes with their latency on each tier, and every tensor that can cross a link
 * (node outputs and model inputs; initializers never move, they are deployed with the model).
 */
export function planGraphFromFeatures(
  features: NodeFeatures[],
  inputs: ValueInfo[],
  outputs: string[],
  latencyUsPerTier: Float64Array[],
): PlanGraph {
  const consumers = new Map<string, number[]>();
  features.forEach((f) =>
    f.inputs.forEach((name) => {
      if (name === '') return;
      const list = consumers.get(name) ?? [];
      list.push(f.index);
      consumers.set(name, list);
    }),
  );
  const isOutput = new Set(outputs);
  const tensors: PlanTensor[] = inputs.map((input) => ({
    name: input.name,
    producer: -1,
    consumers: consumers.get(input.name) ?? [],
    elements: elementsOf(input.shape),
    isModelOutput: false,
    elemType: input.elemType,
  }));
  for (const f of features) {
    for (const out of f.outputs) {
      tensors.push({
        name: out.name,
        producer: f.index,
        consumers: consumers.get(out.name) ?? [],
        elements: elementsOf(out.shape),
        isModelOutput: isOutput.has(out.name),
        elemType: out.elemType,
      });
    }
  }
  return {
    nodes: features.map((f, i) => ({
      name: f.name,
      isConstant: f.isConstant,
      latencyUs: latencyUsPerTier.map((tier) => tier[i]),
    })),
    tensors,
  };
}
