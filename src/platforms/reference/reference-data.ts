/**
 * The reference measurements shipped in `data/reference/` (a verbatim copy of ../shared/data, see its
 * PROVENANCE.md): platforms, CSV rows mapped onto the ONNX nodes of the reference graphs, whole-model rows.
 * Pure: no Nest, no database. The Nest seeding service turns these rows into entities.
 */
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { IngestedModel, ingestOnnx } from '../../onnx/ingest';
import { mapGpuModuleRows } from './gpu-mapping';
import { hardSwishExpansion } from './ort-expansion';
import type { GraphOptimization, Runtime } from '../runtime';
import type { CsvRow, NodeMeasurement, UnmappedRow } from './types';

export type { CsvRow, NodeMeasurement, UnmappedRow } from './types';

/** Walks up from here to the package root, so this works from src/ (Jest, run-ts) and from dist/src/ (build). */
export function findPackageRoot(start: string = __dirname): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${start}`);
    dir = up;
  }
  return dir;
}

export const REFERENCE_DIR = join(findPackageRoot(), 'data', 'reference');

export type CsvPlatform = 'cpu1' | 'cpu16' | 'gpu';
export type TierRole = 'end' | 'edge' | 'cloud';

export interface ReferencePlatform {
  slug: string;
  csvPlatform: CsvPlatform;
  kind: 'cpu' | 'gpu';
  tierRole: TierRole;
  name: string;
  description: string;
  /** What its latencies describe: the reference CPUs were timed in ONNX Runtime, the GPU in PyTorch eager. */
  runtime: Runtime;
  defaultGraphOptimization: GraphOptimization | null;
}

export const REFERENCE_PLATFORMS: readonly ReferencePlatform[] = [
  {
    slug: 'ref-cpu1',
    csvPlatform: 'cpu1',
    kind: 'cpu',
    tierRole: 'end',
    name: 'Reference end device (Xeon, 1 thread)',
    description: 'ONNX Runtime 1.30 CPU execution provider, 1 intra-op thread: a stand-in for an end device.',
    runtime: 'onnxruntime',
    defaultGraphOptimization: 'all',
  },
  {
    slug: 'ref-cpu16',
    csvPlatform: 'cpu16',
    kind: 'cpu',
    tierRole: 'edge',
    name: 'Reference edge server (Xeon, 16 threads)',
    description: 'ONNX Runtime 1.30 CPU execution provider, 16 intra-op threads: a stand-in for an edge server.',
    runtime: 'onnxruntime',
    defaultGraphOptimization: 'all',
  },
  {
    slug: 'ref-h200',
    csvPlatform: 'gpu',
    kind: 'gpu',
    tierRole: 'cloud',
    name: 'Reference cloud server (NVIDIA H200)',
    description: 'PyTorch 2.11 eager CUDA on an NVIDIA H200, timed with CUDA events: a stand-in for a cloud server.',
    runtime: 'pytorch-eager',
    defaultGraphOptimization: null,
  },
];

/** The eight whole reference models of model-nodes.csv (graphs/{model}.onnx). */
export const REFERENCE_MODELS = [
  'alexnet',
  'vgg16',
  'resnet18',
  'mobilenet_v2',
  'squeezenet1_1',
  'mobilenet_v3_small',
  'googlenet',
  'inception_v3',
] as const;

export type GraphSet = 'model' | 'generated' | 'sweep';

export interface ReferenceGraph {
  model: string;
  set: GraphSet;
  file: string;
}

/** Every graph that has measurements: the 8 models, gen000..gen030, sweep0..sweep11 (batch b ↔ sweep{b}). */
export function referenceGraphs(): ReferenceGraph[] {
  const graphs: ReferenceGraph[] = REFERENCE_MODELS.map((m) => ({
    model: m,
    set: 'model',
    file: join(REFERENCE_DIR, 'graphs', `${m}.onnx`),
  }));
  for (const model of new Set(readCsv('gen-nodes.csv').map((r) => r.model))) {
    graphs.push({ model, set: 'generated', file: join(REFERENCE_DIR, 'generated', `${model}.onnx`) });
  }
  for (const batch of new Set(readCsv('sweep.csv').map((r) => r.batch))) {
    graphs.push({ model: `sweep${batch}`, set: 'sweep', file: join(REFERENCE_DIR, 'graphs', `sweep${batch}.onnx`) });
  }
  return graphs;
}

/**
 * The reference CSVs are plain: no quotes, no embedded commas (checked: `grep -c '"'` is 0 for every file and
 * every line has the header's field count), so a split on ',' is exact. A row with another field count throws.
 */
export function parseCsv(text: string, file = 'csv'): CsvRow[] {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const header = lines[0]?.split(',') ?? [];
  return lines.slice(1).map((line, i) => {
    const cells = line.split(',');
    if (cells.length !== header.length)
      throw new Error(`${file}:${i + 2}: ${cells.length} fields, expected ${header.length}`);
    return Object.fromEntries(header.map((h, j) => [h, cells[j]]));
  });
}

const csvCache = new Map<string, CsvRow[]>();
export function readCsv(file: string): CsvRow[] {
  let rows = csvCache.get(file);
  if (!rows) {
    rows = parseCsv(readFileSync(join(REFERENCE_DIR, file), 'utf8'), file);
    csvCache.set(file, rows);
  }
  return rows;
}

const graphCache = new Map<string, Promise<IngestedModel>>();
/** Ingests a reference graph once per process (the same pipeline an upload goes through). */
export function loadReferenceGraph(graph: ReferenceGraph): Promise<IngestedModel> {
  let loaded = graphCache.get(graph.file);
  if (!loaded) {
    loaded = ingestOnnx(createReadStream(graph.file));
    graphCache.set(graph.file, loaded);
  }
  return loaded;
}

export interface WholeModelMeasurement {
  model: string;
  /** `disable_all` / `enable_all` for ORT, `eager` for the GPU. */
  graphOpt: string;
  medianMs: number;
  p10Ms: number;
  p90Ms: number;
  runs: number;
}

export interface ReferenceMeasurements {
  platform: CsvPlatform;
  graphs: ReferenceGraph[];
  nodes: NodeMeasurement[];
  unmapped: UnmappedRow[];
  wholeModel: WholeModelMeasurement[];
}

const num = (s: string | undefined): number => Number(s);

/** Node rows of one graph on one platform, in CSV order (the GPU mapping relies on execution order). */
function rowsOf(platform: CsvPlatform, graph: ReferenceGraph): CsvRow[] {
  if (graph.set === 'sweep') {
    const batch = graph.model.slice('sweep'.length);
    return readCsv('sweep.csv').filter((r) => r.platform === platform && r.batch === batch);
  }
  const file = graph.set === 'model' ? 'model-nodes.csv' : 'gen-nodes.csv';
  return readCsv(file).filter((r) => r.platform === platform && r.model === graph.model);
}

/** Loads every measured node of every reference graph for one platform, mapped to ONNX node names. */
export async function loadReferenceMeasurements(platform: CsvPlatform): Promise<ReferenceMeasurements> {
  const graphs = referenceGraphs();
  const nodes: NodeMeasurement[] = [];
  const unmapped: UnmappedRow[] = [];
  for (const graph of graphs) {
    const rows = rowsOf(platform, graph);
    if (rows.length === 0) continue;
    const ingested = await loadReferenceGraph(graph);
    const { features } = ingested;
    // GPU rows of whole models are PyTorch module paths; sweep GPU rows (engine torch-cuda-op) and all CPU rows
    // already name ONNX nodes.
    if (rows[0].engine === 'torch-cuda-module') {
      const mapped = mapGpuModuleRows(graph.model, rows, features);
      nodes.push(...mapped.nodes);
      unmapped.push(...mapped.unmapped);
      continue;
    }
    const byName = new Map(features.map((f) => [f.name, f]));
    const expanded = hardSwishExpansion(rows, ingested);
    const seen = new Map<string, NodeMeasurement>();
    for (const r of rows) {
      const name = expanded.get(r.node) ?? r.node;
      const f = byName.get(name);
      const m = { model: graph.model, node: name, opType: r.op_type, medianUs: num(r.median_us) };
      const prev = seen.get(name);
      if (!f) unmapped.push({ ...m, node: r.node, reason: 'no ONNX node of that name' });
      else if (prev) {
        // The second half of an inlined HardSwish: its time adds to the node's.
        prev.medianUs += m.medianUs;
        prev.p10Us += num(r.p10_us);
        prev.p90Us += num(r.p90_us);
      } else {
        const row = { ...m, opType: f.opType, p10Us: num(r.p10_us), p90Us: num(r.p90_us), runs: num(r.runs) };
        seen.set(name, row);
        nodes.push(row);
      }
    }
  }
  const wholeModel = [...readCsv('model-e2e.csv'), ...readCsv('gen-e2e.csv')]
    .filter((r) => r.platform === platform)
    .map((r) => ({
      model: r.model,
      graphOpt: r.graph_opt,
      medianMs: num(r.median_ms),
      p10Ms: num(r.p10_ms),
      p90Ms: num(r.p90_ms),
      runs: num(r.runs),
    }));
  return { platform, graphs, nodes, unmapped, wholeModel };
}

/** The whole-model row comparable with a sum of node times: `disable_all` on ORT, `eager` on the GPU. */
export function comparableWholeModelMs(m: ReferenceMeasurements, model: string): number | undefined {
  const want = m.platform === 'gpu' ? 'eager' : 'disable_all';
  return m.wholeModel.find((w) => w.model === model && w.graphOpt === want)?.medianMs;
}
