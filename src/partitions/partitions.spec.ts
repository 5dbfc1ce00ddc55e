import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { seededRandom } from '../common/seeded-random';
import { ingestOnnx } from '../onnx/ingest';
import { partsFromIngested } from '../profiling/model-parts';
import { rebuildModel } from '../profiling/rebuild-model';
import { fixturePath, onnxFiles } from '../../test/support/fixtures';
import {
  compareOutputs,
  cutAndLoad,
  randomAssignment,
  randomFeeds,
  runTiers,
  runWhole,
} from '../../test/support/partitions';
import { storedGraphFromIngested } from './stored-graph';
import type { StoredGraph } from './types';

const ASSIGNMENTS_PER_MODEL = 3;

async function load(file: string): Promise<StoredGraph> {
  return storedGraphFromIngested(await ingestOnnx(createReadStream(file)), basename(file));
}

/** Cuts `file` by random assignments of 1-4 tiers, runs the pieces and the whole model on one random input. */
async function proveByRunning(file: string, seed: number): Promise<void> {
  const graph = await load(file);
  const rand = seededRandom(seed);
  const whole = await ort.InferenceSession.create(file, { intraOpNumThreads: 1 });
  try {
    for (let i = 0; i < ASSIGNMENTS_PER_MODEL; i++) {
      const tiers = i === 0 ? 4 : 1 + Math.floor(rand() * 4);
      const plan = randomAssignment(graph, tiers, rand);
      const feeds = randomFeeds(graph.inputs, rand);
      const expected = await runWhole(whole, feeds);
      const pieces = await cutAndLoad(graph, plan, file);
      try {
        // The four-tier cut must really cut: tensors cross links, so the wiring is what is on trial.
        if (i === 0) expect(pieces.manifest.links.length).toBeGreaterThan(0);
        const got = await runTiers(pieces.manifest, pieces.sessions, feeds);
        const { maxAbsDiff, maxAbs, names } = compareOutputs(expected, got);
        expect(names.length).toBeGreaterThan(0);
        expect(maxAbsDiff).toBeLessThanOrEqual(1e-5 * maxAbs);
      } finally {
        await pieces.close();
      }
    }
  } finally {
    await whole.release();
  }
}

describe('sub-models compose to the whole model (onnxruntime-node)', () => {
  it.each(onnxFiles('models'))(
    'weighted %s, cut at random',
    async (file) => {
      await proveByRunning(file, 11);
    },
    300_000,
  );

  it.each(onnxFiles('third_party'))(
    'third-party %s, cut at random',
    async (file) => {
      // The light_* files build their weights with ConstantOfShape: every session folds hundreds of MB, hence the time.
      await proveByRunning(file, 23);
    },
    300_000,
  );

  describe('graph-only models, weights synthesised', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tiersplit-synth-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it.each(['squeezenet1_1.onnx', 'resnet18.onnx'])(
      '%s',
      async (name) => {
        const graphOnly = await ingestOnnx(createReadStream(fixturePath('graphs', name)));
        const file = join(dir, name);
        writeFileSync(file, rebuildModel(partsFromIngested(graphOnly), { seed: 5 }));
        await proveByRunning(file, 31);
      },
      300_000,
    );
  });
});
