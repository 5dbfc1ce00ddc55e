/**
 * 2,000 hostile JSON bodies across every POST route of openapi/openapi.json (issue 12, "Measure"): the real app
 * on loopback (embedded database in a temporary DATA_DIR, WORKERS=0 so accepted jobs only queue), one tenant with
 * mnist measured on three platforms, so that valid parts of a body reach deep into the services. Each body is a
 * valid one with one hostile value put somewhere in it (bench/fuzz/json-bodies.ts). Prints counts per status
 * and route, the slowest request, the server's RSS, and the row counts of every table before and after.
 *
 *   node bench/run-ts.js bench/fuzz/json.ts [--bodies N] [--seed S]     (defaults 2000, 12)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app.factory';
import { generateApiKey } from '../../src/auth/api-key.codec';
import { AuthService } from '../../src/auth/auth.service';
import { seededRandom } from '../../src/common/seeded-random';
import { AppConfig, loadConfig } from '../../src/config/env.schema';
import { findPackageRoot } from '../../src/platforms/reference/reference-data';
import { fixturePath } from '../../test/support/fixtures';
import { freshSlugs, Json, mutate, Schema, seedBodies, validBody } from './json-bodies';

interface Route {
  path: string;
  schema: Schema | null;
}

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) || fallback : fallback;
}

function postRoutes(openapi: {
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: Schema }> } }>>;
}): Route[] {
  return Object.entries(openapi.paths)
    .filter(([, ops]) => ops.post)
    .map(([path, ops]) => ({ path, schema: ops.post.requestBody?.content['application/json']?.schema ?? null }));
}

async function rowCounts(ds: DataSource): Promise<Map<string, number>> {
  const tables: { name: string }[] = await ds.query(
    "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) AS name FROM pg_tables " +
      "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1",
  );
  const counts = new Map<string, number>();
  for (const { name } of tables) counts.set(name, (await ds.query(`SELECT count(*)::int AS n FROM ${name}`))[0].n);
  return counts;
}

async function main(): Promise<void> {
  const bodies = arg('--bodies', 2000);
  const rand = seededRandom(arg('--seed', 12));
  const root = findPackageRoot();
  const openapi = JSON.parse(readFileSync(join(root, 'openapi', 'openapi.json'), 'utf8'));
  const routes = postRoutes(openapi);
  const dataDir = mkdtempSync(join(tmpdir(), 'tiersplit-bench-fuzz-json-'));
  const adminKey = generateApiKey();
  const config: AppConfig = {
    ...loadConfig({}),
    DATA_DIR: dataDir,
    TIERSPLIT_ADMIN_KEY: adminKey,
    LOG_LEVEL: 'error',
    SEED_REFERENCE: false,
    WORKERS: 0,
  };
  const app = await createApp(config);
  try {
    await app.init();
    await app.listen(0, '127.0.0.1');
    const server = app.getHttpServer() as Server;
    const ds = app.get(DataSource);
    const { key } = await app.get(AuthService).createKey('fuzz');
    const auth = (path: string) => ({ Authorization: `Bearer ${path === '/v1/api-keys' ? adminKey : key}` });
    const modelId = await setUp(server, auth('/'));
    const known = { modelId, platform: 'phone', node: 'Convolution28' };

    const before = await rowCounts(ds);
    const rssBefore = process.memoryUsage().rss;
    const tally = new Map<string, Map<number, number>>();
    const failures: string[] = [];
    let slowest = { ms: 0, what: '' };
    for (let i = 0; i < bodies; i++) {
      const route = routes[i % routes.length];
      const seeds = seedBodies(known)[route.path];
      const valid: Json = freshSlugs(
        seeds
          ? seeds[Math.floor(rand() * seeds.length)]
          : route.schema
            ? validBody(route.schema, openapi.components.schemas, known, rand)
            : {},
      );
      // One body in ten goes unmutated: the valid path must answer 2xx, and its rows count as legitimately created.
      const { text, kind, at } =
        rand() < 0.1 ? { text: JSON.stringify(valid), kind: 'valid', at: '-' } : mutate(valid, rand);
      const path = route.path.replace('{slug}', rand() < 0.9 ? 'phone' : 'edge-box');
      const start = performance.now();
      const res = await request(server)
        .post(path)
        .set(auth(route.path))
        .set('Content-Type', 'application/json')
        .send(text);
      const ms = performance.now() - start;
      if (ms > slowest.ms) slowest = { ms, what: `${route.path} ${kind} at ${at}` };
      const perStatus = tally.get(route.path) ?? new Map<number, number>();
      perStatus.set(res.status, (perStatus.get(res.status) ?? 0) + 1);
      tally.set(route.path, perStatus);
      if (res.status >= 500 && failures.length < 20) {
        failures.push(`${res.status} ${route.path} ${kind} at ${at}: ${JSON.stringify(res.body).slice(0, 200)}`);
      }
    }
    const rssAfter = process.memoryUsage().rss;
    const after = await rowCounts(ds);
    print(bodies, tally, slowest, rssBefore, rssAfter, before, after, failures);
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** mnist measured on `phone` from its real ORT trace, `edge-box` derived from it: the ids the valid bodies use. */
async function setUp(server: Server, auth: Record<string, string>): Promise<string> {
  const upload = await request(server)
    .post('/v1/models')
    .set(auth)
    .attach('file', readFileSync(fixturePath('third_party', 'mnist.onnx')), 'mnist.onnx');
  if (upload.status !== 201) throw new Error(`upload: ${upload.status} ${JSON.stringify(upload.body)}`);
  const modelId = upload.body.id as string;
  const ok = async (res: request.Test) => {
    const r = await res;
    if (r.status >= 300) throw new Error(`set-up: ${r.status} ${JSON.stringify(r.body)}`);
  };
  await ok(request(server).post('/v1/platforms').set(auth).send({ slug: 'phone', name: 'Phone', kind: 'cpu' }));
  await ok(
    request(server)
      .post('/v1/platforms/phone/measurements')
      .set(auth)
      .field('modelId', modelId)
      .attach('trace', readFileSync(fixturePath('traces', 'mnist-ort-trace.json')), 'trace.json'),
  );
  await ok(
    request(server)
      .post('/v1/platforms')
      .set(auth)
      .send({ slug: 'edge-box', name: 'x', derivedFrom: 'phone', scale: 0.2 }),
  );
  return modelId;
}

