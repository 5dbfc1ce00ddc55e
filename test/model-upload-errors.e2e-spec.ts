/**
 * Every bad upload is a 4xx naming the problem, and leaves the database exactly as it was.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { buildModel, concat, node, tag, tensor, value, varint } from './support/onnx-builder';
import { fixturePath } from './support/fixtures';
import { api, bearer, createTenantKey, startTestApp, TestApp } from './support/test-app';
import { seededRandom } from '../src/common/seeded-random';

const MAX_UPLOAD_BYTES = 12 * 1024 * 1024;

describe('model upload errors (e2e)', () => {
  let t: TestApp;
  let key: string;
  beforeAll(async () => {
    t = await startTestApp({ MAX_UPLOAD_BYTES });
    key = (await createTenantKey(t, 'bad-input')).key;
  });
  afterAll(() => t.close());

  async function rowCounts(): Promise<number[]> {
    const [models] = await t.dataSource.query('SELECT count(*)::int AS n FROM models');
    const [nodes] = await t.dataSource.query('SELECT count(*)::int AS n FROM model_nodes');
    return [models.n, nodes.n];
  }

  async function expectRejected(
    send: (r: request.Test) => request.Test,
    status: number,
    message: RegExp,
  ): Promise<void> {
    const before = await rowCounts();
    const res = await send(api(t).post('/v1/models').set(bearer(key)));
    expect({ status: res.status, message: res.body.message }).toEqual({
      status,
      message: expect.stringMatching(message),
    });
    expect(res.body.statusCode).toBe(status);
    expect(await rowCounts()).toEqual(before);
  }

  const file =
    (bytes: Uint8Array, name = 'm.onnx') =>
    (r: request.Test) =>
      r.attach('file', Buffer.from(bytes), name);

  const squeezenet = readFileSync(fixturePath('models', 'squeezenet1_1.onnx'));

  it('empty file', () => expectRejected(file(new Uint8Array(0)), 400, /empty/));

  it.each([1, 2, 3, 4, 5, 6])('random bytes (seed %i)', (seed) => {
    const random = seededRandom(seed);
    const bytes = Buffer.from(Uint8Array.from({ length: 4096 * seed }, () => Math.floor(random() * 256)));
    return expectRejected(file(bytes), 400, /^not an ONNX protobuf/);
  });

  it('a JSON file', () => expectRejected(file(Buffer.from('{"model": "resnet"}'), 'm.json'), 400, /JSON/));

  it.each([0.001, 0.05, 0.1, 0.2, 0.33, 0.5, 0.66, 0.8, 0.95, 0.9999])('a real model truncated at %f', (at) =>
    expectRejected(file(squeezenet.subarray(0, Math.floor(squeezenet.length * at))), 400, /truncat|not an ONNX/i),
  );

  it('a graph with a cycle', () =>
    expectRejected(
      file(
        buildModel({
          inputs: [value('x', [1, 4])],
          outputs: [value('z', [1, 4])],
          nodes: [
            node('Add', ['x', 'c'], ['a'], {}, { name: 'first' }),
            node('Relu', ['a'], ['b'], {}, { name: 'second' }),
            node('Relu', ['b'], ['c'], {}, { name: 'third' }),
            node('Relu', ['b'], ['z'], {}, { name: 'out' }),
          ],
        }),
      ),
      400,
      /cycle: .*first.*second.*third/,
    ));

  it('a node consuming an unknown tensor', () =>
    expectRejected(
      file(
        buildModel({
          inputs: [value('x', [1, 4])],
          outputs: [value('y', [1, 4])],
          nodes: [node('Add', ['x', 'ghost'], ['y'], {}, { name: 'adder' })],
        }),
      ),
      400,
      /node 'adder' consumes unknown tensor 'ghost'/,
    ));

  it('a declared tensor length far beyond the file', () => {
    // An initializer whose raw_data claims 2^40 bytes inside an otherwise consistent model: never allocated.
    const lengthDelimited = (field: number, body: Uint8Array) => concat([tag(field, 2), varint(body.length), body]);
    const tensorHead = concat([tag(1, 0), varint(1024), tag(2, 0), varint(1), lengthDelimited(8, Buffer.from('w'))]);
    const lyingData = concat([tag(9, 2), varint(2 ** 40), new Uint8Array(16)]);
    const graph = lengthDelimited(5, concat([tensorHead, lyingData]));
    const lying = concat([tag(1, 0), varint(8), lengthDelimited(7, graph)]);
    return expectRejected(file(lying), 400, /raw_data declares 1099511627776 bytes but only \d+ remain/);
  });

  it('an unsupported opset', () =>
    expectRejected(
      file(
        buildModel({
          opset: 99,
          inputs: [value('x', [1])],
          outputs: [value('y', [1])],
          nodes: [node('Relu', ['x'], ['y'])],
        }),
      ),
      422,
      /opset 99/,
    ));

  it('a file over MAX_UPLOAD_BYTES, by a little (streamed limit) and by a lot (refused from Content-Length)', async () => {
    await expectRejected(file(randomBytes(MAX_UPLOAD_BYTES + 4096)), 413, /MAX_UPLOAD_BYTES/);
    await expectRejected(file(randomBytes(MAX_UPLOAD_BYTES * 2)), 413, /MAX_UPLOAD_BYTES/);
  });

  it('no file, a wrong field, or not multipart', async () => {
    await expectRejected((r) => r.field('name', 'x'), 400, /no file/);
    await expectRejected((r) => r.attach('model', squeezenet, 'm.onnx'), 400, /no file in multipart field 'file'/);
    await expectRejected((r) => r.send({ file: 'abc' }), 415, /multipart/);
    await expectRejected((r) => r.attach('file', squeezenet, 'm.onnx').field('name', ' '), 400, /name/);
  });

  it('missing key is 401 before anything is read', async () => {
    const res = await api(t).post('/v1/models').attach('file', squeezenet, 'm.onnx');
    expect(res.status).toBe(401);
  });

  it('accepts an op it does not know, with features from output elements, listed in unsupportedOps', async () => {
    const bytes = buildModel({
      opset: [
        { domain: '', version: 17 },
        { domain: 'com.example', version: 1 },
      ],
      inputs: [value('x', [1, 8, 4, 4])],
      outputs: [value('y', [1, 8, 4, 4])],
      valueInfo: [value('f', [1, 8, 4, 4])],
      initializers: [tensor('w', [8, 8, 1, 1], { zeros: true })],
      nodes: [
        node('FancyOp', ['x'], ['f'], { strength: 3 }, { domain: 'com.example', name: 'fancy' }),
        node('Conv', ['f', 'w'], ['y'], { kernel_shape: [1, 1] }, { name: 'conv' }),
      ],
    });
    const res = await api(t)
      .post('/v1/models')
      .set(bearer(key))
      .attach('file', Buffer.from(bytes), 'f.onnx')
      .expect(201);
    expect(res.body).toMatchObject({
      nodeCount: 2,
      unsupportedOps: ['com.example::FancyOp'],
      weightsIncluded: true,
      isChain: true,
    });
    const layers = (await api(t).get(`/v1/models/${res.body.id}/layers`).set(bearer(key)).expect(200)).body.items;
    expect(layers[0]).toMatchObject({ name: 'fancy', opType: 'FancyOp', macs: 8 * 4 * 4 });
    expect(layers[1]).toMatchObject({ name: 'conv', macs: 8 * 4 * 4 * 8, params: 64 });
  });
});
