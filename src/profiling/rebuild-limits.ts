/**
 * What a rebuild may synthesise. A graph-only upload declares its weights' dims without sending them, so the
 * stand-ins a rebuild would write are sized by whatever the file claimed: a model of 1e12 declared parameters must
 * fail fast with the reason, before a byte is allocated, rather than take a worker down. Pure: no Nest.
 */
import { ELEMENT_BYTES, OnnxDataType } from '../onnx/types';
import type { ModelParts } from './parts';
import type { TensorSpec } from './synth-tensor';

export interface RebuildLimits {
  /** Most bytes of tensor data (stored values or stand-ins) the rebuilt model may hold. */
  maxSynthBytes: number;
  /** Most nodes the rebuilt model may have. */
  maxNodes: number;
}

/** Bytes of data a tensor's proto will carry; Infinity when its dims are not a shape at all. */
function dataBytes(t: TensorSpec): number {
  let elements = 1;
  for (const d of t.dims) {
    if (!Number.isSafeInteger(d) || d < 0) return Infinity;
    elements *= d;
  }
  // Strings are written as empty entries, about a byte each on the wire.
  return elements * (ELEMENT_BYTES[t.dataType as OnnxDataType] ?? 1);
}

/** Every tensor a rebuild writes: the initializers and the tensor attributes (Constant values). */
export function rebuildBytes(parts: ModelParts): number {
  let total = 0;
  for (const t of parts.initializers) total += dataBytes(t);
  for (const n of parts.nodes) {
    for (const a of Object.values(n.attributes)) if (a.kind === 'tensor') total += dataBytes(a.value);
  }
  return total;
}

/** The reason a rebuild within `limits` is impossible, or null when it fits. */
export function rebuildOverLimit(parts: ModelParts, limits: RebuildLimits): string | null {
  if (parts.nodes.length > limits.maxNodes) {
    return `the model has ${parts.nodes.length} nodes, more than the ${limits.maxNodes} self-profiling takes (PROFILE_MAX_NODES)`;
  }
  const bytes = rebuildBytes(parts);
  if (bytes > limits.maxSynthBytes) {
    const size = Number.isFinite(bytes) ? `${(bytes / 2 ** 20).toFixed(1)} MiB` : 'dims that are no shape';
    return (
      `its weights would take ${size} to synthesise, more than the ${(limits.maxSynthBytes / 2 ** 20).toFixed(1)} MiB ` +
      'self-profiling allows (PROFILE_MAX_SYNTH_BYTES)'
    );
  }
  return null;
}
