/**
 * Rebuild parts from the two places they live: the stored rows (what the profiling job reads) and a freshly
 * ingested model (tests, and a check that the store keeps everything a rebuild needs). Structural types only, so
 * this stays free of Nest and TypeORM.
 */
import type { IngestedModel } from '../onnx/ingest';
import type { AttributeValue, Dim, OpsetImport } from '../onnx/types';
import type { ModelParts, PartValueInfo } from './rebuild-model';
import { RebuildError } from './rebuild-model';

/** The columns of `models` a rebuild reads (ModelEntity satisfies it). */
export interface StoredModelParts {
  irVersion: number | null;
  opsetImports: OpsetImport[] | null;
  inputs: PartValueInfo[];
  outputs: PartValueInfo[];
}

/** The columns of `model_nodes` a rebuild reads, in topological order (ModelNodeEntity satisfies it). */
export interface StoredNodeParts {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: { name: string }[];
  attributes: Record<string, AttributeValue>;
}

/** The columns of `model_initializers` (ModelInitializerEntity satisfies it). */
export interface StoredInitializerParts {
  name: string;
  dataType: number;
  dims: number[];
  values: number[] | null;
}

export function partsFromStored(
  model: StoredModelParts,
  nodes: StoredNodeParts[],
  initializers: StoredInitializerParts[],
): ModelParts {
  if (model.irVersion === null || model.opsetImports === null) {
    // Stored before the model_graph_parts migration: the opsets and initializers were not kept.
    throw new RebuildError('the model was stored before graph parts were kept; upload it again to profile it');
  }
  return {
    irVersion: model.irVersion,
    opsets: model.opsetImports,
    inputs: model.inputs,
    outputs: model.outputs,
    nodes: nodes.map((n) => ({
      name: n.name,
      opType: n.opType,
      domain: n.domain,
      inputs: n.inputs,
      outputs: n.outputs.map((o) => o.name),
      attributes: n.attributes,
    })),
    initializers,
  };
}

const valueInfo = (v: { name: string; elemType: number; shape?: Dim[] }): PartValueInfo => ({
  name: v.name,
  elemType: v.elemType,
  shape: v.shape ?? null,
});

/** The parts exactly as ModelsService.store keeps them (same names, same dropped non-finite values). */
export function partsFromIngested(ingested: IngestedModel): ModelParts {
  const { graph, features, summary } = ingested;
  return partsFromStored(
    {
      irVersion: graph.model.irVersion,
      opsetImports: graph.model.opsets,
      inputs: summary.inputs.map(valueInfo),
      outputs: summary.outputs.map(valueInfo),
    },
    features.map((f) => ({ ...f, domain: graph.nodes[f.index].domain })),
    [...graph.initializers.values()].map((t) => ({
      name: t.name,
      dataType: t.dataType,
      dims: t.dims,
      values: t.values?.every(Number.isFinite) ? t.values : null,
    })),
  );
}
