/**
 * The hostile uploads the probe of issue 12 found, over HTTP: each is a 400 naming the problem (before: an OOM
 * kill, a 500, or a 60-second block), and leaves the database as it was. The caps come from the environment.
 */
import request from 'supertest';
import { buildModel, ModelSpec, node, tensor, value } from './support/onnx-builder';
import { api, bearer, createTenantKey, startTestApp, TestApp } from './support/test-app';
import { OnnxDataType } from '../src/onnx/types';

const INT64 = OnnxDataType.INT64;

describe('hostile model uploads (e2e)', () => {
  let t: TestApp;
  let key: string;
  beforeAll(async () => {
    t = await startTestApp({ ONNX_MAX_NODES: 50 });
    key = (await createTenantKey(t, 'hostile')).key;
  });
  afterAll(() => t.close());

  async function rowCounts(): Promise<number[]> {
    const [models] = await t.dataSource.query('SELECT count(*)::int AS n FROM models');
    const [nodes] = await t.dataSource.query('SELECT count(*)::int AS n FROM model_nodes');
    return [models.n, nodes.n];
  }

  async function expectRefused(spec: ModelSpec, message: RegExp): Promise<request.Response> {
    const before = await rowCounts();
    const res = await api(t)
      .post('/v1/models')
      .set(bearer(key))
      .attach('file', Buffer.from(buildModel(spec)), 'h.onnx');
    expect({ status: res.status, message: res.body.message }).toEqual({
      status: 400,
      message: expect.stringMatching(message),
    });
    expect(await rowCounts()).toEqual(before);
    return res;
  }

  const reshape = (shape: ReturnType<typeof tensor>): ModelSpec => ({
    inputs: [value('x', [1, 4])],
    outputs: [value('y')],
    initializers: [shape],
    nodes: [node('Reshape', ['x', 's'], ['y'])],
  });

  it('an INT64 initializer declaring 2^31 elements over 8 bytes', () =>
    expectRefused(reshape(tensor('s', [2 ** 31], { dataType: INT64, values: [4] })), /declare 2147483648 elements/));

  it('a graph-only Reshape target of 2^24 dims, answered at once', async () => {
    const started = Date.now();
    const res = await expectRefused(reshape(tensor('s', [2 ** 24], { dataType: INT64 })), /rank 16777216/);
    expect(res.body.code).toBe('OVER_LIMIT');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a NUL in a node name', () =>
    expectRefused(
      {
        inputs: [value('x', [1])],
        outputs: [value('y')],
        nodes: [node('Relu', ['x'], ['y'], {}, { name: 'n\u0000' })],
      },
      /NUL/,
    ));

  it('ConstantOfShape of a negative shape', () =>
    expectRefused(
      {
        inputs: [value('x', [1])],
        outputs: [value('y'), value('z')],
        initializers: [tensor('s', [1], { dataType: INT64, values: [-7] })],
        nodes: [node('ConstantOfShape', ['s'], ['y']), node('Relu', ['x'], ['z'])],
      },
      /ConstantOfShape.*-7 is not a dimension/,
    ));

  it('a Conv with group 0, and a negative input dim', async () => {
    await expectRefused(
      {
        inputs: [value('x', [1, 4, 8, 8])],
        outputs: [value('y')],
        initializers: [tensor('w', [4, 4, 3, 3])],
        nodes: [node('Conv', ['x', 'w'], ['y'], { group: 0 })],
      },
      /group 0/,
    );
    await expectRefused(
      { inputs: [value('x', [1, -4])], outputs: [value('y')], nodes: [node('Relu', ['x'], ['y'])] },
      /-4 is not a dimension/,
    );
  });

  it('more nodes than ONNX_MAX_NODES', () =>
    expectRefused(
      {
        inputs: [value('t0', [1])],
        outputs: [value('t51')],
        nodes: Array.from({ length: 51 }, (_, i) => node('Relu', [`t${i}`], [`t${i + 1}`])),
      },
      /more than the 50 nodes allowed/,
    ));
});
