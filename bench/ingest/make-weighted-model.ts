/**
 * Turns a graph-only ONNX file (large initializers are external-data references) into a self-contained one with
 * random inline `raw_data` of the right size, streamed to disk so that a 550 MB VGG16 never sits in memory.
 *
 *   node bench/run-ts.js bench/ingest/make-weighted-model.ts <graph.onnx> <out.onnx> [--check]
 *
 * --check: onnxruntime-node must load the result and run it on a random input (finite outputs).
 */
import { randomFillSync } from 'node:crypto';
import { closeSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { onnx } from 'onnx-proto';

/** Bytes per element of each TensorProto.DataType that can carry raw_data. */
const ELEMENT_BYTES: Record<number, number> = {
  1: 4,
  2: 1,
  3: 1,
  4: 2,
  5: 2,
  6: 4,
  7: 8,
  9: 1,
  10: 2,
  11: 8,
  12: 4,
  13: 8,
  14: 8,
  15: 16,
  16: 2,
};
const FLOAT = 1;
const CHUNK_BYTES = 1 << 20;
const WIRE_LEN = 2;
const GRAPH_FIELD = 7;
const INITIALIZER_FIELD = 5;
const RAW_DATA_FIELD = 9;

/** A piece of the output: encoded bytes, or `random` bytes to be generated while writing. */
type Piece = Uint8Array | { random: number; float: boolean };

function varint(value: number): Uint8Array {
  const out: number[] = [];
  // Division instead of bit operations: lengths may exceed 2^31.
  while (value >= 0x80) {
    out.push((value % 0x80) | 0x80);
    value = Math.floor(value / 0x80);
  }
  out.push(value);
  return Uint8Array.from(out);
}

function lengthPrefix(field: number, length: number): Uint8Array {
  return Buffer.concat([varint((field << 3) | WIRE_LEN), varint(length)]);
}

function pieceLength(piece: Piece): number {
  return piece instanceof Uint8Array ? piece.length : piece.random;
}

function sum(pieces: Piece[]): number {
  return pieces.reduce((total, piece) => total + pieceLength(piece), 0);
}

function isExternal(tensor: onnx.ITensorProto): boolean {
  return tensor.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL;
}

/** One `initializer` field: the tensor without its external reference, then raw_data written by hand. */
function initializerPieces(tensor: onnx.ITensorProto): Piece[] {
  if (!isExternal(tensor)) {
    const whole = onnx.TensorProto.encode(tensor).finish();
    return [lengthPrefix(INITIALIZER_FIELD, whole.length), whole];
  }
  const dataType = tensor.dataType ?? 0;
  const elementBytes = ELEMENT_BYTES[dataType];
  if (!elementBytes) throw new Error(`initializer '${tensor.name}': data_type ${dataType} has no raw_data size`);
  const count = (tensor.dims ?? []).reduce<number>((n, d) => n * Number(d), 1);
  const rawBytes = count * elementBytes;
  const head = onnx.TensorProto.encode(
    onnx.TensorProto.create({ ...tensor, externalData: [], dataLocation: onnx.TensorProto.DataLocation.DEFAULT }),
  ).finish();
  const rawPrefix = lengthPrefix(RAW_DATA_FIELD, rawBytes);
  const tensorLength = head.length + rawPrefix.length + rawBytes;
  return [
    lengthPrefix(INITIALIZER_FIELD, tensorLength),
    head,
    rawPrefix,
    { random: rawBytes, float: dataType === FLOAT },
  ];
}

/** The whole output as pieces, in the order PyTorch's exporter writes them (nodes, initializers, inputs...). */
export function planWeightedModel(graphOnlyPath: string): Piece[] {
  const model = onnx.ModelProto.decode(readFileSync(graphOnlyPath));
  const graph = model.graph;
  if (!graph) throw new Error(`${graphOnlyPath} has no graph`);
  const graphPieces: Piece[] = [
    onnx.GraphProto.encode(onnx.GraphProto.create({ node: graph.node, name: graph.name })).finish(),
    ...(graph.initializer ?? []).flatMap(initializerPieces),
    onnx.GraphProto.encode(onnx.GraphProto.create({ ...graph, node: [], initializer: [], name: undefined })).finish(),
  ];
  const header = onnx.ModelProto.encode(onnx.ModelProto.create({ ...model, graph: undefined })).finish();
  return [header, lengthPrefix(GRAPH_FIELD, sum(graphPieces)), ...graphPieces];
}

export function weightedModelSize(graphOnlyPath: string): number {
  return sum(planWeightedModel(graphOnlyPath));
}

/** Reused 1 MiB chunks: floats are small and finite (so a test run gives finite outputs), other types raw random. */
function randomChunks(): { float: Buffer; bytes: Buffer } {
  const bytes = randomFillSync(Buffer.alloc(CHUNK_BYTES));
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, CHUNK_BYTES / 4);
  const floats = new Float32Array(CHUNK_BYTES / 4);
  for (let i = 0; i < floats.length; i++) floats[i] = (words[i] / 0xffffffff - 0.5) * 0.02;
  return { float: Buffer.from(floats.buffer), bytes };
}

