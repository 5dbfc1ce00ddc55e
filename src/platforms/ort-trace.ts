/**
 * Reads an ONNX Runtime profile (the Chrome-trace JSON that `enableProfiling` writes on any device) into
 * per-node latency statistics: `<node>_kernel_time` events give one node's time in one run, `model_run` events
 * delimit the runs, and the first run is dropped as warm-up whenever more than one run was profiled.
 */

export interface TraceNodeStats {
  node: string;
  medianUs: number;
  p10Us: number;
  p90Us: number;
  runs: number;
}

export interface ParsedTrace {
  nodes: TraceNodeStats[];
  runsTotal: number;
  runsUsed: number;
}

export class TraceFormatError extends Error {}

interface TraceEvent {
  name: string;
  cat?: string;
  ts: number;
  dur: number;
}

const KERNEL_SUFFIX = '_kernel_time';

function asEvents(json: unknown): TraceEvent[] {
  // ORT writes a bare array; the Chrome trace format also allows {traceEvents: [...]}.
  const list = Array.isArray(json) ? json : (json as { traceEvents?: unknown } | null)?.traceEvents;
  if (!Array.isArray(list)) throw new TraceFormatError('not an ONNX Runtime profile: expected a JSON array of events');
  return list.filter(
    (e): e is TraceEvent =>
      typeof e === 'object' &&
      e !== null &&
      typeof e.name === 'string' &&
      Number.isFinite(e.ts) &&
      Number.isFinite(e.dur) &&
      e.dur >= 0,
  );
}

/** Linear-interpolated quantile of sorted values. */
export function quantile(sorted: number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

/** Upper bound on a trace's kernel and run events: far above a long profile, and it bounds what is kept. */
export const MAX_TRACE_EVENTS = 20_000_000;

/**
 * Collects what a trace's events say while they stream past: runs and kernel times, kept compactly (node names
 * interned, times in typed arrays), nothing else of an event. `finish` drops the warm-up run and takes the
 * statistics per node.
 */
export class TraceAccumulator {
  private runs: { ts: number; dur: number }[] = [];
  private readonly nodeIds = new Map<string, number>();
  private kernelNode = new Int32Array(1024);
  private kernelTs = new Float64Array(1024);
  private kernelDur = new Float64Array(1024);
  private kernels = 0;

  add(e: { name: string; cat?: string; ts: number; dur: number }): void {
    if (!Number.isFinite(e.ts) || !Number.isFinite(e.dur) || e.dur < 0) return;
    if (this.kernels + this.runs.length >= MAX_TRACE_EVENTS) {
      throw new TraceFormatError(`more than ${MAX_TRACE_EVENTS} run and kernel events`);
    }
    if (e.name === 'model_run') {
      this.runs.push({ ts: e.ts, dur: e.dur });
    } else if (e.name.endsWith(KERNEL_SUFFIX) && (e.cat === undefined || e.cat === 'Node')) {
      const node = e.name.slice(0, -KERNEL_SUFFIX.length);
      let id = this.nodeIds.get(node);
      if (id === undefined) this.nodeIds.set(node, (id = this.nodeIds.size));
      if (this.kernels === this.kernelNode.length) this.grow();
      this.kernelNode[this.kernels] = id;
      this.kernelTs[this.kernels] = e.ts;
      this.kernelDur[this.kernels] = e.dur;
      this.kernels++;
    }
  }

  finish(): ParsedTrace {
    const runs = this.runs.sort((a, b) => a.ts - b.ts);
    if (runs.length === 0 || this.kernels === 0) {
      throw new TraceFormatError(
        `not an ONNX Runtime profile: found ${runs.length} model_run and ${this.kernels} *_kernel_time events`,
      );
    }
    const used = runs.length > 1 ? runs.slice(1) : runs;
    const names = [...this.nodeIds.keys()];
    const perNode: number[][] = names.map(() => []);
    for (let k = 0; k < this.kernels; k++) {
      if (inSomeRun(used, this.kernelTs[k])) perNode[this.kernelNode[k]].push(this.kernelDur[k]);
    }
    const nodes = names.flatMap((node, id) => {
      const sorted = perNode[id].sort((a, b) => a - b);
      if (sorted.length === 0) return [];
      return [
        {
          node,
          medianUs: quantile(sorted, 0.5),
          p10Us: quantile(sorted, 0.1),
          p90Us: quantile(sorted, 0.9),
          runs: sorted.length,
        },
      ];
    });
    return { nodes, runsTotal: runs.length, runsUsed: used.length };
  }

  private grow(): void {
    const size = this.kernelNode.length * 2;
    const node = new Int32Array(size);
    const ts = new Float64Array(size);
    const dur = new Float64Array(size);
    node.set(this.kernelNode);
    ts.set(this.kernelTs);
    dur.set(this.kernelDur);
    [this.kernelNode, this.kernelTs, this.kernelDur] = [node, ts, dur];
  }
}

/** Whether ts falls inside one of the runs (sorted by start): binary search, not a scan per kernel. */
function inSomeRun(runs: { ts: number; dur: number }[], ts: number): boolean {
  let lo = 0;
  let hi = runs.length - 1;
  let last = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (runs[mid].ts <= ts) {
      last = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  // Runs do not overlap in ORT's profiles; still check the one before too, so a run's tail is not lost.
  for (let i = last; i >= 0 && i >= last - 1; i--) if (ts <= runs[i].ts + runs[i].dur) return true;
  return false;
}

/** A trace already parsed as JSON (a bare event array or `{traceEvents}`). */
export function parseOrtTrace(json: unknown): ParsedTrace {
  const accumulator = new TraceAccumulator();
  for (const e of asEvents(json)) accumulator.add(e);
  return accumulator.finish();
}
