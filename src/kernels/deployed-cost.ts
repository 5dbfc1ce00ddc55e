/**
 * Deployed (graph optimisation `all`) latency from per-node `disabled` latencies, kernel by kernel:
 *
 *   kernel µs = factor[costClass] · base + fusedFactor · fused + reorderUsPerMB · reorder MB + kernelUs
 *
 * base: the main node's disabled µs for compute kernels (Conv, Gemm, MatMul: what they fused in is `fused`),
 * every node's for the others (a Gelu's five nodes become one pass). `eliminated` kernels cost 0. The numbers
 * are fitted to whole-model `enable_all` times (fitDeployedModel) with a relative loss, the class factors
 * ridge-regularised toward one common factor so that a class seen in few models borrows from the rest.
 * Pure: no Nest, no database.
 */
import type { NodeFeatures } from '../onnx/types';
import type { Kernel, KernelGrouping } from './types';

export interface DeployedCostModel {
  version: number;
  platform: string;
  /** NCHWc block the grouping used for this platform (16: AVX-512). */
  nchwcBlockSize: number;
  classFactors: Record<string, number>;
  /** µs per million MACs of the main node, per compute class (the NCHWc kernels' own rate). */
  macUs: Record<string, number>;
  /** µs per MB of activations a kernel reads and writes. */
  usPerMB: number;
  /** Factor for the disabled time of nodes fused into a compute kernel (activations, residual adds, BN). */
  fusedFactor: number;
  /** Cost of one NCHWc reorder, per reorder (µs) — part of reorderUs + per-MB term. */
  reorderUs: number;
  reorderUsPerMB: number;
  /** Fixed cost per non-eliminated kernel (dispatch), µs. */
  kernelUs: number;
  /** The common factor the class factors were pulled toward, and the pull. */
  commonFactor: number;
  ridge: number;
  metrics: DeployedMetrics;
}

export interface DeployedMetrics {
  /** Leave-one-model-out over the fitted models: mean |predicted − enable_all| / enable_all. */
  lomoMape: number;
  lomoMaxError: number;
  models: number;
  /** In-sample mean relative error of the final fit. */
  fitMape: number;
  [key: string]: unknown;
}

const COMPUTE = new Set(['conv', 'conv-add', 'gemm', 'matmul']);

/** The class a kernel's factor is looked up by: depthwise/grouped convolutions run different code from dense. */
export function costClass(kernel: Kernel, nodes: NodeFeatures[]): string {
  if (kernel.kernelClass === 'conv' || kernel.kernelClass === 'conv-add') {
    const g = nodes[kernel.main].attributes.group;
    // Depthwise/grouped convolutions run other code than dense ones in both layouts (a 1x1/kxk split was tried:
    // no gain leave-one-model-out).
    return g?.kind === 'int' && g.value > 1 ? 'conv-dw' : 'conv';
  }
  return kernel.kernelClass;
}

/** Per-kernel feature terms: base µs by class, fused µs, reorders and their MB, kernel count. */
export interface KernelTerms {
  cls: string;
  base: number;
  fused: number;
  reorders: number;
  reorderMB: number;
  /** Multiply-accumulates of the main node (millions), for compute kernels. */
  mmacs: number;
  /** MB the kernel reads from outside and writes (activations only). */
  mb: number;
  counts: boolean;
}

export function kernelTerms(
  grouping: KernelGrouping,
  nodes: NodeFeatures[],
  disabledNodeUs: Float64Array,
): KernelTerms[] {
  return grouping.kernels.map((k) => {
    const cls = costClass(k, nodes);
    const all = k.nodes.reduce((s, n) => s + (disabledNodeUs[n] || 0), 0);
    const main = disabledNodeUs[k.main] || 0;
    const compute = COMPUTE.has(k.kernelClass);
    return {
      cls,
      base: cls === 'eliminated' ? 0 : compute ? main : all,
      fused: cls === 'eliminated' || !compute ? 0 : all - main,
      reorders: k.reorders,
      reorderMB: k.reorderBytes / 1e6,
      mmacs: compute ? nodes[k.main].macs / 1e6 : 0,
      mb: cls === 'eliminated' ? 0 : (nodes[k.main].inBytes + nodes[k.main].outBytes) / 1e6,
      counts: cls !== 'eliminated',
    };
  });
}

export function deployedKernelLatencies(
  model: DeployedCostModel,
  grouping: KernelGrouping,
  nodes: NodeFeatures[],
  disabledNodeUs: Float64Array,
): Float64Array {
  return Float64Array.from(kernelTerms(grouping, nodes, disabledNodeUs), (t) => termUs(model, t));
}

/** One fitted model: its kernels' terms and its measured enable_all time. */
export interface DeployedSample {
  model: string;
  terms: KernelTerms[];
  enableAllUs: number;
}

export interface FitOptions {
  ridge: number;
  /** Column-name prefixes to fit (default all): 'base:', 'macs:', 'fused', 'reorders', 'reorderMB', 'kernels', 'mb'. */
  terms?: string[];
  platform: string;
  nchwcBlockSize: number;
}

/** The linear model's columns: class factors on `base`, µs per MMAC for compute classes, then shared terms. */
function columns(samples: DeployedSample[]): string[] {
  const classes = new Set<string>();
  const compute = new Set<string>();
  for (const s of samples)
    for (const t of s.terms) {
      if (t.counts && t.base > 0) classes.add(t.cls);
      if (t.counts && t.mmacs > 0) compute.add(t.cls);
    }
  return [
    ...[...classes].sort().map((c) => `base:${c}`),
    ...[...compute].sort().map((c) => `macs:${c}`),
    'fused',
    'reorders',
    'reorderMB',
    'kernels',
    'mb',
  ];
}

