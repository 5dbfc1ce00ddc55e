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

export function parseOrtTrace(json: unknown): ParsedTrace {
  const events = asEvents(json);
  const runs = events.filter((e) => e.name === 'model_run').sort((a, b) => a.ts - b.ts);
  const kernels = events.filter((e) => e.name.endsWith(KERNEL_SUFFIX) && (e.cat === undefined || e.cat === 'Node'));
  if (runs.length === 0 || kernels.length === 0) {
    throw new TraceFormatError(
      `not an ONNX Runtime profile: found ${runs.length} model_run and ${kernels.length} *_kernel_time events`,
    );
  }
  const used = runs.length > 1 ? runs.slice(1) : runs;
  const perNode = new Map<string, number[]>();
  for (const k of kernels) {
    if (!used.some((r) => k.ts >= r.ts && k.ts <= r.ts + r.dur)) continue;
    const node = k.name.slice(0, -KERNEL_SUFFIX.length);
    const times = perNode.get(node) ?? [];
    times.push(k.dur);
    perNode.set(node, times);
  }
  const nodes = [...perNode].map(([node, times]) => {
    const sorted = times.sort((a, b) => a - b);
    return {
      node,
      medianUs: quantile(sorted, 0.5),
      p10Us: quantile(sorted, 0.1),
      p90Us: quantile(sorted, 0.9),
      runs: sorted.length,
    };
  });
  return { nodes, runsTotal: runs.length, runsUsed: used.length };
}
