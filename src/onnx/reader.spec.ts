import { seededRandom } from '../common/seeded-random';
import { createReadStream, readFileSync, readdirSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { onnx } from 'onnx-proto';
import { readOnnxModel } from './reader';
import { OnnxDataType, OnnxError, OnnxErrorCode, RawModel } from './types';
import { decodeWhole, decodeWholeFile } from '../../test/support/decode-whole';
import {
  ModelSpec,
  attr,
  buildModel,
  chunked,
  concat,
  modelByteLength,
  node,
  streamModel,
  tag,
  tensor,
  value,
  varint,
} from '../../test/support/onnx-builder';
import { fixtureFile, fixturePath } from '../../test/support/fixtures';

const FILES = ['graphs', 'generated', 'models', 'third_party'].flatMap((dir) =>
  readdirSync(fixturePath(dir))
    .filter((f) => f.endsWith('.onnx'))
    .map((f) => `${dir}/${f}`),
);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Live JS heap plus array buffers (where chunk and tensor bytes would live), after a full collection. */
function liveBytes(): number {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

const read = (
  bytes: Uint8Array,
  size: number | (() => number) = 1 << 16,
  maxMessageBytes?: number,
): Promise<RawModel> => readOnnxModel(chunked(bytes, size), { maxMessageBytes });

async function failure(p: Promise<unknown>): Promise<OnnxError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof OnnxError) return e;
    throw e;
  }
  throw new Error('expected the read to fail');
}

/** A baseline: array buffers are freed after the collection that finds them dead, so let that happen first. */
async function settledLiveBytes(): Promise<number> {
  liveBytes();
  await new Promise((resolve) => setTimeout(resolve, 20));
  return liveBytes();
}

/**
 * Wraps a stream to record the peak of live memory every `every` chunks. Each sample runs two full collections,
 * which take seconds once a long in-band test run has grown the heap: sample sparsely (a reader that kept the
 * tensor would still show hundreds of MB at any sample after the first).
 */
async function* sampled(
  source: AsyncIterable<Uint8Array>,
  peak: { bytes: number },
  every = 1024,
): AsyncGenerator<Uint8Array> {
  let n = 0;
  for await (const chunk of source) {
    if (n++ % every === 0) peak.bytes = Math.max(peak.bytes, await settledLiveBytes());
    yield chunk;
  }
}

const LEN = 2;
const lenField = (field: number, body: Uint8Array): Uint8Array => concat([tag(field, LEN), varint(body.length), body]);
const utf8 = (s: string): Uint8Array => Buffer.from(s, 'utf8');
const HEADER = onnx.ModelProto.encode({ irVersion: 8, opsetImport: [{ domain: '', version: 13 }] }).finish();
/** A model whose graph body is given as raw bytes, for fields the builder cannot express. */
const withGraphBody = (body: Uint8Array): Uint8Array => concat([HEADER, lenField(7, body)]);
const RELU = lenField(1, onnx.NodeProto.encode({ opType: 'Relu', input: ['x'], output: ['y'] }).finish());

const small: ModelSpec = {
  inputs: [value('x', ['batch', 3, null])],
  outputs: [value('y')],
  nodes: [node('Relu', ['x'], ['y'])],
};

describe('readOnnxModel on real files', () => {
  it.each(FILES)('%s equals the whole-file oracle', async (file) => {
    const expected = decodeWholeFile(fixtureFile(file));
    expect(await readOnnxModel(createReadStream(fixtureFile(file)))).toEqual(expected);
  });

  it.each(FILES)('%s in random chunk sizes gives the same model', async (file) => {
    const bytes = readFileSync(fixtureFile(file));
    const random = seededRandom(file.length);
    expect(await read(bytes, () => Math.floor(random() * 8192))).toEqual(decodeWhole(bytes));
  });

  it.each(['graphs/squeezenet1_1.onnx', 'graphs/resnet18.onnx', 'third_party/light_inception_v1.onnx'])(
    '%s in 1-byte chunks gives the same model',
    async (file) => {
      const bytes = readFileSync(fixtureFile(file));
      expect(await read(bytes, 1)).toEqual(decodeWhole(bytes));
    },
  );
});

