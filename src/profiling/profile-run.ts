/**
 * Profiles model bytes on this host with onnxruntime-node: per-node kernel times from ORT's own profiler and the
 * whole-model latency timed in JS. Graph optimisation is disabled so every stored node runs as itself (fusion
 * would hide nodes, and the partitioner plans the unfused graph); execution is sequential so node times add up.
 * No Nest, no database: the profiling job wraps this.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { quantile } from '../platforms/ort-trace';
import { seededRandom } from '../common/seeded-random';

export interface ProfileOptions {
  /** Measured runs (each gives one sample per node and one whole-model time). */
  runs: number;
  /** Runs before the measured ones, discarded (allocator growth, cold caches, lazy kernel init). */
  warmup: number;
  /** ORT intra-op threads. */
  threads: number;
  /** Concrete dims for inputs whose shape is symbolic; other symbolic dims are 1. */
  inputShapes?: Record<string, number[]>;
  /** Called after every run, warm-up included: (done, warmup + runs). */
  onProgress?: (done: number, total: number) => void;
}

export interface NodeProfile {
  node: string;
  medianUs: number;
  p10Us: number;
  p90Us: number;
  runs: number;
}

export interface ProfileResult {
  /** One entry per node ORT executed (constant-folded or never-run nodes are absent). */
  nodes: NodeProfile[];
  wholeModelMs: { median: number; p10: number; p90: number };
  runs: number;
}

export class ProfileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProfileError';
  }
}

interface TraceEvent {
  name: string;
  cat?: string;
  ts: number;
  dur: number;
}

const KERNEL_SUFFIX = '_kernel_time';

const stats = (samples: number[]): { median: number; p10: number; p90: number } => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: quantile(sorted, 0.5), p10: quantile(sorted, 0.1), p90: quantile(sorted, 0.9) };
};

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

function randomData(type: ort.Tensor.Type, n: number, rand: () => number): ort.Tensor.DataType {
  switch (type) {
    case 'float32':
      return Float32Array.from({ length: n }, () => rand());
    case 'float64':
      return Float64Array.from({ length: n }, () => rand());
    case 'float16':
      // 0x3800..0x3bff are halves in [0.5, 1): no denormals, no NaN.
      return Uint16Array.from({ length: n }, () => 0x3800 + Math.floor(rand() * 0x400));
    // Integer and bool inputs (token ids, masks) are zeros: valid indices whatever the vocabulary size.
    case 'int64':
      return new BigInt64Array(n);
    case 'uint64':
      return new BigUint64Array(n);
    case 'int32':
      return new Int32Array(n);
    case 'uint32':
      return new Uint32Array(n);
    case 'int16':
      return new Int16Array(n);
    case 'uint16':
      return new Uint16Array(n);
    case 'int8':
      return new Int8Array(n);
    case 'uint8':
    case 'bool':
      return new Uint8Array(n);
    case 'string':
      return Array.from({ length: n }, () => '');
    default:
      throw new ProfileError(`cannot synthesise a model input of type ${type}`);
  }
}

/** One random input per graph input, shaped from the model (symbolic dims from inputShapes, else 1). */
function feeds(session: ort.InferenceSession, options: ProfileOptions): Record<string, ort.Tensor> {
  const rand = seededRandom(7);
  const out: Record<string, ort.Tensor> = {};
  for (const meta of session.inputMetadata) {
    if (!meta.isTensor) throw new ProfileError(`model input '${meta.name}' is not a tensor`);
    const given = options.inputShapes?.[meta.name];
    const dims = meta.shape.map((d, i) => (typeof d === 'number' && d > 0 ? d : (given?.[i] ?? 1)));
    const n = dims.reduce((a, d) => a * d, 1);
    out[meta.name] = new ort.Tensor(meta.type, randomData(meta.type, n, rand), dims);
  }
  return out;
}

