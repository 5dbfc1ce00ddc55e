/**
 * A roofline prior for node latency: max(MACs / peak MAC rate, bytes moved / bandwidth), with both rates read off
 * the training rows. The networks then learn the residual (how far a node runs from its roofline) instead of the
 * latency itself. That residual spans far less than latency does, so the per-class clamp no longer caps a node
 * bigger than any seen in training (VGG16's 400 MB fully-connected layer against AlexNet's 150 MB): the prior
 * extrapolates in size, the network in efficiency.
 */
import type { NodeFeatures } from '../onnx/types';

export interface Roofline {
  /** MACs per µs: a high quantile of what the big compute nodes reached. */
  macsPerUs: number;
  /** Bytes per µs (inputs, outputs and weights): a high quantile over every node. */
  bytesPerUs: number;
}

/** Quantile of the rates the fit uses: near the best seen, not the single best (a timer glitch). */
const RATE_QUANTILE = 0.95;
/** Nodes under this many MACs are launch- or memory-bound: they say nothing about the peak MAC rate. */
const COMPUTE_NODE_MACS = 1e6;

export const movedBytes = (f: Pick<NodeFeatures, 'inBytes' | 'outBytes' | 'params'>): number =>
  f.inBytes + f.outBytes + 4 * f.params;

function quantile(xs: number[], q: number): number {
  const s = xs.filter((x) => Number.isFinite(x) && x > 0).sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN;
}

/** Fits the two rates; undefined when the rows cannot define them (no compute node, no timed bytes). */
export function fitRoofline(rows: { features: NodeFeatures; us: number }[]): Roofline | undefined {
  const timed = rows.filter((r) => r.us > 0 && !r.features.isConstant);
  const macsPerUs = quantile(
    timed.filter((r) => r.features.macs >= COMPUTE_NODE_MACS).map((r) => r.features.macs / r.us),
    RATE_QUANTILE,
  );
  const bytesPerUs = quantile(
    timed.map((r) => movedBytes(r.features) / r.us),
    RATE_QUANTILE,
  );
  return Number.isFinite(macsPerUs) && Number.isFinite(bytesPerUs) ? { macsPerUs, bytesPerUs } : undefined;
}

/** The node's roofline time in µs (at least 1 µs, the timers' resolution); 1 without a roofline. */
export function rooflineUs(r: Roofline | undefined, f: NodeFeatures): number {
  if (!r) return 1;
  return Math.max(f.macs / r.macsPerUs, movedBytes(f) / r.bytesPerUs, 1);
}