describe('garbage and truncation', () => {
  it('reports an empty file', async () => {
    const e = await failure(read(new Uint8Array(0)));
    expect([e.code, e.message]).toEqual([OnnxErrorCode.NOT_ONNX, 'empty file']);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])('reports random bytes (seed %d) as not ONNX', async (seed) => {
    const random = seededRandom(seed);
    const bytes = Uint8Array.from({ length: 4096 }, () => Math.floor(random() * 256));
    expect((await failure(read(bytes, 100))).code).toBe(OnnxErrorCode.NOT_ONNX);
  });

  it('does not take a plausible ir_version alone for ONNX (random bytes start that way 1 time in ~600)', async () => {
    // Field 1 varint 5 (an ir_version), then a tag with wire type 3: what random upload bytes once began with.
    const e = await failure(read(Uint8Array.from([0x08, 0x05, 0xf3, 0x80, 0x44, 0x01, 0x02, 0x03])));
    expect(e.code).toBe(OnnxErrorCode.NOT_ONNX);
    expect(e.message).toMatch(/^not an ONNX protobuf: .*invalid wire type 3/);
  });

  it.each([
    ['{"name": "resnet", "layers": [1, 2, 3]}', /starts with '\{' \(JSON\?\)/],
    ['  [1, 2, 3]', /starts with '\[' \(JSON\?\)/],
    ['hello, this is a README and not a model\n', /starts with 'hello, this is a README' \(text\?\)/],
    ['PK\u0003\u0004archive', /ZIP archive/],
  ])('names what %j looks like', async (text, message) => {
    const e = await failure(read(utf8(text)));
    expect(e.code).toBe(OnnxErrorCode.NOT_ONNX);
    expect(e.message).toMatch(message);
  });

  it('reports a protobuf without a graph', async () => {
    const e = await failure(read(onnx.ModelProto.encode({ irVersion: 7, producerName: 'x' }).finish()));
    expect([e.code, e.message]).toEqual([OnnxErrorCode.NOT_ONNX, 'not an ONNX model: no graph in model']);
  });

  it('reports a graph without nodes', async () => {
    expect((await failure(read(buildModel({ ...small, nodes: [] })))).code).toBe(OnnxErrorCode.EMPTY_GRAPH);
  });

  it('reports a real model cut at ten points as TRUNCATED (or NOT_ONNX before anything recognisable)', async () => {
    const bytes = readFileSync(fixturePath('models', 'squeezenet1_1.onnx'));
    const cuts = [1, 3, 30, 1000, 0.1, 0.25, 0.5, 0.75, 0.9, 0.999].map((c) =>
      c < 1 ? Math.floor(c * bytes.length) : c,
    );
    const codes = [];
    for (const cut of cuts) {
      const e = await failure(read(bytes.subarray(0, cut)));
      expect(e.message).not.toBe('');
      codes.push(e.code);
    }
    expect(codes.slice(0, 1)).toEqual([OnnxErrorCode.NOT_ONNX]);
    expect(codes.slice(2)).toEqual(new Array(8).fill(OnnxErrorCode.TRUNCATED));
    expect(new Set(codes)).toEqual(new Set([OnnxErrorCode.NOT_ONNX, OnnxErrorCode.TRUNCATED]));
  });

  it('reports a graph-only model cut at random points as TRUNCATED', async () => {
    const bytes = readFileSync(fixturePath('graphs', 'resnet18.onnx'));
    const random = seededRandom(7);
    for (let i = 0; i < 50; i++) {
      const cut = 10 + Math.floor(random() * (bytes.length * 0.95 - 10));
      const e = await failure(read(bytes.subarray(0, cut), 333));
      expect([cut, e.code]).toEqual([cut, OnnxErrorCode.TRUNCATED]);
    }
  });
});

