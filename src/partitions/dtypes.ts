/** ONNX element types by the names onnxruntime uses for tensor types. */
const NAMES: Record<number, string> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  16: 'bfloat16',
};

export const dtypeName = (elemType: number): string => NAMES[elemType] ?? 'unknown';

export function elemTypeOf(name: string): number {
  const found = Object.entries(NAMES).find(([, n]) => n === name);
  return found ? Number(found[0]) : 0;
}
