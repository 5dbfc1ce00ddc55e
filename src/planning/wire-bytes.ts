/**
 * What one tensor weighs on a link, the single rule the cost model and the partition manifest share. Only
 * float32 activations are encoded as the plan's transferDtype says: float16 (a Cast on the sender, a Cast back on
 * the receiver), or int8 (DynamicQuantizeLinear: uint8 values plus a float32 scale and a uint8 zero point travel,
 * DequantizeLinear on the receiver). Every other tensor (int64 shapes, bool masks) travels in its own type, since
 * casting it would change what it means. An unknown type (0, or rows stored before types were kept) is priced
 * as float32, as it always was.
 */
import { ELEMENT_BYTES, OnnxDataType } from '../onnx/types';
import { DTYPE_BYTES, TransferDtype } from './types';

/** The float32 scale and the uint8 zero point that travel with every int8-encoded tensor. */
export const INT8_OVERHEAD_BYTES = 4 + 1;

/** Whether a tensor of this ONNX element type is encoded as transferDtype when it crosses a link. */
export const isEncoded = (elemType: number | undefined): boolean => !elemType || elemType === OnnxDataType.FLOAT;

export function wireBytes(elements: number, elemType: number | undefined, transferDtype: TransferDtype): number {
  if (!isEncoded(elemType)) return elements * (ELEMENT_BYTES[elemType as OnnxDataType] ?? 4);
  const overhead = transferDtype === 'int8' ? INT8_OVERHEAD_BYTES : 0;
  return elements * DTYPE_BYTES[transferDtype] + overhead;
}

/** A model input is not encoded: it is what the end device holds (float32 unless its type says otherwise). */
export const inputWireBytes = (elements: number, elemType: number | undefined): number =>
  elements * (ELEMENT_BYTES[elemType as OnnxDataType] ?? 4);