describe('declared lengths', () => {
  const ptr = (field: number, declared: number | bigint): Uint8Array => concat([tag(field, LEN), varint(declared)]);

  it.each([
    [
      'a node longer than its graph',
      concat([HEADER, ptr(7, 1200), ptr(1, 2 ** 32), new Uint8Array(20)]),
      OnnxErrorCode.MALFORMED,
      /graph: node\[0\] declares 4294967296 bytes but only 1194 remain/,
    ],
    [
      'a graph far beyond the file',
      concat([HEADER, ptr(7, 2 ** 45), RELU, ptr(5, 2 ** 44), ptr(9, 2 ** 43), new Uint8Array(9)]),
      OnnxErrorCode.TRUNCATED,
      /file truncated at byte \d+ \(\d+ more bytes expected\)/,
    ],
    [
      'a name beyond the message cap',
      concat([HEADER, ptr(7, 2 ** 40), ptr(1, 2 ** 36), ptr(3, 2 ** 35), utf8('abc')]),
      OnnxErrorCode.FIELD_TOO_LARGE,
      /graph.node\[0\]: name would hold more than 1048576 bytes/,
    ],
    [
      'packed ints beyond the cap',
      concat([HEADER, ptr(7, 2 ** 40), ptr(1, 2 ** 36), ptr(5, 2 ** 34), ptr(8, 2 ** 33)]),
      OnnxErrorCode.FIELD_TOO_LARGE,
      /attribute\[0\]: ints/,
    ],
    ['a length over 2^53', concat([HEADER, ptr(7, 2n ** 60n)]), OnnxErrorCode.MALFORMED, /over 2\^53/],
  ])('rejects %s fast and without allocating it', async (_, bytes, code, message) => {
    const before = await settledLiveBytes();
    const started = performance.now();
    const e = await failure(read(bytes));
    expect(performance.now() - started).toBeLessThan(500);
    expect(liveBytes() - before).toBeLessThan(16 << 20);
    expect(e.code).toBe(code);
    expect(e.message).toMatch(message);
  });

  it('names the tensor whose data overruns its initializer', async () => {
    const t = concat([lenField(8, utf8('fc.weight')), ptr(9, 2 ** 32), new Uint8Array(100)]);
    const e = await failure(read(withGraphBody(concat([RELU, lenField(5, t)]))));
    expect(e.code).toBe(OnnxErrorCode.MALFORMED);
    expect(e.message).toBe("graph.initializer[0] 'fc.weight': raw_data declares 4294967296 bytes but only 100 remain");
  });
});

describe('malformed structure', () => {
  it('rejects invalid UTF-8 in a name', async () => {
    const bytes = buildModel({ ...small, nodes: [node('Relu', ['x'], ['y'], {}, { name: 'QQQQ' })] });
    const at = Buffer.from(bytes).indexOf('QQQQ');
    bytes.set([0xff, 0xfe, 0xc0, 0x80], at);
    const e = await failure(read(bytes));
    expect([e.code, e.message]).toEqual([OnnxErrorCode.MALFORMED, 'graph.node[0]: name is not valid UTF-8']);
  });

  it('rejects a field of the wrong wire type', async () => {
    const badNode = lenField(1, concat([tag(4, 0), varint(3)]));
    const e = await failure(read(withGraphBody(badNode)));
    expect([e.code, e.message]).toEqual([
      OnnxErrorCode.MALFORMED,
      'graph.node[0]: op_type (field 4) has wire type 0, expected 2',
    ]);
  });

  it('rejects a field that crosses the end of its message', async () => {
    const inner = lenField(1, concat([tag(4, LEN), varint(5), utf8('R')]));
    expect((await failure(read(withGraphBody(concat([inner, RELU]))))).message).toMatch(
      /op_type declares 5 bytes but only 1 remain/,
    );
    // A varint starting in the node and ending in the graph.
    const crossing = concat([tag(1, LEN), varint(2), tag(9, 0), Uint8Array.of(0x80, 0x01)]);
    expect((await failure(read(withGraphBody(concat([crossing, RELU]))))).message).toMatch(/graph.node\[0\]: .*past/);
  });

  it('rejects groups and field number 0', async () => {
    expect((await failure(read(withGraphBody(concat([RELU, tag(20, 3)]))))).code).toBe(OnnxErrorCode.MALFORMED);
    expect((await failure(read(withGraphBody(concat([RELU, Uint8Array.of(0x02, 0x00)]))))).code).toBe(
      OnnxErrorCode.MALFORMED,
    );
  });

  it('caps what one message may hold with maxMessageBytes', async () => {
    const bytes = buildModel({ ...small, nodes: [node('Relu', ['x'], ['y'], {}, { name: 'n'.repeat(5000) })] });
    expect((await failure(read(bytes, 1 << 16, 4096))).code).toBe(OnnxErrorCode.FIELD_TOO_LARGE);
    expect((await read(bytes, 1 << 16, 8192)).nodes[0].name).toHaveLength(5000);
  });
});

