/**
 * One tier's ONNX sub-model: the plan's nodes of that tier (and copies of the constant nodes they need), only
 * the initializers those nodes use, as external-data references into the uploaded file; graph inputs and outputs
 * are the manifest's wire tensors, with the transfer encoding done inside the model (Cast / DynamicQuantizeLinear
 * on the sender, Cast / DequantizeLinear on the receiver). Opset imports and IR version are the original's.
 */
import { onnx } from 'onnx-proto';
import type { TensorStub } from '../onnx/types';
import { attributeProto, RebuildError, valueInfoProto } from '../profiling/rebuild-model';
import { elemTypeOf } from './dtypes';
import { buildManifest, wire } from './manifest';
import { referencedTensor, StoredTensor } from './tensor-ref';
import {
  Manifest,
  ManifestInput,
  ManifestOutput,
  PartitionsError,
  PartitionsErrorCode,
  PlanAssignment,
  StoredGraph,
  WireTensor,
} from './types';

const FLOAT = 1;
/** DynamicQuantizeLinear joined the default domain in opset 11. */
const INT8_MIN_OPSET = 11;
/** Cast takes `to` as an int from opset 6 (a string before). */
const CAST_MIN_OPSET = 6;

const valueInfo = (t: WireTensor) =>
  valueInfoProto({ name: t.name, elemType: elemTypeOf(t.dtype), shape: t.shape }, true);

/** Receiver side: the encoded pieces back to the float32 tensor the nodes consume. */
function decodeNode(input: ManifestInput): onnx.INodeProto | null {
  const name = `tiersplit/decode/${input.name}`;
  const pieces = input.wire.map((w) => w.name);
  if (input.encoding === 'float16') {
    return { name, opType: 'Cast', input: pieces, output: [input.name], attribute: [castTo(FLOAT)] };
  }
  if (input.encoding === 'int8') return { name, opType: 'DequantizeLinear', input: pieces, output: [input.name] };
  return null;
}

/** Sender side: the float32 tensor to its encoded pieces (the raw tensor, when also kept, is the first piece). */
function encodeNode(output: ManifestOutput): onnx.INodeProto | null {
  const name = `tiersplit/encode/${output.name}`;
  const pieces = output.wire.filter((w) => w.name !== output.name).map((w) => w.name);
  if (output.encoding === 'float16') {
    return { name, opType: 'Cast', input: [output.name], output: pieces, attribute: [castTo(10)] };
  }
  if (output.encoding === 'int8')
    return { name, opType: 'DynamicQuantizeLinear', input: [output.name], output: pieces };
  return null;
}

const castTo = (to: number): onnx.IAttributeProto => ({
  name: 'to',
  type: onnx.AttributeProto.AttributeType.INT,
  i: to,
});

function defaultOpset(graph: StoredGraph): number {
  return graph.opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 0;
}

function checkEncodable(graph: StoredGraph, manifest: Manifest, tier: number): void {
  const t = manifest.tiers[tier];
  const encodings = new Set([...t.inputs, ...t.outputs].map((x) => x.encoding));
  const opset = defaultOpset(graph);
  if (encodings.has('int8') && opset < INT8_MIN_OPSET) {
    throw notExportable(
      `int8 transfers need opset ${INT8_MIN_OPSET} or later (DynamicQuantizeLinear); the model has opset ${opset}`,
    );
  }
  if (encodings.has('float16') && opset < CAST_MIN_OPSET) {
    throw notExportable(`float16 transfers need opset ${CAST_MIN_OPSET} or later (Cast); the model has opset ${opset}`);
  }
}

