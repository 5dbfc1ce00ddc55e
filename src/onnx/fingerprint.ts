/**
 * A model's architecture fingerprint: a hash of the graph without any weight bytes (nodes with their attributes,
 * graph input and output shapes, initializer names, dims and types, opsets). Two files of the same export hash
 * alike whether the weights came inline, external or not at all, so a graph-only upload and its weighted file
 * match, and a local file that is not the model a plan was made for does not.
 */
import { createHash } from 'node:crypto';
import type { AttributeValue, OnnxGraph, ValueInfo } from './types';

/** Attribute tensors enter by type and dims only: their values are weights, their positions depend on the file. */
function attributeKey(a: AttributeValue): unknown {
  return a.kind === 'tensor' ? { kind: a.kind, dataType: a.value.dataType, dims: a.value.dims } : a;
}

const valueKey = (v: ValueInfo) => [v.name, v.elemType, v.shape ?? null];

export function architectureFingerprint(graph: OnnxGraph): string {
  const raw = graph.model;
  const canonical = {
    irVersion: raw.irVersion,
    opsets: [...raw.opsets].sort((a, b) => a.domain.localeCompare(b.domain)).map((o) => [o.domain, o.version]),
    inputs: graph.inputs.map(valueKey),
    outputs: graph.outputs.map(valueKey),
    nodes: graph.nodes.map((n) => [
      n.uniqueName,
      n.opType,
      n.domain,
      n.inputs,
      n.outputs,
      Object.keys(n.attributes)
        .sort()
        .map((k) => [k, attributeKey(n.attributes[k])]),
    ]),
    initializers: [...graph.initializers.values()]
      .map((t) => [t.name, t.dataType, t.dims] as const)
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)),
  };
  return `sha256:${createHash('sha256').update(JSON.stringify(canonical)).digest('hex')}`;
}
