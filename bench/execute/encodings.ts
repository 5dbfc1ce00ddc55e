/**
 * What the int8 and float16 transfer encodings cost in output error: each weighted model is cut at seeded random
 * points across three tiers, its sub-models run in onnxruntime-node on 100 random inputs, and the outputs are
 * compared with the whole model's (float32 transfers are the control: they must be exact to rounding).
 * Run: npm run bench:encodings
 */
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import * as ort from 'onnxruntime-node';
import { seededRandom } from '../../src/common/seeded-random';
import { ingestOnnx } from '../../src/onnx/ingest';
import { storedGraphFromIngested } from '../../src/partitions/stored-graph';
import type { TransferDtype } from '../../src/planning/types';
import { onnxFiles } from '../../test/support/fixtures';
import { cutAndLoad, randomAssignment, randomFeeds, runTiers } from '../../test/support/partitions';

const INPUTS = 100;
const CUTS = 3;

const argmax = (a: ArrayLike<number>): number => {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
  return best;
};

interface Row {
  model: string;
  encoding: TransferDtype;
  crossingKB: number;
  maxAbs: number;
  maxRel: number;
  top1: number;
}

async function measure(file: string, encoding: TransferDtype): Promise<Row> {
  const graph = storedGraphFromIngested(await ingestOnnx(createReadStream(file)), basename(file));
  const whole = await ort.InferenceSession.create(file, { intraOpNumThreads: 1 });
  const rand = seededRandom(17);
  let maxAbs = 0;
  let maxRel = 0;
  let agree = 0;
  let total = 0;
  let crossing = 0;
  for (let c = 0; c < CUTS; c++) {
    const plan = randomAssignment(graph, 3, rand, encoding);
    const pieces = await cutAndLoad(graph, plan, file);
    crossing += pieces.manifest.links.reduce((s, l) => s + l.bytes, 0);
    for (let i = 0; i < Math.ceil(INPUTS / CUTS) && total < INPUTS; i++, total++) {
      const feeds = randomFeeds(graph.inputs, rand);
      const expected = await whole.run(feeds);
      const got = await runTiers(pieces.manifest, pieces.sessions, feeds);
      const name = graph.outputs[0].name;
      const a = expected[name].data as Float32Array;
      const b = got[name].data as Float32Array;
      let scale = 0;
      let diff = 0;
      for (let k = 0; k < a.length; k++) {
        scale = Math.max(scale, Math.abs(a[k]));
        diff = Math.max(diff, Math.abs(a[k] - b[k]));
      }
      maxAbs = Math.max(maxAbs, diff);
      maxRel = Math.max(maxRel, scale > 0 ? diff / scale : 0);
      if (argmax(a) === argmax(b)) agree++;
    }
    await pieces.close();
  }
  await whole.release();
  return {
    model: basename(file, '.onnx'),
    encoding,
    crossingKB: crossing / CUTS / 1024,
    maxAbs,
    maxRel,
    top1: agree / total,
  };
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  for (const file of onnxFiles('models')) {
    for (const encoding of ['float32', 'float16', 'int8'] as const) rows.push(await measure(file, encoding));
  }
  const header = [
    'model',
    'encoding',
    'KB over links (mean of cuts)',
    'max abs error',
    'max rel error',
    `top-1 agreement (${INPUTS} inputs)`,
  ];
  const lines = rows.map((r) => [
    r.model,
    r.encoding,
    r.crossingKB.toFixed(1),
    r.maxAbs.toExponential(2),
    r.maxRel.toExponential(2),
    `${(r.top1 * 100).toFixed(0)}%`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const row = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(row(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const l of lines) console.log(row(l));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
