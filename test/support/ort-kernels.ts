/**
 * What ONNX Runtime itself makes of a graph at optimisation `all`: the model is rebuilt (weights synthesised),
 * a session saves its optimised graph (`optimizedModelFilePath`), and each ORT node is mapped back to the
 * original nodes it runs.
 *
 * Mapping (ORT keeps original tensor names at kernel boundaries and names fused nodes after an original node or
 * tensor):
 *  - an ORT node is anchored by its name (an original node's name, `<tensor>_nchwc`, `<tensor>_bn_nchwc`, or
 *    `<node name>/<Fusion>`) and by the original tensors it writes, directly or through helper nodes
 *    (ReorderInput/ReorderOutput, the Reshapes ORT puts around a Gemm, any node with no anchor);
 *  - an NCHWc Conv with a fourth input also ran the Add after it, and with an `activation` attribute the
 *    activation after that, when its name does not already point past them;
 *  - the original nodes it runs are those on paths from its input tensors to its output tensors in the original
 *    graph (walked backwards; Identity/Dropout are passed through, integer shape operands are not walked);
 *  - an original non-constant node no ORT node runs was removed (folded or eliminated).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import type { IngestedModel } from '../../src/onnx/ingest';
import { OnnxDataType } from '../../src/onnx/types';
import { partsFromIngested } from '../../src/profiling/model-parts';
import { rebuildModel } from '../../src/profiling/rebuild-model';

export interface OrtKernel {
  name: string;
  opType: string;
  /** Original node indices this ORT node runs, ascending. */
  nodes: number[];
}

export interface OrtGrouping {
  kernels: OrtKernel[];
  /** original node index -> index into kernels; -1 when ORT removed it (or it is constant). */
  kernelOf: number[];
  reorders: number;
  /** Original nodes two ORT nodes both claimed (a mapping ambiguity, reported, never silently resolved). */
  conflicts: number[];
}

const HELPER_OPS = new Set(['ReorderInput', 'ReorderOutput']);
const PASSTHROUGH = new Set(['Identity', 'Dropout']);