describe('tensors and attributes', () => {
  it('matches the oracle on every attribute kind and tensor encoding', async () => {
    const bytes = buildModel({
      inputs: [value('x', [1, 'n', null]), value('s', []), value('u')],
      outputs: [value('y', [2], OnnxDataType.INT64)],
      valueInfo: [value('mid', [1, 2, 3, 4], OnnxDataType.FLOAT16)],
      initializers: [
        tensor('f', [2, 2], { values: [1.5, -2, 3.25, 0] }),
        tensor('i64', [3], { dataType: OnnxDataType.INT64, values: [-1, 2 ** 40, 7] }),
        tensor('i64t', [3], { dataType: OnnxDataType.INT64, values: [-1, 2 ** 40, 7], encoding: 'typed' }),
        tensor('i32t', [2], { dataType: OnnxDataType.INT32, values: [-5, 5], encoding: 'typed' }),
        tensor('u8', [4], { dataType: OnnxDataType.UINT8, values: [0, 1, 254, 255] }),
        tensor('b', [2], { dataType: OnnxDataType.BOOL, values: [1, 0], encoding: 'typed' }),
        tensor('d', [1], { dataType: OnnxDataType.DOUBLE, values: [Math.PI], encoding: 'typed' }),
        tensor('u64', [1], { dataType: OnnxDataType.UINT64, values: [2 ** 60], encoding: 'typed' }),
        tensor('h', [2], { dataType: OnnxDataType.FLOAT16, values: [0x3c00, 0] }),
        tensor('str', [2], { dataType: OnnxDataType.STRING, strings: ['a', 'bcd'] }),
        tensor('ext', [1000, 1000], { external: 'weights.bin' }),
        tensor('big', [2000], { zeros: true }),
        tensor('empty', [0]),
      ],
      nodes: [
        node(
          'Conv',
          ['x', 'f', ''],
          ['c'],
          {
            kernel_shape: [3, 3],
            alpha: 0.5,
            beta: attr.float(1),
            mode: 'SAME',
            names: ['a', 'b'],
            scales: [0.5, 2.5],
          },
          { name: 'conv1' },
        ),
        node('Constant', [], ['k'], {
          value: attr.tensor(tensor('', [2], { dataType: OnnxDataType.INT64, values: [1, -1] })),
        }),
        node('If', ['k'], ['y'], {
          then_branch: attr.graph({ nodes: [node('Identity', ['k'], ['y'])] }),
          __proto__: 3,
        }),
        node('Custom', ['y'], ['z'], {}, { domain: 'com.example' }),
      ],
    });
    const model = await read(bytes, 7);
    expect(model).toEqual(decodeWhole(bytes));
    const init = Object.fromEntries(model.initializers.map((t) => [t.name, t]));
    expect(init.i64.values).toEqual([-1, 2 ** 40, 7]);
    expect(init.i64t).toMatchObject({ values: [-1, 2 ** 40, 7], inlineByteLength: 10 + 6 + 1 });
    expect(init.u8.values).toEqual([0, 1, 254, 255]);
    expect(init.h.values).toBeUndefined();
    expect(init.str).toMatchObject({ inlineByteLength: 4 });
    expect(init.str.values).toBeUndefined();
    expect(init.ext).toMatchObject({ external: true, inlineByteLength: 0, dims: [1000, 1000] });
    expect(init.big).toMatchObject({ inlineByteLength: 8000 });
    expect(init.big.values).toBeUndefined();
    expect(model.nodes[0].attributes).toEqual({
      kernel_shape: { kind: 'ints', value: [3, 3] },
      alpha: { kind: 'float', value: 0.5 },
      beta: { kind: 'float', value: 1 },
      mode: { kind: 'string', value: 'SAME' },
      names: { kind: 'strings', value: ['a', 'b'] },
      scales: { kind: 'floats', value: [0.5, 2.5] },
    });
    expect(model.nodes[1].attributes.value).toEqual({
      kind: 'tensor',
      value: {
        name: '',
        dataType: OnnxDataType.INT64,
        dims: [2],
        external: false,
        inlineByteLength: 16,
        values: [1, -1],
        data: { kind: 'file', offset: expect.any(Number), length: 16 },
      },
    });
    expect(Object.getPrototypeOf(model.nodes[2].attributes)).toBe(Object.prototype);
    expect(model.inputs[1]).toEqual({ name: 's', elemType: OnnxDataType.FLOAT, shape: [] });
    expect(model.inputs[2]).toEqual({ name: 'u', elemType: OnnxDataType.FLOAT });
  });

  it('decodes unpacked repeated fields and dims written after the data', async () => {
    const unpacked = concat([
      lenField(8, utf8('shape')),
      tag(7, 0),
      varint(-1),
      tag(7, 0),
      varint(64),
      tag(1, 0),
      varint(2),
      tag(2, 0),
      varint(OnnxDataType.INT64),
    ]);
    const late = concat([
      lenField(9, new Uint8Array(new Float32Array([1, 2, 3]).buffer)),
      lenField(8, utf8('late')),
      tag(1, 0),
      varint(3),
      tag(2, 0),
      varint(1),
    ]);
    const floats = concat([
      lenField(8, utf8('fl')),
      tag(4, 5),
      Uint8Array.of(0, 0, 0x80, 0x3f),
      tag(1, 0),
      varint(1),
      tag(2, 0),
      varint(1),
    ]);
    const bytes = withGraphBody(concat([RELU, lenField(5, unpacked), lenField(5, late), lenField(5, floats)]));
    const model = await read(bytes, 1);
    expect(model).toEqual(decodeWhole(bytes));
    expect(model.initializers.map((t) => t.values)).toEqual([[-1, 64], [1, 2, 3], [1]]);
    expect(model.initializers.map((t) => t.inlineByteLength)).toEqual([11, 12, 4]);
  });

  it('skips sparse initializers, docs, metadata, training info and unknown fields', async () => {
    const graph = onnx.ModelProto.decode(buildModel(small)).graph as onnx.GraphProto;
    graph.sparseInitializer = [
      {
        values: { name: 'sv', dims: [2], dataType: 1, floatData: [1, 2] },
        indices: { dims: [2], dataType: 7, int64Data: [0, 3] },
        dims: [5],
      },
    ];
    graph.docString = 'a graph';
    graph.quantizationAnnotation = [{ tensorName: 'x' }];
    const unknown = concat([
      tag(99, 0),
      varint(5),
      tag(98, 1),
      new Uint8Array(8),
      tag(97, 5),
      new Uint8Array(4),
      lenField(96, utf8('??')),
    ]);
    const model = onnx.ModelProto.encode({
      irVersion: 8,
      opsetImport: [
        { domain: '', version: 13 },
        { domain: 'ai.onnx.ml', version: 2 },
      ],
      docString: 'doc',
      metadataProps: [{ key: 'k', value: 'v' }],
      trainingInfo: [{ algorithm: graph }],
      graph,
    }).finish();
    const bytes = concat([unknown, model, unknown]);
    const got = await read(bytes, 5);
    expect(got).toEqual(decodeWhole(bytes));
    expect(got.opsets).toEqual([
      { domain: '', version: 13 },
      { domain: 'ai.onnx.ml', version: 2 },
    ]);
  });
});

