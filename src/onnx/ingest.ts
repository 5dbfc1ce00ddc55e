import { checkFeatureRanges, computeFeatures } from './features';
import { architectureFingerprint } from './fingerprint';
import { buildGraph } from './graph';
import type { OnnxLimits } from './limits';
import { readOnnxModel } from './reader';
import { inferShapes } from './shapes';
import { isChain } from './topology';
import { Dim, NodeFeatures, OnnxError, OnnxErrorCode, OnnxGraph, TensorShape, ValueInfo } from './types';

export interface ModelSummary {
  nodeCount: number;
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  totalMacs: number;
  params: number;
  weightsIncluded: boolean;
  isChain: boolean;
  unsupportedOps: string[];
  /** Node outputs whose shape stays unknown (symbolic input dims without `inputShapes`, unsupported ops). */
  unresolvedTensors: number;
  opset: number;
  producer: string;
  graphName: string;
  fileBytes: number;
  /** Hash of the graph without weight bytes (fingerprint.ts). */
  fingerprint: string;
}

export interface IngestedModel {
  graph: OnnxGraph;
  features: NodeFeatures[];
  summary: ModelSummary;
}

export interface AnalyseOptions {
  /** Concrete shapes for graph inputs whose file shape is symbolic (`['N', 3, 'H', 'W']`) or absent. */
  inputShapes?: Record<string, number[]>;
  /** Caps on ranks and element counts (defaults: DEFAULT_ONNX_LIMITS). */
  limits?: Partial<OnnxLimits>;
}

/** Stages 1–2, while the bytes stream in: stream → raw model → validated graph. */
export async function readGraph(source: AsyncIterable<Uint8Array>, limits?: Partial<OnnxLimits>): Promise<OnnxGraph> {
  return buildGraph(await readOnnxModel(source, { limits }));
}

/** Stages 3–4, once the request is complete: shapes → per-node features and a summary. */
export function analyseGraph(graph: OnnxGraph, options: AnalyseOptions = {}): IngestedModel {
  const inputShapes = options.inputShapes && checkInputShapes(graph, options.inputShapes);
  const shapes = inferShapes(graph, { useValueInfo: true, inputShapes, limits: options.limits });
  const features = computeFeatures(graph, shapes);
  checkFeatureRanges(features);
  const withShape = (v: ValueInfo): ValueInfo => shaped(v, shapes.shapes.get(v.name));
  const raw = graph.model;
  const defaultOpset = raw.opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  return {
    graph,
    features,
    summary: {
      nodeCount: graph.nodes.length,
      inputs: graph.inputs.map(withShape),
      outputs: graph.outputs.map(withShape),
      totalMacs: features.reduce((sum, f) => sum + f.macs, 0),
      params: features.reduce((sum, f) => sum + f.params, 0),
      // Graph-only uploads (weights kept private, as external data that is not sent) are fine; this says which.
      weightsIncluded: raw.initializers.every((t) => !t.external),
      isChain: isChain(graph, features),
      unsupportedOps: shapes.unsupportedOps,
      unresolvedTensors: features.reduce((n, f) => n + f.outputs.filter((o) => !isConcrete(o.shape)).length, 0),
      opset: defaultOpset?.version ?? 0,
      producer: raw.producerName,
      graphName: raw.graphName,
      fileBytes: raw.bytesRead,
      fingerprint: architectureFingerprint(graph),
    },
  };
}

export async function ingestOnnx(source: AsyncIterable<Uint8Array>, options?: AnalyseOptions): Promise<IngestedModel> {
  return analyseGraph(await readGraph(source, options?.limits), options);
}

const isConcrete = (shape: Dim[] | null): boolean => shape !== null && shape.every((d) => typeof d === 'number');

function shaped(info: ValueInfo, inferred: TensorShape | undefined): ValueInfo {
  return inferred ? { name: info.name, elemType: inferred.elemType, shape: inferred.dims } : info;
}

/** Each given shape must name a real input, keep its rank, and agree with every dim the file fixes. */
function checkInputShapes(graph: OnnxGraph, given: Record<string, number[]>): Record<string, number[]> {
  const fail = (message: string) => new OnnxError(OnnxErrorCode.BAD_INPUT_SHAPE, message);
  for (const [name, dims] of Object.entries(given)) {
    const input = graph.inputs.find((i) => i.name === name);
    if (!input) {
      throw fail(
        `inputShapes names '${name}', which is not a model input (inputs: ${graph.inputs.map((i) => i.name).join(', ')})`,
      );
    }
    if (!Array.isArray(dims) || dims.some((d) => !Number.isSafeInteger(d) || d <= 0)) {
      throw fail(`inputShapes['${name}'] must be an array of positive integers`);
    }
    if (input.shape && input.shape.length !== dims.length) {
      throw fail(`inputShapes['${name}'] has rank ${dims.length}, the model's input has rank ${input.shape.length}`);
    }
    input.shape?.forEach((d, i) => {
      if (typeof d === 'number' && d !== dims[i]) {
        throw fail(`inputShapes['${name}'][${i}] is ${dims[i]}, but the model fixes that dimension to ${d}`);
      }
    });
  }
  return given;
}