export async function ortOptimisedGraph(ingested: IngestedModel): Promise<onnx.IModelProto> {
  const bytes = rebuildModel(partsFromIngested(ingested), { seed: 7 });
  const dir = mkdtempSync(join(tmpdir(), 'tiersplit-ort-kernels-'));
  try {
    const file = join(dir, 'optimised.onnx');
    const session = await ort.InferenceSession.create(bytes, {
      graphOptimizationLevel: 'all',
      optimizedModelFilePath: file,
      intraOpNumThreads: 1,
      logSeverityLevel: 3,
    });
    await session.release();
    return onnx.ModelProto.decode(readFileSync(file));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function mapOrtGraph(ingested: IngestedModel, optimised: onnx.IModelProto): OrtGrouping {
  const { features } = ingested;
  const origNodeByName = new Map(features.map((f) => [f.name, f.index]));
  const origProducer = new Map<string, number>();
  const origConsumers = new Map<string, number[]>();
  const floatTensor = new Set<string>();
  for (const f of features) {
    for (const o of f.outputs) origProducer.set(o.name, f.index);
    if (f.isConstant) continue;
    for (const t of f.inputs) origConsumers.set(t, [...(origConsumers.get(t) ?? []), f.index]);
  }
  const shapes = new Map<string, OnnxDataType>();
  for (const v of [...ingested.graph.model.valueInfo, ...ingested.graph.model.inputs, ...ingested.graph.model.outputs])
    shapes.set(v.name, v.elemType);
  // A tensor is walked only when it is floating point (or of unknown type): integer tensors are shape operands.
  for (const f of features) {
    for (const o of f.outputs) {
      const type = shapes.get(o.name);
      const intLike = type === OnnxDataType.INT64 || type === OnnxDataType.INT32 || type === OnnxDataType.BOOL;
      const small = o.bytes !== null && o.shape !== null && o.shape.length <= 1 && f.opType !== 'Flatten';
      if (!intLike && !(small && ['Shape', 'Gather', 'Concat', 'Unsqueeze', 'Slice', 'Cast'].includes(f.opType)))
        floatTensor.add(o.name);
    }
  }
  const g = optimised.graph!;
  const onodes = g.node ?? [];
  const oinit = new Set((g.initializer ?? []).map((t) => t.name!));
  const oProducer = new Map<string, number>();
  const oConsumers = new Map<string, number[]>();
  onodes.forEach((n, i) => {
    for (const t of n.output ?? []) oProducer.set(t, i);
    for (const t of n.input ?? []) oConsumers.set(t, [...(oConsumers.get(t) ?? []), i]);
  });
  const present = new Set<string>();
  onodes.forEach((n) => [...(n.input ?? []), ...(n.output ?? [])].forEach((t) => present.add(t)));
  (g.output ?? []).forEach((t) => present.add(t.name!));
  const isOrigTensor = (t: string): boolean => origProducer.has(t) || ingested.graph.inputs.some((i) => i.name === t);

  // Anchors: which original node(s) an ORT node stands for.
  const head: (number | undefined)[] = onodes.map((n) => {
    const name = n.name ?? '';
    if (HELPER_OPS.has(n.opType ?? '')) return undefined;
    if (origNodeByName.has(name) && features[origNodeByName.get(name)!].opType === n.opType)
      return origNodeByName.get(name);
    const m = /^(.*?)(_bn)?_nchwc(_token_\d+)?$/.exec(name);
    if (m && origProducer.has(m[1])) return origProducer.get(m[1]);
    const slash = name.indexOf('/', 1);
    for (let at = name.length; at > 0; at = name.lastIndexOf('/', at - 1)) {
      const prefix = name.slice(0, at);
      if (origNodeByName.has(prefix) && at !== name.length) return origNodeByName.get(prefix);
      if (at <= slash) break;
    }
    return undefined;
  });
  // Original tensors an ORT node writes, following helper nodes forwards.
  const writes = (i: number, seen = new Set<number>()): string[] => {
    if (seen.has(i)) return [];
    seen.add(i);
    const out: string[] = [];
    for (const t of onodes[i].output ?? []) {
      if (isOrigTensor(t)) out.push(t);
      else for (const c of oConsumers.get(t) ?? []) if (isHelper(c)) out.push(...writes(c, seen));
    }
    return out;
  };
  // Layout glue ORT generates (the Reshapes around a Gemm, a Transpose it moved) reads a generated tensor.
  const glue = (i: number): boolean =>
    ['Reshape', 'Transpose'].includes(onodes[i].opType ?? '') &&
    (onodes[i].input ?? []).some((t) => t !== '' && !isOrigTensor(t) && !oinit.has(t));
  const isHelper = (i: number): boolean =>
    HELPER_OPS.has(onodes[i].opType ?? '') || (head[i] === undefined && (glue(i) || !writesDirect(i)));
  const writesDirect = (i: number): boolean =>
    !HELPER_OPS.has(onodes[i].opType ?? '') &&
    (onodes[i].output ?? []).some((t) => isOrigTensor(t) && !(onodes[i].input ?? []).some((x) => x === t));
  // Original tensors an ORT node reads, following helper nodes backwards; generated NCHWc tensors map to what
  // their producer writes.
  const outputsOf = new Map<number, string[]>();
  const reads = (i: number, seen = new Set<number>()): string[] => {
    if (seen.has(i)) return [];
    seen.add(i);
    const res: string[] = [];
    for (const t of onodes[i].input ?? []) {
      if (t === '' || oinit.has(t)) continue;
      if (isOrigTensor(t)) res.push(t);
      const p = oProducer.get(t);
      if (p === undefined || isOrigTensor(t)) continue;
      if (isHelper(p)) res.push(...reads(p, seen));
      else res.push(...(outputsOf.get(p) ?? []));
    }
    return res;
  };

  const kernels: OrtKernel[] = [];
  const kernelOf = features.map(() => -1);
  const conflicts: number[] = [];
  const order = topo(onodes, oProducer);
  for (const i of order) {
    if (isHelper(i)) continue;
    const n = onodes[i];
    let outs = writes(i);
    const h = head[i];
    if (h !== undefined && n.domain === 'com.microsoft.nchwc' && n.opType === 'Conv') outs = [extendNchwcConv(n, h)];
    else if (h !== undefined && outs.length === 0) outs = features[h].outputs.map((o) => o.name);
    outputsOf.set(i, outs);
    const stop = new Set(reads(i));
    const claimed = new Set<number>();
    const stack = outs.map((t) => origProducer.get(t)).filter((x): x is number => x !== undefined);
    if (h !== undefined) stack.push(h);
    while (stack.length > 0) {
      const k = stack.pop()!;
      if (claimed.has(k) || features[k].isConstant) continue;
      if (!PASSTHROUGH.has(features[k].opType)) claimed.add(k);
      for (const t of features[k].inputs) {
        if (t === '' || stop.has(t) || !floatTensor.has(t) || present.has(t)) continue;
        const p = origProducer.get(t);
        if (p !== undefined) stack.push(p);
      }
    }
    const id = kernels.length;
    kernels.push({ name: n.name ?? '', opType: n.opType ?? '', nodes: [...claimed].sort((a, b) => a - b) });
    for (const k of claimed) {
      if (kernelOf[k] >= 0) conflicts.push(k);
      else kernelOf[k] = id;
    }
  }
  const reorders = onodes.filter((n) => HELPER_OPS.has(n.opType ?? '')).length;
  return { kernels, kernelOf, reorders, conflicts };

  function extendNchwcConv(n: onnx.INodeProto, h: number): string {
    const m = /^(.*?)(_bn)?_nchwc(_token_\d+)?$/.exec(n.name ?? '');
    let cur = m && origProducer.has(m[1]) ? m[1] : features[h].outputs[0].name;
    const activation = (n.attribute ?? []).find((a) => a.name === 'activation');
    const act = activation?.s ? Buffer.from(activation.s).toString() : undefined;
    const producerOp = features[origProducer.get(cur)!].opType;
    const next = (want: (op: string) => boolean): string | undefined => {
      const c = (origConsumers.get(cur) ?? []).map((k) => features[k]).find((f) => want(f.opType));
      return c?.outputs[0].name;
    };
    if (act && producerOp === act) return cur;
    if ((n.input ?? []).length >= 4 && (n.input ?? [])[3]) cur = next((o) => o === 'Add' || o === 'Sum') ?? cur;
    if (act) cur = next((o) => o === act) ?? cur;
    return cur;
  }
}

function topo(nodes: onnx.INodeProto[], producer: Map<string, number>): number[] {
  const order: number[] = [];
  const state = nodes.map(() => 0);
  const visit = (i: number): void => {
    if (state[i] !== 0) return;
    state[i] = 1;
    for (const t of nodes[i].input ?? []) {
      const p = producer.get(t);
      if (p !== undefined && p !== i) visit(p);
    }
    state[i] = 2;
    order.push(i);
  };
  nodes.forEach((_, i) => visit(i));
  return order;
}

export interface Agreement {
  agree: number;
  total: number;
  /** Disagreeing nodes: name, our kernel's nodes, ORT's (empty when ORT removed it). */
  disagreements: { node: string; ours: string[]; ort: string[] }[];
}

/**
 * Per non-constant original node: does our kernel hold the same original nodes as ORT's? Identity/Dropout are
 * left out of both sides (ORT deletes them; we may keep one inside a kernel for convexity). A node ORT removed
 * agrees when our kernel for it is `eliminated`.
 */
export function compareWithOrt(
  ingested: IngestedModel,
  ours: { kernels: { nodes: number[]; kernelClass: string }[]; kernelOf: number[] },
  theirs: OrtGrouping,
): Agreement {
  const f = ingested.features;
  const keep = (k: number): boolean => !PASSTHROUGH.has(f[k].opType);
  const names = (xs: number[]): string[] => xs.filter(keep).map((k) => f[k].name);
  const result: Agreement = { agree: 0, total: 0, disagreements: [] };
  for (const n of f) {
    if (n.isConstant || !keep(n.index)) continue;
    result.total++;
    const mine = ours.kernels[ours.kernelOf[n.index]];
    const ortId = theirs.kernelOf[n.index];
    const ok =
      ortId < 0
        ? mine.kernelClass === 'eliminated'
        : names(mine.nodes).join('|') === names(theirs.kernels[ortId].nodes).join('|');
    if (ok) result.agree++;
    else
      result.disagreements.push({
        node: n.name,
        ours: names(mine.nodes),
        ort: ortId < 0 ? [] : names(theirs.kernels[ortId].nodes),
      });
  }
  return result;
}