describe('large tensors are never materialised', () => {
  const MB = 1 << 20;

  it('reads a ~300 MB raw_data initializer in bounded memory, and reports the speed', async () => {
    const spec: ModelSpec = {
      ...small,
      nodes: [node('MatMul', ['x', 'w'], ['y'])],
      initializers: [tensor('w', [75, 1000, 1000], { zeros: true })],
    };
    const total = modelByteLength(spec);
    const peak = { bytes: 0 };
    const before = await settledLiveBytes();
    const model = await readOnnxModel(sampled(streamModel(spec), peak));
    const growth = peak.bytes - before;
    expect(model.initializers).toEqual([
      {
        name: 'w',
        dataType: OnnxDataType.FLOAT,
        dims: [75, 1000, 1000],
        external: false,
        inlineByteLength: 300_000_000,
        data: { kind: 'file', offset: expect.any(Number), length: 300_000_000 },
      },
    ]);
    expect(model.bytesRead).toBe(total);
    expect(growth).toBeLessThan(32 * MB);

    const started = performance.now();
    await readOnnxModel(streamModel(spec));
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(
      `300 MB synthetic: live memory growth ${(growth / MB).toFixed(2)} MB, ${(total / MB / seconds).toFixed(0)} MB/s\n`,
    );
  }, 180_000); // in a long in-band run, each full collection takes seconds

  it('reads a Constant node carrying a 100 MB tensor attribute without materialising it', async () => {
    const spec: ModelSpec = {
      ...small,
      nodes: [
        node(
          'Constant',
          [],
          ['c'],
          { value: attr.tensor(tensor('', [25, 1000, 1000], { zeros: true })) },
          { name: 'big_const' },
        ),
        node('Add', ['x', 'c'], ['y']),
      ],
    };
    const peak = { bytes: 0 };
    const before = await settledLiveBytes();
    const model = await readOnnxModel(sampled(streamModel(spec, 1 << 20), peak, 16));
    expect(peak.bytes - before).toBeLessThan(32 * MB);
    expect(model.nodes[0].attributes.value).toEqual({
      kind: 'tensor',
      value: {
        name: '',
        dataType: OnnxDataType.FLOAT,
        dims: [25, 1000, 1000],
        external: false,
        inlineByteLength: 100_000_000,
        data: { kind: 'file', offset: expect.any(Number), length: 100_000_000 },
      },
    });
  });
});