/** Per-node samples from the kernel events inside the last `runs` model_run events (the measured runs). */
function nodeProfiles(events: TraceEvent[], runs: number): NodeProfile[] {
  const modelRuns = events.filter((e) => e.name === 'model_run').sort((a, b) => a.ts - b.ts);
  const measured = modelRuns.slice(-runs);
  if (measured.length < runs) {
    throw new ProfileError(`the ORT profile holds ${modelRuns.length} runs, expected at least ${runs}`);
  }
  const from = measured[0].ts;
  const perNode = new Map<string, number[]>();
  for (const e of events) {
    if (!e.name.endsWith(KERNEL_SUFFIX) || (e.cat !== undefined && e.cat !== 'Node') || e.ts < from) continue;
    if (!measured.some((r) => e.ts >= r.ts && e.ts <= r.ts + r.dur)) continue;
    const node = e.name.slice(0, -KERNEL_SUFFIX.length);
    const samples = perNode.get(node) ?? [];
    samples.push(e.dur);
    perNode.set(node, samples);
  }
  return [...perNode].map(([node, samples]) => {
    const s = stats(samples);
    return { node, medianUs: s.median, p10Us: s.p10, p90Us: s.p90, runs: samples.length };
  });
}

function readTrace(dir: string): TraceEvent[] {
  // endProfiling's file name is not returned by the JS binding: the fresh directory holds exactly that file.
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  if (files.length !== 1) throw new ProfileError(`expected one ORT profile in ${dir}, found ${files.length}`);
  const json: unknown = JSON.parse(readFileSync(join(dir, files[0]), 'utf8'));
  if (!Array.isArray(json)) throw new ProfileError('the ORT profile is not a JSON array of events');
  return json.filter(
    (e: unknown): e is TraceEvent =>
      typeof e === 'object' &&
      e !== null &&
      typeof (e as TraceEvent).name === 'string' &&
      Number.isFinite((e as TraceEvent).ts) &&
      Number.isFinite((e as TraceEvent).dur),
  );
}

async function createSession(bytes: Uint8Array, dir: string, threads: number): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(bytes, {
      enableProfiling: true,
      profileFilePrefix: join(dir, 'profile'),
      graphOptimizationLevel: 'disabled',
      executionMode: 'sequential',
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      // Failures surface as exceptions with ORT's message; its own log would only repeat them on stderr.
      logSeverityLevel: 4,
    });
  } catch (e) {
    // ORT names the op it lacks ("Could not find an implementation for Foo(1) node with name 'x'").
    throw new ProfileError(`ONNX Runtime cannot load the model: ${errorText(e)}`);
  }
}

/** Runs the model warmup + runs times with ORT's profiler on; per-node and whole-model statistics. */
export async function profileModel(bytes: Uint8Array, options: ProfileOptions): Promise<ProfileResult> {
  const { runs, warmup, threads } = options;
  if (!Number.isInteger(runs) || runs < 1) throw new ProfileError('runs must be a positive integer');
  if (!Number.isInteger(warmup) || warmup < 0) throw new ProfileError('warmup must be a non-negative integer');
  if (!Number.isInteger(threads) || threads < 1) throw new ProfileError('threads must be a positive integer');
  const dir = mkdtempSync(join(tmpdir(), 'tiersplit-profile-'));
  try {
    const session = await createSession(bytes, dir, threads);
    const wholeMs: number[] = [];
    try {
      const input = feeds(session, options);
      const total = warmup + runs;
      for (let i = 0; i < total; i++) {
        const start = performance.now();
        try {
          await session.run(input);
        } catch (e) {
          throw new ProfileError(`ONNX Runtime failed to run the model: ${errorText(e)}`);
        }
        if (i >= warmup) wholeMs.push(performance.now() - start);
        options.onProgress?.(i + 1, total);
      }
    } finally {
      // Profiling is on for the whole session; ending it writes the trace, which holds the warm-up runs too.
      session.endProfiling();
      await session.release();
    }
    return { nodes: nodeProfiles(readTrace(dir), runs), wholeModelMs: stats(wholeMs), runs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
