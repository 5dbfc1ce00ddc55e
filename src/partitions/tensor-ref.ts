/**
 * A sub-model's TensorProto for a stored tensor, without the service ever holding its bytes: an external-data
 * reference into the uploaded file (location = its name, offset and length recorded while it streamed), the
 * file's own reference when it was external already; small tensors the reader decoded (at most
 * SMALL_TENSOR_MAX_ELEMENTS values) are written inline, which also covers bytes that were not contiguous.
 */
import { onnx } from 'onnx-proto';
import type { TensorData } from '../onnx/types';
import { rawData } from '../profiling/synth-tensor';

export interface StoredTensor {
  name: string;
  dataType: number;
  dims: number[];
  values?: number[] | null;
  data?: TensorData | null;
}

const EXTERNAL = onnx.TensorProto.DataLocation.EXTERNAL;

const externalData = (location: string, offset: number, length: number | null): onnx.IStringStringEntryProto[] => [
  { key: 'location', value: location },
  { key: 'offset', value: String(offset) },
  ...(length === null ? [] : [{ key: 'length', value: String(length) }]),
];

/** The proto, or null when no bytes can stand for the tensor (the caller names every such tensor at once). */
export function referencedTensor(t: StoredTensor, fileName: string): onnx.ITensorProto | null {
  const base: onnx.ITensorProto = { name: t.name, dataType: t.dataType, dims: t.dims };
  const n = t.dims.reduce((a, b) => a * b, 1);
  // Small tensors the reader decoded go inline: onnxruntime's shape inference cannot read shape operands
  // (Reshape targets, ConstantOfShape shapes, Resize scales) from external data.
  if (t.values && t.values.length === n) {
    const values = t.values;
    return { ...base, rawData: rawData(t.dataType, n, (i) => values[i]) };
  }
  const data = t.data;
  if (data?.kind === 'file') {
    return { ...base, dataLocation: EXTERNAL, externalData: externalData(fileName, data.offset, data.length) };
  }
  if (data?.kind === 'external') {
    return { ...base, dataLocation: EXTERNAL, externalData: externalData(data.location, data.offset, data.length) };
  }
  if (n === 0) return { ...base, rawData: new Uint8Array(0) };
  return null;
}
