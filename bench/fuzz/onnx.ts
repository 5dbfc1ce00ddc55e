/**
 * Upload fuzzer (issue 12): the built server as a child on loopback (embedded database, reference platforms
 * seeded), then N mutated ONNX files made from the fixtures (mutate.ts) uploaded one after the other; every
 * accepted one is also planned on the reference network (ref-cpu1 –wifi– ref-cpu16 –wan– ref-h200). Prints counts
 * per mutation and status, the slowest answer, the server's RSS at start, peak and end, and the database's row
 * counts before and after. Targets: 0 5xx (and 0 unanswered), 0 answers over 10 s, RSS back within 64 MiB of the
 * start, rows unchanged except the accepted models and their plans. A case that misses a target is written to
 * the output folder with its seed and index, to become a unit test.
 *
 *   npm run bench:fuzz-onnx -- [--count 10000] [--seed 1] [--minutes M]   (DATABASE_URL: that PostgreSQL)
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Client } from 'pg';
import { seededRandom } from '../../src/common/seeded-random';
import { fixturePath } from '../../test/support/fixtures';
import { vm } from '../ingest/proc';
import { callJson, type RunningServer, startServer } from '../ingest/server';
import { postJson, uploadBytes, type Outcome } from './http';
import { type Mutation, MUTATIONS, mutate, pickMutation } from './mutate';

const ROOT = resolve(__dirname, '..', '..');
const MIB = 1024 * 1024;
const SLOW_MS = 10_000;
const TIMEOUT_MS = 60_000;
const RSS_TARGET = 64 * MIB;
const NETWORK = {
  tiers: [
    { name: 'end', platform: 'ref-cpu1' },
    { name: 'edge', platform: 'ref-cpu16' },
    { name: 'cloud', platform: 'ref-h200' },
  ],
  links: [{ preset: 'wifi' }, { preset: 'wan' }],
};

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i > 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v >= 0 ? Math.floor(v) : fallback;
};

interface Fixture {
  name: string;
  bytes: Uint8Array;
}

function fixtures(): Fixture[] {
  return (['graphs', 'generated', 'third_party', 'models'] as const).flatMap((dir) =>
    readdirSync(fixturePath(dir))
      .filter((f) => f.endsWith('.onnx'))
      .map((f) => ({ name: `${dir}/${f}`, bytes: readFileSync(fixturePath(dir, f)) })),
  );
}

/** Rows per table of the public schema: through DATABASE_URL, or by opening the embedded files (server stopped). */
async function rowCounts(dataDir: string): Promise<Map<string, number>> {
  const tablesSql = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1";
  const counts = new Map<string, number>();
  if (process.env.DATABASE_URL) {
    const client = new Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    try {
      for (const { table_name: t } of (await client.query(tablesSql)).rows) {
        counts.set(t, (await client.query(`SELECT count(*)::int AS n FROM "${t}"`)).rows[0].n);
      }
    } finally {
      await client.end();
    }
    return counts;
  }
  const db = await PGlite.create(resolve(dataDir));
  try {
    for (const { table_name: t } of (await db.query<{ table_name: string }>(tablesSql)).rows) {
      counts.set(t, (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${t}"`)).rows[0].n);
    }
  } finally {
    await db.close();
  }
  return counts;
}

interface Tally {
  byStatus: Map<string, number>;
  maxMs: number;
}

const tally = (): Tally => ({ byStatus: new Map(), maxMs: 0 });
function count(t: Tally, o: Outcome): void {
  const key = o.status === 0 ? 'no answer' : String(o.status);
  t.byStatus.set(key, (t.byStatus.get(key) ?? 0) + 1);
  t.maxMs = Math.max(t.maxMs, o.ms);
}

const boot = (dataDir: string, adminKey: string): Promise<RunningServer> => startServer(dataDir, adminKey);

async function main(): Promise<void> {
  const total = arg('count', 10_000);
  const seed = arg('seed', 1);
  // A wall-clock budget: the run stops early, and reports the cases it made, once it is spent (0: none).
  const minutes = arg('minutes', 0);
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit', timeout: 300_000 });
  const dataDir = mkdtempSync(join(tmpdir(), 'tiersplit-fuzz-db-'));
  const outDir = mkdtempSync(join(tmpdir(), 'tiersplit-fuzz-cases-'));
  const adminKey = randomBytes(16).toString('hex');
  const files = fixtures();
  let server = await boot(dataDir, adminKey);
  const created = await callJson(server.url, 'POST', '/v1/api-keys', adminKey, { tenant: 'fuzz' });
  if (created.status !== 201) throw new Error(`api key: ${created.status} ${JSON.stringify(created.body)}`);
  const { key } = created.body as { key: string };
  // Warm-up, not measured: code paths, database pages and predictor sessions load on first use.
  const warm = async (): Promise<void> => {
    for (const name of ['graphs/resnet18.onnx', 'third_party/mnist.onnx']) {
      const up = await uploadBytes(server.url, key, files.find((f) => f.name === name)!.bytes, TIMEOUT_MS);
      const id = (up.body as { id?: string }).id;
      if (up.status !== 201 || !id) throw new Error(`warm-up upload of ${name}: ${up.status}`);
      const plan = await postJson(server.url, '/v1/plans', key, { modelId: id, network: NETWORK }, TIMEOUT_MS);
      if (plan.status !== 201) throw new Error(`warm-up plan of ${name}: ${plan.status} ${JSON.stringify(plan.body)}`);
    }
  };
  await warm();
  if (!process.env.DATABASE_URL) await server.child.stop(30_000);
  const before = await rowCounts(dataDir);
  if (!process.env.DATABASE_URL) {
    server = await boot(dataDir, adminKey);
    await warm(); // the restarted process warms up too; its two models and plans are counted below
  }
  const pid = server.child.pid;
  const rssStart = vm(pid, 'VmRSS');
  let rssPeak = rssStart;
  const sampler = setInterval(() => {
    try {
      rssPeak = Math.max(rssPeak, vm(pid, 'VmRSS'));
    } catch {
      // exited: the last sample stands
    }
  }, 50);

  const uploads = new Map<Mutation, Tally>(MUTATIONS.map((m) => [m, tally()]));
  const plans = tally();
  let accepted = 0;
  let acceptedNodes = 0;
  let slow = 0;
  let failures = 0;
  const started = performance.now();
  let done = 0;
  for (let i = 0; i < total; i++, done++) {
    if (minutes > 0 && performance.now() - started > minutes * 60_000) break;
    const r = seededRandom(seed * 1_000_003 + i);
    const base = files[Math.floor(r() * files.length)];
    const kind = pickMutation(r);
    const bytes = mutate(base.bytes, kind, r);
    const up = await uploadBytes(server.url, key, bytes, TIMEOUT_MS);
    count(uploads.get(kind)!, up);
    const bad = (o: Outcome): boolean => o.status === 0 || o.status >= 500 || o.ms > SLOW_MS;
    if (up.ms > SLOW_MS) slow++;
    let plan: Outcome | undefined;
    const id = (up.body as { id?: string } | undefined)?.id;
    if (up.status === 201 && id) {
      accepted++;
      acceptedNodes += (up.body as { nodeCount: number }).nodeCount;
      plan = await postJson(server.url, '/v1/plans', key, { modelId: id, network: NETWORK }, TIMEOUT_MS);
      count(plans, plan);
      if (plan.ms > SLOW_MS) slow++;
    }
    if (bad(up) || (plan && bad(plan))) {
      failures++;
      const what = bad(up) ? up : plan!;
      const file = join(outDir, `case-${seed}-${i}-${kind}.onnx`);
      writeFileSync(file, bytes);
      const message = JSON.stringify(what.body ?? what.error).slice(0, 300);
      process.stdout.write(
        `case ${i} (${kind} of ${base.name}): ${what.status} in ${what.ms.toFixed(0)} ms ${message} → ${file}\n`,
      );
    }
    if (server.child.process.exitCode !== null || server.child.process.signalCode !== null) {
      process.stdout.write(`the server died at case ${i} (${kind} of ${base.name})\n`);
      break;
    }
    if ((i + 1) % 250 === 0) {
      const rate = (i + 1) / ((performance.now() - started) / 1000);
      process.stdout.write(
        `${i + 1}/${total} cases, ${rate.toFixed(0)}/s, RSS ${(vm(pid, 'VmRSS') / MIB).toFixed(0)} MiB\n`,
      );
    }
  }
  await new Promise((done) => setTimeout(done, 2000)); // let the server settle before the last sample
  clearInterval(sampler);
  const rssEnd = vm(pid, 'VmRSS');
  await server.child.stop(30_000);
  const after = await rowCounts(dataDir);

  const statuses = [...new Set([...uploads.values(), plans].flatMap((t) => [...t.byStatus.keys()]))].sort();
  const row = (name: string, t: Tally): string => {
    const n = [...t.byStatus.values()].reduce((a, b) => a + b, 0);
    return `| ${name} | ${n} | ${statuses.map((s) => t.byStatus.get(s) ?? 0).join(' | ')} | ${t.maxMs.toFixed(0)} |`;
  };
  const lines = [
    `## ONNX upload fuzz: ${done} of ${total} cases, seed ${seed}, ${((performance.now() - started) / 1000).toFixed(0)} s`,
    '',
    `| mutation | cases | ${statuses.join(' | ')} | max ms |`,
    `| --- | --: | ${statuses.map(() => '--:').join(' | ')} | --: |`,
    ...MUTATIONS.map((m) => row(m, uploads.get(m)!)),
    row('POST /v1/plans (accepted)', plans),
    '',
  ];
  const fiveXx = [...uploads.values(), plans].reduce(
    (s, t) => s + [...t.byStatus].filter(([k]) => k === 'no answer' || Number(k) >= 500).reduce((a, [, v]) => a + v, 0),
    0,
  );
  const maxMs = Math.max(plans.maxMs, ...[...uploads.values()].map((t) => t.maxMs));
  const plansMade = plans.byStatus.get('201') ?? 0;
  // The restarted server's warm-up (two models, two plans) is included in `before` only on PostgreSQL.
  const warmModels = process.env.DATABASE_URL ? 0 : 2;
  const expected: Record<string, number> = { models: accepted + warmModels, plans: plansMade + warmModels };
  const tables = [...new Set([...before.keys(), ...after.keys()])].sort();
  const rowsOk = tables.every((t) => {
    const delta = (after.get(t) ?? 0) - (before.get(t) ?? 0);
    if (t in expected) return delta === expected[t];
    return t === 'model_nodes' || t === 'model_initializers' ? delta >= 0 : delta === 0;
  });
  const verdict = (ok: boolean): string => (ok ? 'met' : '**missed**');
  lines.push(
    '| measure | value | target |',
    '| --- | --: | --- |',
    `| 5xx or unanswered | ${fiveXx} | 0: ${verdict(fiveXx === 0)} |`,
    `| slowest answer | ${maxMs.toFixed(0)} ms | |`,
    `| answers over 10 s | ${slow} | 0: ${verdict(slow === 0)} |`,
    `| accepted uploads (planned) | ${accepted} (${acceptedNodes} nodes) | |`,
    `| server RSS start / peak / end | ${(rssStart / MIB).toFixed(0)} / ${(rssPeak / MIB).toFixed(0)} / ${(rssEnd / MIB).toFixed(0)} MiB | end within 64 MiB of start: ${verdict(rssEnd - rssStart <= RSS_TARGET)} |`,
    `| rows | ${rowsOk ? 'as expected' : 'changed'} | only the accepted models, their nodes, initializers and plans: ${verdict(rowsOk)} |`,
    '',
    '| table | rows before | rows after | expected change |',
    '| --- | --: | --: | --- |',
    ...tables.map((t) => {
      const e = t in expected ? `+${expected[t]}` : t === 'model_nodes' || t === 'model_initializers' ? '>= 0' : '0';
      return `| ${t} | ${before.get(t) ?? 0} | ${after.get(t) ?? 0} | ${e} |`;
    }),
  );
  process.stdout.write(`\n${lines.join('\n')}\n\n`);
  if (failures > 0) process.stdout.write(`${failures} failing cases kept in ${outDir}\n`);
  else rmSync(outDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
  if (fiveXx > 0 || slow > 0 || !rowsOk || rssEnd - rssStart > RSS_TARGET) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