/** The ONNX bytes of one tier's sub-model; `manifest` defaults to the one of (graph, plan). */
export function buildSubModel(
  graph: StoredGraph,
  plan: PlanAssignment,
  tierName: string,
  manifest: Manifest = buildManifest(graph, plan),
): Uint8Array {
  const tier = manifest.tiers.findIndex((t) => t.tier === tierName);
  if (tier < 0) {
    throw new PartitionsError(
      PartitionsErrorCode.TIER_NOT_FOUND,
      `the plan has no tier '${tierName}' (tiers: ${manifest.tiers.map((t) => t.tier).join(', ')})`,
    );
  }
  const m = manifest.tiers[tier];
  if (m.nodes.length === 0) {
    throw new PartitionsError(PartitionsErrorCode.EMPTY_TIER, `tier '${tierName}' runs no nodes in this plan`, {
      tier: tierName,
    });
  }
  checkEncodable(graph, manifest, tier);
  const untyped = [...m.inputs, ...m.outputs].flatMap((x) => x.wire).filter((w) => w.dtype === 'unknown');
  if (untyped.length > 0) {
    // A graph input needs a type, and shape inference could not give one (an op it has no rule for).
    throw notExportable(
      `tier '${tierName}' exchanges tensors of unknown type: ${untyped
        .map((w) => w.name)
        .slice(0, 20)
        .join(', ')}`,
    );
  }
  const w = wire(graph, plan);
  const copied = new Set(w.copied[tier]);
  const included = graph.nodes.filter((_, v) => w.tierOf[v] === tier || copied.has(v));

  const unavailable: string[] = [];
  const tensor = (t: StoredTensor): onnx.ITensorProto => {
    const proto = referencedTensor(t, graph.fileName);
    if (proto) return proto;
    unavailable.push(t.name || '(unnamed)');
    return { name: t.name, dataType: t.dataType, dims: t.dims };
  };
  const nodes: onnx.INodeProto[] = [];
  for (const input of m.inputs) {
    const decode = decodeNode(input);
    if (decode) nodes.push(decode);
  }
  for (const n of included) {
    let attribute: onnx.IAttributeProto[];
    try {
      attribute = Object.entries(n.attributes).map(([name, a]) =>
        attributeProto(n, name, a, (t: TensorStub) => tensor(t)),
      );
    } catch (e) {
      if (e instanceof RebuildError) throw notExportable(e.message.replace(/; the model cannot be rebuilt.*$/, ''));
      throw e;
    }
    nodes.push({
      name: n.name,
      opType: n.opType,
      domain: n.domain,
      input: n.inputs,
      output: n.outputs.map((o) => o.name),
      attribute,
    });
  }
  for (const output of m.outputs) {
    const encode = encodeNode(output);
    if (encode) nodes.push(encode);
  }

  const used = new Set(included.flatMap((n) => n.inputs));
  const initializers = graph.initializers.filter((t) => used.has(t.name));
  const initializer = initializers.map(tensor);
  if (unavailable.length > 0) {
    throw notExportable(
      `tier '${tierName}' needs tensors whose bytes are not contiguous in the uploaded file and too large to have been kept (varint-packed or string data): ${unavailable.slice(0, 20).join(', ')}`,
      { tensors: unavailable },
    );
  }
  const input = m.inputs.flatMap((i) => i.wire.map(valueInfo));
  if (graph.irVersion < 4) {
    // Before IR 4 every initializer also had to be a graph input, as the original file did.
    input.push(...initializers.map((t) => valueInfoProto({ name: t.name, elemType: t.dataType, shape: t.dims }, true)));
  }
  const model: onnx.IModelProto = {
    irVersion: graph.irVersion,
    producerName: 'tiersplit',
    opsetImport: graph.opsets.map((o) => ({ domain: o.domain, version: o.version })),
    graph: {
      name: `tier-${tierName}`,
      node: nodes,
      initializer,
      input,
      output: m.outputs.flatMap((o) => o.wire.map(valueInfo)),
    },
  };
  return onnx.ModelProto.encode(model).finish();
}

const notExportable = (message: string, details?: Record<string, unknown>) =>
  new PartitionsError(PartitionsErrorCode.NOT_EXPORTABLE, message, details);
