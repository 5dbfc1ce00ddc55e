/**
 * Recognises common non-ONNX uploads from their first bytes, so the error says what the file looks like instead
 * of reporting a protobuf fault at byte 0.
 */

const startsWith = (head: Uint8Array, magic: number[]): boolean => magic.every((b, i) => head[i] === b);

const SIGNATURES: [number[], string][] = [
  [[0x50, 0x4b, 0x03, 0x04], 'a ZIP archive (a PyTorch checkpoint or a zipped model?)'],
  [[0x89, 0x48, 0x44, 0x46], 'an HDF5 file (a Keras model?)'],
  [[0x1f, 0x8b], 'a gzip archive'],
  [[0x80, 0x02], 'a Python pickle'],
  [[0x80, 0x04], 'a Python pickle'],
  [[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
  [[0xff, 0xd8, 0xff], 'a JPEG image'],
  [[0x25, 0x50, 0x44, 0x46], 'a PDF document'],
];

const isText = (b: number): boolean => (b >= 0x20 && b < 0x7f) || b === 0x09 || b === 0x0a || b === 0x0d;

/** A message naming what the bytes look like when they cannot be ONNX, or null when they might be. */
export function describeNonOnnx(head: Uint8Array): string | null {
  if (head.length === 0) return 'empty file';
  for (const [magic, what] of SIGNATURES) {
    if (startsWith(head, magic)) return `not an ONNX protobuf: the file is ${what}`;
  }
  const first = head.find((b) => !(b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d));
  // '{' and '[' are group-start tags, which ONNX never uses, so a leading brace cannot begin a model.
  if (first === 0x7b || first === 0x5b)
    return `not an ONNX protobuf: file starts with '${String.fromCharCode(first)}' (JSON?)`;
  if (head.length >= 4 && head.every(isText)) {
    const preview = Buffer.from(head.subarray(0, 24)).toString('latin1').replace(/\s+/g, ' ').trim();
    return `not an ONNX protobuf: file starts with '${preview}' (text?)`;
  }
  return null;
}
