/**
 * Proof by running, shared by the partition specs and benches: random valid assignments (tiers only increase
 * along edges, constant nodes with their first consumer as the planner places them), the sub-models written
 * beside a copy of the original file, and both sides run in onnxruntime-node.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { Feeds, runTiers } from '../../src/partitions/execute';
import { buildManifest } from '../../src/partitions/manifest';
import { buildSubModel } from '../../src/partitions/sub-model';
import type { GraphValue, Manifest, PlanAssignment, StoredGraph } from '../../src/partitions/types';
import type { TransferDtype } from '../../src/planning/types';

const TIER_NAMES = ['end', 'edge', 'cloud', 'far'];

/** A random assignment the planner could have made: monotone along edges, constants on their first consumer. */
export function randomAssignment(
  graph: StoredGraph,
  tiers: number,
  rand: () => number,
  transferDtype: TransferDtype = 'float32',
): PlanAssignment {
  const producer = new Map<string, number>();
  graph.nodes.forEach((n, v) => n.outputs.forEach((o) => producer.set(o.name, v)));
  const tier = new Array<number>(graph.nodes.length).fill(0);
  // A bump now and then, so cuts land all over the graph and skip connections cross several tiers.
  const bump = Math.min(0.5, 3 / Math.max(1, graph.nodes.length));
  // One node past the first always moves up a tier, so that a multi-tier assignment really cuts somewhere.
  const running = graph.nodes.flatMap((n, v) => (n.isConstant ? [] : [v]));
  const pivot = running.length > 1 ? running[1 + Math.floor(rand() * (running.length - 1))] : -1;
  graph.nodes.forEach((n, v) => {
    if (n.isConstant) return;
    let t = 0;
    for (const input of n.inputs) {
      const u = producer.get(input);
      if (u !== undefined && !graph.nodes[u].isConstant) t = Math.max(t, tier[u]);
    }
    if (v === pivot && t < tiers - 1) t++;
    while (t < tiers - 1 && rand() < bump) t++;
    tier[v] = t;
  });
  const firstConsumer = new Array<number>(graph.nodes.length).fill(-1);
  graph.nodes.forEach((n, v) =>
    n.inputs.forEach((input) => {
      const u = producer.get(input);
      if (u !== undefined && firstConsumer[u] < 0) firstConsumer[u] = v;
    }),
  );
  for (let v = graph.nodes.length - 1; v >= 0; v--) {
    if (graph.nodes[v].isConstant) tier[v] = firstConsumer[v] >= 0 ? tier[firstConsumer[v]] : 0;
  }
  return {
    tiers: TIER_NAMES.slice(0, tiers).map((name, k) => ({
      tier: name,
      platform: `p${k}`,
      nodes: graph.nodes.filter((_, v) => tier[v] === k).map((n) => n.name),
    })),
    transferDtype,
    inputBytes: null,
  };
}

const TYPED: Record<number, [ort.Tensor.Type, (n: number, rand: () => number) => ort.Tensor.DataType]> = {
  1: ['float32', (n, r) => Float32Array.from({ length: n }, () => r() * 2 - 1)],
  7: ['int64', (n) => new BigInt64Array(n)],
  6: ['int32', (n) => new Int32Array(n)],
  9: ['bool', (n) => new Uint8Array(n)],
};

/** Random feeds for the model inputs (symbolic dims are 1; integer inputs are zeros: valid indices). */
export function randomFeeds(inputs: GraphValue[], rand: () => number): Feeds {
  const feeds: Feeds = {};
  for (const input of inputs) {
    const dims = (input.shape ?? []).map((d) => (typeof d === 'number' ? d : 1));
    const n = dims.reduce((a, b) => a * b, 1);
    const typed = TYPED[input.elemType];
    if (!typed) throw new Error(`no random feed for element type ${input.elemType} of '${input.name}'`);
    feeds[input.name] = new ort.Tensor(typed[0], typed[1](n, rand), dims);
  }
  return feeds;
}

export interface Pieces {
  dir: string;
  manifest: Manifest;
  sessions: (ort.InferenceSession | null)[];
  close(): Promise<void>;
}

/** Writes every tier's sub-model beside a copy of the original file (as its name) and opens a session on each. */
export async function cutAndLoad(graph: StoredGraph, plan: PlanAssignment, originalFile: string): Promise<Pieces> {
  const dir = mkdtempSync(join(tmpdir(), 'tiersplit-pieces-'));
  copyFileSync(originalFile, join(dir, graph.fileName));
  const manifest = buildManifest(graph, plan);
  const sessions: (ort.InferenceSession | null)[] = [];
  for (const tier of manifest.tiers) {
    if (tier.nodes.length === 0) {
      sessions.push(null);
      continue;
    }
    const path = join(dir, `${tier.tier}.onnx`);
    writeFileSync(path, buildSubModel(graph, plan, tier.tier, manifest));
    sessions.push(await ort.InferenceSession.create(path, { intraOpNumThreads: 1 }));
  }
  return {
    dir,
    manifest,
    sessions,
    async close() {
      await Promise.all(sessions.map((s) => s?.release()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function runWhole(session: ort.InferenceSession, feeds: Feeds): Promise<Feeds> {
  return session.run(feeds);
}

/** Largest |a - b| over every output, and the largest |whole| it is measured against. */
export function compareOutputs(whole: Feeds, pieces: Feeds): { maxAbsDiff: number; maxAbs: number; names: string[] } {
  let maxAbsDiff = 0;
  let maxAbs = 0;
  const names = Object.keys(whole).sort();
  for (const name of names) {
    const a = whole[name].data as ArrayLike<number | bigint>;
    const got = pieces[name];
    if (!got) throw new Error(`the pieces did not produce model output '${name}'`);
    const b = got.data as ArrayLike<number | bigint>;
    if (a.length !== b.length)
      throw new Error(`output '${name}': ${b.length} elements, the whole model gives ${a.length}`);
    for (let i = 0; i < a.length; i++) {
      const x = Number(a[i]);
      const y = Number(b[i]);
      maxAbs = Math.max(maxAbs, Math.abs(x));
      maxAbsDiff = Math.max(maxAbsDiff, Math.abs(x - y));
    }
  }
  return { maxAbsDiff, maxAbs, names };
}

export { runTiers };