function writeAll(fd: number, data: Uint8Array): void {
  for (let done = 0; done < data.length;) done += writeSync(fd, data, done, data.length - done);
}

/** Writes the weighted model; returns its size in bytes. */
export function makeWeightedModel(graphOnlyPath: string, outPath: string): number {
  const pieces = planWeightedModel(graphOnlyPath);
  const chunks = randomChunks();
  const fd = openSync(outPath, 'w');
  try {
    for (const piece of pieces) {
      if (piece instanceof Uint8Array) {
        writeAll(fd, piece);
        continue;
      }
      const chunk = piece.float ? chunks.float : chunks.bytes;
      for (let left = piece.random; left > 0; left -= CHUNK_BYTES) {
        writeAll(fd, chunk.subarray(0, Math.min(left, CHUNK_BYTES)));
      }
    }
  } finally {
    closeSync(fd);
  }
  const expected = sum(pieces);
  const actual = statSync(outPath).size;
  if (actual !== expected) throw new Error(`${outPath}: wrote ${actual} bytes, planned ${expected}`);
  return actual;
}

/** Loads the file with onnxruntime-node and runs it once on a random input; throws unless outputs are finite. */
export async function checkWithOrt(modelPath: string): Promise<string> {
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(modelPath);
  const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
  for (const input of session.inputMetadata) {
    if (!input.isTensor) throw new Error(`input '${input.name}' is not a tensor`);
    // Symbolic dimensions (batch) become 1: VGG16's input is 1x3x224x224.
    const dims = input.shape.map((d) => (typeof d === 'number' && d > 0 ? d : 1));
    const data = Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => Math.random());
    feeds[input.name] = new ort.Tensor('float32', data, dims);
  }
  const results = await session.run(feeds);
  const summary: string[] = [];
  for (const [name, tensor] of Object.entries(results)) {
    const values = tensor.data as Float32Array;
    if (!values.every(Number.isFinite)) throw new Error(`output '${name}' has non-finite values`);
    summary.push(`${name} [${tensor.dims.join('x')}]`);
  }
  await session.release();
  return summary.join(', ');
}

async function main(): Promise<void> {
  const [input, output] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  if (!input || !output) throw new Error('usage: make-weighted-model.ts <graph.onnx> <out.onnx> [--check]');
  const started = performance.now();
  const size = makeWeightedModel(input, output);
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(`${output}: ${(size / 1e6).toFixed(1)} MB in ${seconds.toFixed(1)} s\n`);
  if (process.argv.includes('--check'))
    process.stdout.write(`onnxruntime-node ran it: ${await checkWithOrt(output)}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