function row(s: DeployedSample, cols: string[]): number[] {
  const at = new Map(cols.map((c, i) => [c, i]));
  const x = new Array(cols.length).fill(0);
  const add = (name: string, v: number): void => {
    const i = at.get(name);
    if (i !== undefined) x[i] += v;
  };
  for (const t of s.terms) {
    if (!t.counts) continue;
    add(`base:${t.cls}`, t.base);
    add(`macs:${t.cls}`, t.mmacs);
    add('fused', t.fused);
    add('reorders', t.reorders);
    add('reorderMB', t.reorderMB);
    add('kernels', 1);
    add('mb', t.mb);
  }
  return x;
}

/**
 * Weighted ridge least squares on relative errors: minimise Σ_m (x_m·θ / y_m − 1)² + ridge · Σ_c (f_c − f0)²
 * (class factors toward the common one) + ridge · Σ_j w_j θ_j² (every other term toward 0, w_j scaling the
 * pull to the term's typical share of a model's time), every parameter kept ≥ 0 (a parameter the fit drives
 * negative is fixed at 0).
 */
export function fitDeployedModel(samples: DeployedSample[], options: FitOptions): DeployedCostModel {
  const cols = columns(samples).filter(
    (c) => options.terms === undefined || options.terms.some((t) => c.startsWith(t)),
  );
  const nb = cols.filter((c) => c.startsWith('base:')).length;
  const p = cols.length + 1; // + f0
  const rows = samples.map((s) => row(s, cols).map((v) => v / s.enableAllUs));
  const scale = cols.map((_, j) => mean(rows.map((r) => r[j] * r[j])));
  const fixedZero = new Set<number>();
  let theta: number[] = [];
  for (let round = 0; round < p; round++) {
    const A = Array.from({ length: p }, () => new Array(p).fill(0));
    const b = new Array(p).fill(0);
    for (const r of rows) {
      const x = [...r, 0];
      for (let i = 0; i < p; i++) {
        b[i] += x[i];
        for (let j = 0; j < p; j++) A[i][j] += x[i] * x[j];
      }
    }
    for (let c = 0; c < nb; c++) {
      const w = options.ridge * scale[c];
      A[c][c] += w;
      A[c][p - 1] -= w;
      A[p - 1][c] -= w;
      A[p - 1][p - 1] += w;
    }
    for (let j = nb; j < cols.length; j++) A[j][j] += options.ridge * scale[j] + 1e-12;
    for (const z of fixedZero) {
      A[z].fill(0);
      for (let i = 0; i < p; i++) A[i][z] = 0;
      A[z][z] = 1;
      b[z] = 0;
    }
    theta = solve(A, b);
    const negative = theta.findIndex((t, i) => t < 0 && !fixedZero.has(i) && i !== p - 1);
    if (negative < 0) break;
    fixedZero.add(negative);
  }
  const get = (name: string): number => {
    const i = cols.indexOf(name);
    return i < 0 ? 0 : theta[i];
  };
  const model: DeployedCostModel = {
    version: 1,
    platform: options.platform,
    nchwcBlockSize: options.nchwcBlockSize,
    classFactors: Object.fromEntries(cols.filter((c) => c.startsWith('base:')).map((c) => [c.slice(5), get(c)])),
    macUs: Object.fromEntries(cols.filter((c) => c.startsWith('macs:')).map((c) => [c.slice(5), get(c)])),
    fusedFactor: get('fused'),
    reorderUs: get('reorders'),
    reorderUsPerMB: get('reorderMB'),
    kernelUs: get('kernels'),
    usPerMB: get('mb'),
    commonFactor: theta[p - 1],
    ridge: options.ridge,
    metrics: { lomoMape: NaN, lomoMaxError: NaN, models: samples.length, fitMape: NaN },
  };
  const errors = samples.map((s) => Math.abs(predictSample(model, s) / s.enableAllUs - 1));
  model.metrics.fitMape = mean(errors);
  return model;
}

export function predictSample(model: DeployedCostModel, s: DeployedSample): number {
  return s.terms.reduce((us, t) => us + termUs(model, t), 0);
}

function termUs(model: DeployedCostModel, t: KernelTerms): number {
  if (!t.counts) return 0;
  return (
    (model.classFactors[t.cls] ?? model.commonFactor) * t.base +
    (model.macUs[t.cls] ?? 0) * t.mmacs +
    model.fusedFactor * t.fused +
    model.reorderUs * t.reorders +
    model.reorderUsPerMB * t.reorderMB +
    model.kernelUs +
    model.usPerMB * t.mb
  );
}

/** Leave-one-model-out: each model predicted by a fit on the others. */
export function leaveOneModelOut(
  samples: DeployedSample[],
  options: FitOptions,
): { model: string; predictedUs: number; enableAllUs: number; fold: DeployedCostModel }[] {
  return samples.map((held) => {
    const fold = fitDeployedModel(
      samples.filter((s) => s !== held),
      options,
    );
    return { model: held.model, predictedUs: predictSample(fold, held), enableAllUs: held.enableAllUs, fold };
  });
}

export const mean = (xs: number[]): number => (xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length);

/** Gaussian elimination with partial pivoting (the systems here are at most ~25 × 25). */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((r, i) => [...r, b[i]]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[piv][c])) piv = r;
    [M[c], M[piv]] = [M[piv], M[c]];
    const d = M[c][c];
    if (Math.abs(d) < 1e-15) continue;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r][c] / d;
      if (f !== 0) for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  return M.map((r, i) => (Math.abs(r[i]) < 1e-15 ? 0 : r[n] / r[i]));
}
