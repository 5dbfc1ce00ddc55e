/**
 * The partitions core's input from the two places a graph lives: the stored rows (the API) and a freshly ingested
 * file (tests, the CLI). Both go through `storedGraph`, so what the API cuts is what the tests cut.
 */
import type { IngestedModel } from '../onnx/ingest';
import type { Dim, OpsetImport, TensorData } from '../onnx/types';
import {
  GraphInitializer,
  GraphNodePart,
  GraphValue,
  PartitionsError,
  PartitionsErrorCode,
  StoredGraph,
} from './types';

export interface StoredModelRow {
  irVersion: number | null;
  opsetImports: OpsetImport[] | null;
  fileName: string | null;
  inputs: GraphValue[];
  outputs: GraphValue[];
}

export interface StoredInitializerRow {
  name: string;
  dataType: number;
  dims: number[];
  values: number[] | null;
  data: TensorData | null;
}

export function storedGraph(
  model: StoredModelRow,
  nodes: GraphNodePart[],
  initializers: StoredInitializerRow[],
): StoredGraph {
  if (model.irVersion === null || model.opsetImports === null || model.fileName === null) {
    throw new PartitionsError(
      PartitionsErrorCode.NOT_EXPORTABLE,
      'the model was stored before tensor locations were kept; upload it again to download its sub-models',
    );
  }
  const untyped = nodes.some((n) => n.outputs.some((o) => o.name !== '' && o.elemType === undefined));
  if (untyped) {
    throw new PartitionsError(
      PartitionsErrorCode.NOT_EXPORTABLE,
      'the model was stored before tensor types were kept; upload it again to download its sub-models',
    );
  }
  const inits: GraphInitializer[] = initializers.map((t) => ({
    name: t.name,
    dataType: t.dataType,
    dims: t.dims,
    values: t.values,
    data: t.data,
  }));
  return {
    irVersion: model.irVersion,
    opsets: model.opsetImports,
    fileName: model.fileName,
    inputs: model.inputs,
    outputs: model.outputs,
    nodes: nodes.map((n) => ({ ...n })),
    initializers: inits,
  };
}

const value = (v: { name: string; elemType: number; shape?: Dim[] }): GraphValue => ({
  name: v.name,
  elemType: v.elemType,
  shape: v.shape ?? null,
});

/** The graph exactly as ModelsService.store keeps it (same names, same dropped non-finite values). */
export function storedGraphFromIngested(ingested: IngestedModel, fileName: string): StoredGraph {
  const { graph, features, summary } = ingested;
  return storedGraph(
    {
      irVersion: graph.model.irVersion,
      opsetImports: graph.model.opsets,
      fileName,
      inputs: summary.inputs.map(value),
      outputs: summary.outputs.map(value),
    },
    features.map((f) => ({ ...f, domain: graph.nodes[f.index].domain })),
    [...graph.initializers.values()].map((t) => ({
      name: t.name,
      dataType: t.dataType,
      dims: t.dims,
      values: t.values?.every(Number.isFinite) ? t.values : null,
      data: t.data ?? null,
    })),
  );
}
