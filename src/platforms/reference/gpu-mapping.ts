/**
 * GPU rows of whole models (engine `torch-cuda-module`) name PyTorch leaf modules, not ONNX nodes. The mapping:
 *
 * 1. Scope. torch.onnx.export (TorchScript) names a node `/<s1>/<s2>/…/<OpType>[_k]`, one scope segment per module
 *    level; a child of a Sequential repeats the Sequential's segment as a prefix (`conv` → `conv.0` → `conv.0.0`).
 *    The module path is rebuilt segment by segment: a segment that starts with `<previous segment>.` replaces the
 *    previous segment, any other is appended with a dot. So `features.0` ↔ `/features/features.0/Conv`,
 *    `layer1.0.conv1` ↔ `/layer1/layer1.0/conv1/Conv`, `features.1.conv.0.0` ↔
 *    `/features/features.1/conv/conv.0/conv.0.0/Conv`. A module called twice gets `_1` on its second scope
 *    (`layer1.0.relu_1`): when no row names that path, the suffix is dropped.
 * 2. One module, several nodes, all of the same op type: the module was called several times (a ReLU reused in a
 *    ResNet block; its row then has 20 × calls runs). The median is per call, so every node gets it.
 * 3. One module, several nodes of different op types (SiLU → Sigmoid + Mul, GELU → Div/Erf/Add/Mul/Mul, Linear →
 *    MatMul + Add): eager PyTorch runs it as one or few kernels; the time is split over the nodes in proportion
 *    to max(MACs, elements moved) so the module total is kept and the main compute node gets the bulk.
 * 4. No node, BatchNorm2d: the exporter folded it into the Conv that ran just before it (the previous row, in
 *    execution order). Eager CUDA runs it as its own kernel, so its time is added to that Conv's node: node sums
 *    then stay comparable with the eager whole-model time.
 * 5. Anything else without a node (Dropout is a no-op in eval mode and is not exported) stays unmapped and is
 *    reported. Functional ops (residual Add, torch.flatten, concat) have no GPU row: those ONNX nodes stay unmeasured.
 */
import { NodeFeatures } from '../../onnx/types';
import type { CsvRow, NodeMeasurement, UnmappedRow } from './types';

/** Module path of an ONNX node name, or undefined when the name carries no scope (`Identity_3`). */
export function modulePathOf(nodeName: string): string | undefined {
  if (!nodeName.startsWith('/')) return undefined;
  const segments = nodeName.split('/').slice(1, -1);
  if (segments.length === 0) return undefined;
  let base = '';
  let last = '';
  for (const seg of segments) {
    if (last !== '' && seg.startsWith(`${last}.`)) last = seg;
    else {
      base = base === '' ? last : last === '' ? base : `${base}.${last}`;
      last = seg;
    }
  }
  return base === '' ? last : `${base}.${last}`;
}

export interface GpuMappingResult {
  nodes: NodeMeasurement[];
  unmapped: UnmappedRow[];
  /** How many rows went each way (rules 1–5 above), for the report. */
  counts: { direct: number; repeated: number; split: number; foldedBatchNorm: number; unmapped: number };
}

const weight = (f: NodeFeatures): number => Math.max(f.macs, (f.inBytes + f.outBytes) / 4, 1);

export function mapGpuModuleRows(model: string, rows: CsvRow[], features: NodeFeatures[]): GpuMappingResult {
  const rowPaths = new Set(rows.map((r) => r.node));
  const byPath = new Map<string, NodeFeatures[]>();
  for (const f of features) {
    let path = f.isConstant ? undefined : modulePathOf(f.name);
    if (path !== undefined && !rowPaths.has(path)) path = path.replace(/_\d+$/, '');
    if (path !== undefined) byPath.set(path, [...(byPath.get(path) ?? []), f]);
  }
  const out = new Map<string, NodeMeasurement>();
  const unmapped: UnmappedRow[] = [];
  const counts = { direct: 0, repeated: 0, split: 0, foldedBatchNorm: 0, unmapped: 0 };
  let previous: NodeFeatures[] | undefined;
  const add = (f: NodeFeatures, r: CsvRow, share: number): void => {
    const prev = out.get(f.name);
    const s = (k: string): number => Number(r[k]) * share;
    if (prev) {
      prev.medianUs += s('median_us');
      prev.p10Us += s('p10_us');
      prev.p90Us += s('p90_us');
    } else {
      out.set(f.name, {
        model,
        node: f.name,
        opType: f.opType,
        medianUs: s('median_us'),
        p10Us: s('p10_us'),
        p90Us: s('p90_us'),
        runs: Number(r.runs),
      });
    }
  };
  for (const r of rows) {
    const group = byPath.get(r.node) ?? [];
    if (group.length === 1) {
      counts.direct++;
      add(group[0], r, 1);
    } else if (group.length > 1 && group.every((f) => f.opType === group[0].opType)) {
      counts.repeated++;
      for (const f of group) add(f, r, 1);
    } else if (group.length > 1) {
      counts.split++;
      const total = group.reduce((s, f) => s + weight(f), 0);
      for (const f of group) add(f, r, weight(f) / total);
    } else if (r.op_type === 'BatchNorm2d' && previous?.length === 1 && previous[0].opType === 'Conv') {
      counts.foldedBatchNorm++;
      add(previous[0], r, 1);
    } else {
      counts.unmapped++;
      const reason = r.op_type === 'Dropout' ? 'Dropout: no-op in eval mode, not exported' : 'no ONNX node in scope';
      unmapped.push({ model, node: r.node, opType: r.op_type, medianUs: Number(r.median_us), reason });
    }
    if (group.length > 0) previous = group;
  }
  return { nodes: [...out.values()], unmapped, counts };
}
