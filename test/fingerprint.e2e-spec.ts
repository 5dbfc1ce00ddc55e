import { createReadStream, readFileSync } from 'node:fs';
import { ModelsService } from '../src/models/models.service';
import { ingestOnnx } from '../src/onnx/ingest';
import { MeasurementEntity } from '../src/platforms/entities/measurement.entity';
import { PlatformEntity } from '../src/platforms/entities/platform.entity';
import { fixturePath } from './support/fixtures';
import { api, bearer, createTenantKey, startTestApp, TestApp } from './support/test-app';

interface PredictedNode {
  name: string;
  latencyUs: number;
  source: string;
}

describe('architecture fingerprint (e2e)', () => {
  let t: TestApp;
  let key: string;
  beforeAll(async () => {
    t = await startTestApp();
    key = (await createTenantKey(t, 'fingerprint')).key;
  }, 180_000);
  afterAll(() => t.close());

  it('lets an upload of a reference architecture use that model’s reference measurements', async () => {
    // The reference model, graph-only, as the seeder stores it; its measurements on a platform, as the seeder writes.
    const graphOnly = await ingestOnnx(createReadStream(fixturePath('graphs', 'squeezenet1_1.onnx')));
    // A name of its own: reference names are unique, and on a shared server database another spec seeded the real one.
    const name = `squeezenet1_1-${process.pid}-${Date.now().toString(36)}`;
    const reference = await t.app.get(ModelsService).store(null, name, graphOnly, 'squeezenet1_1.onnx');
    // A slug of its own: on a shared server database other specs' tenants have a 'phone' too.
    const slug = `phone-${process.pid}-${Date.now().toString(36)}`;
    await api(t).post('/v1/platforms').set(bearer(key)).send({ slug, name: 'Phone', kind: 'cpu' }).expect(201);
    const platform = await t.dataSource.getRepository(PlatformEntity).findOneByOrFail({ slug });
    const rows = graphOnly.features
      .filter((f) => !f.isConstant)
      .map((f) => ({
        platformId: platform.id,
        modelId: reference.id,
        nodeIdx: f.index,
        nodeName: f.name,
        medianUs: 10 + f.index,
        source: 'reference' as const,
      }));
    await t.dataSource.getRepository(MeasurementEntity).insert(rows);

    // The same architecture with its weights inline: another file, another size, the same fingerprint.
    const bytes = readFileSync(fixturePath('models', 'squeezenet1_1.onnx'));
    const upload = await api(t).post('/v1/models').set(bearer(key)).attach('file', bytes, 'mine.onnx').expect(201);
    expect(upload.body.fingerprint).toBe(reference.fingerprint);
    expect(upload.body.fileBytes).not.toBe(reference.fileBytes);
    // 'phone' has no predictor: only measurements can answer, so every node must have found its twin's.
    const predicted = await api(t)
      .post('/v1/predictions')
      .set(bearer(key))
      .send({ modelId: upload.body.id, platform: slug })
      .expect(200);
    const nodes = predicted.body.nodes as PredictedNode[];
    expect(nodes.filter((n) => n.source === 'measured')).toHaveLength(rows.length);
    for (const row of rows) expect(nodes[row.nodeIdx]).toMatchObject({ name: row.nodeName, latencyUs: row.medianUs });

    // A different architecture finds nothing: without a predictor its prediction is refused.
    const other = readFileSync(fixturePath('models', 'mobilenet_v3_small.onnx'));
    const otherId = (await api(t).post('/v1/models').set(bearer(key)).attach('file', other, 'm.onnx').expect(201)).body
      .id;
    const refused = await api(t).post('/v1/predictions').set(bearer(key)).send({ modelId: otherId, platform: slug });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);
  });
});
