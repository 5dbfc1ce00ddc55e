/**
 * Plans stay bounded (issue 12): a graph too large to plan within PLAN_TIME_BUDGET_MS is a 422 answered within
 * about the budget, not a blocked event loop; a latency that is not a finite number is a 422 naming the node, not a
 * 500 from the solver.
 */
import { buildModel, node, value } from './support/onnx-builder';
import { measuredMnistOnThreeTiers, THREE_TIERS } from './support/factories';
import { api, bearer, createTenantKey, startTestApp, TestApp } from './support/test-app';

const BUDGET_MS = 20;
const LADDER = 1500;

/** Every tensor feeds the next two nodes: a DAG (not a chain), so the min-cut solver runs on all of it. */
function ladder(n: number): Uint8Array {
  return buildModel({
    inputs: [value('t0', [1, 256])],
    outputs: [value(`t${n}`)],
    nodes: Array.from({ length: n }, (_, i) =>
      node('Add', [`t${i}`, `t${Math.max(0, i - 1)}`], [`t${i + 1}`], {}, { name: `n${i}` }),
    ),
  });
}

describe('bounded plans (e2e)', () => {
  let t: TestApp;
  let key: string;
  let mnistId: string;
  beforeAll(async () => {
    t = await startTestApp({ PLAN_TIME_BUDGET_MS: BUDGET_MS });
    key = (await createTenantKey(t, 'bounded')).key;
    mnistId = await measuredMnistOnThreeTiers(t, key);
  });
  afterAll(() => t.close());

  it('refuses a plan that outruns its time budget with a 422, quickly, and stores no plan', async () => {
    let started = Date.now();
    const upload = await api(t)
      .post('/v1/models')
      .set(bearer(key))
      .attach('file', Buffer.from(ladder(LADDER)), 'ladder.onnx');
    expect(upload.status).toBe(201);
    const nodes = Array.from({ length: LADDER }, (_, i) => ({ node: `n${i}`, medianUs: 50 + (i % 13) * 7 }));
    await api(t)
      .post('/v1/platforms/phone/measurements')
      .set(bearer(key))
      .send({ modelId: upload.body.id, nodes })
      .expect(201);
    const [before] = await t.dataSource.query('SELECT count(*)::int AS n FROM plans');
    started = Date.now();
    const res = await api(t).post('/v1/plans').set(bearer(key)).send({ modelId: upload.body.id, network: THREE_TIERS });
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 422, code: 'PLAN_BUDGET_EXCEEDED' });
    expect(res.body.message).toMatch(/1500 nodes\) takes more than the 20 ms budget \(PLAN_TIME_BUDGET_MS\)/);
    expect(Date.now() - started).toBeLessThan(5000);
    const [after] = await t.dataSource.query('SELECT count(*)::int AS n FROM plans');
    expect(after.n).toBe(before.n);
  });

  it('answers a NaN latency with a 422 naming the node, not a 500', async () => {
    const [row] = await t.dataSource.query(
      `UPDATE measurements m SET median_us = 'NaN' FROM platforms p
        WHERE m.platform_id = p.id AND p.slug = 'phone' AND m.model_id = $1
          AND m.node_idx = (SELECT min(idx) FROM model_nodes WHERE model_id = $1 AND NOT is_constant)
        RETURNING m.node_name`,
      [mnistId],
    );
    const res = await api(t).post('/v1/plans').set(bearer(key)).send({ modelId: mnistId, network: THREE_TIERS });
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 422, code: 'UNPLANNABLE_MODEL' });
    expect(res.body.message).toContain(`node '${(row[0] ?? row).node_name}'`);
    expect(res.body.message).toMatch(/latency of NaN µs/);
  });
});