function print(
  bodies: number,
  tally: Map<string, Map<number, number>>,
  slowest: { ms: number; what: string },
  rssBefore: number,
  rssAfter: number,
  before: Map<string, number>,
  after: Map<string, number>,
  failures: string[],
): void {
  const statuses = [...new Set([...tally.values()].flatMap((m) => [...m.keys()]))].sort((a, b) => a - b);
  const lines = [
    `${bodies} hostile JSON bodies over ${tally.size} POST routes (from openapi/openapi.json), embedded PGlite, ` +
      `loopback, Node ${process.version}`,
    '',
    `| route | ${statuses.join(' | ')} | 5xx |`,
    `|---|${statuses.map(() => '---:|').join('')}---:|`,
  ];
  let total5xx = 0;
  for (const [route, counts] of tally) {
    const fives = [...counts].filter(([s]) => s >= 500).reduce((a, [, n]) => a + n, 0);
    total5xx += fives;
    lines.push(`| ${route} | ${statuses.map((s) => counts.get(s) ?? 0).join(' | ')} | ${fives} |`);
  }
  const mb = (b: number) => (b / 1048576).toFixed(0);
  lines.push(
    '',
    `5xx: ${total5xx}; slowest request ${slowest.ms.toFixed(0)} ms (${slowest.what}); ` +
      `server RSS ${mb(rssBefore)} MB before, ${mb(rssAfter)} MB after (${rssAfter >= rssBefore ? '+' : ''}${mb(rssAfter - rssBefore)} MB)`,
    '',
    '| table | rows before | rows after |',
    '|---|---:|---:|',
    ...[...after].filter(([t, n]) => n !== before.get(t)).map(([t, n]) => `| ${t} | ${before.get(t) ?? 0} | ${n} |`),
    `(tables not listed: unchanged; ${after.size} tables)`,
  );
  if (failures.length) lines.push('', 'first 5xx:', ...failures);
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
