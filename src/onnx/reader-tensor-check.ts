/**
 * A TensorProto's declared size against what the file holds: the dims are the attacker's claim, the data fields
 * are what was actually sent. A tensor whose dims ask for more than its data holds (dims [2147483648] over 8 bytes)
 * is malformed, and no tensor may declare more dims or elements than the caps allow, data or not.
 */
import { overLimit } from './limits';
import type { Walk } from './reader-walk';
import { ELEMENT_BYTES, OnnxDataType } from './types';

export interface DeclaredTensor {
  dataType: number;
  dims: number[];
  /** data_location = EXTERNAL: the bytes live elsewhere and are never read. */
  external: boolean;
  /** Bytes of the last raw_data field. */
  rawLength: number;
  /** Bytes of the typed and string data fields. */
  otherLength: number;
}

export function checkDeclaredSize(w: Walk, t: DeclaredTensor): void {
  const { maxRank, maxTensorElements } = w.ctx.limits;
  if (t.dims.length > maxRank) {
    throw overLimit(`tensor has ${t.dims.length} dims, more than the ${maxRank} allowed`, { limit: maxRank });
  }
  if (t.dims.some((d) => d < 0)) throw w.malformed(`dims [${t.dims.join(',')}] include a negative dimension`);
  const elements = t.dims.reduce((a, b) => a * b, 1);
  if (elements > maxTensorElements) {
    throw overLimit(
      `dims [${t.dims.join(',')}] declare ${elements} elements, more than the ${maxTensorElements} allowed`,
      {
        limit: maxTensorElements,
      },
    );
  }
  if (t.external) return;
  const size = ELEMENT_BYTES[t.dataType as OnnxDataType];
  if (t.rawLength > 0 && size !== undefined && t.rawLength !== elements * size) {
    throw w.malformed(
      `dims [${t.dims.join(',')}] declare ${elements} elements (${elements * size} bytes) but raw_data holds ` +
        `${t.rawLength} bytes`,
    );
  }
  // Every element of a typed field takes at least one byte on the wire (strings excepted: '' takes none).
  if (t.rawLength === 0 && t.otherLength > 0 && t.dataType !== OnnxDataType.STRING && elements > t.otherLength) {
    throw w.malformed(
      `dims [${t.dims.join(',')}] declare ${elements} elements but its data fields hold only ${t.otherLength} bytes`,
    );
  }
}
