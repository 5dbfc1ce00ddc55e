import type { NodeFeatures, ValueInfo } from '../onnx/types';
import type { ModelNodeEntity } from './entities/model-node.entity';
import type { ModelEntity, StoredValueInfo } from './entities/model.entity';
import type { LayerDto, ModelDto } from './models.dto';

export const toStoredValueInfo = (v: ValueInfo): StoredValueInfo => ({
  name: v.name,
  elemType: v.elemType,
  shape: v.shape ?? null,
});

export function toModelDto(m: ModelEntity): ModelDto {
  return {
    id: m.id,
    name: m.name,
    nodeCount: m.nodeCount,
    inputs: m.inputs,
    outputs: m.outputs,
    totalMacs: m.totalMacs,
    params: m.params,
    weightsIncluded: m.weightsIncluded,
    isChain: m.isChain,
    unsupportedOps: m.unsupportedOps,
    unresolvedTensors: m.unresolvedTensors,
    opset: m.opset,
    producer: m.producer,
    fileBytes: m.fileBytes,
    fileName: m.fileName,
    fingerprint: m.fingerprint,
    createdAt: m.createdAt,
  };
}

export function toLayerDto(n: ModelNodeEntity): LayerDto {
  return {
    index: n.idx,
    name: n.name,
    opType: n.opType,
    inputs: n.inputs,
    inputShapes: n.inputShapes,
    outputs: n.outputs,
    macs: n.macs,
    params: n.params,
    inBytes: n.inBytes,
    outBytes: n.outBytes,
    isConstant: n.isConstant,
    attributes: n.attributes,
  };
}

export function toNodeFeatures(n: ModelNodeEntity): NodeFeatures {
  return {
    index: n.idx,
    name: n.name,
    opType: n.opType,
    attributes: n.attributes,
    inputs: n.inputs,
    inputShapes: n.inputShapes,
    outputs: n.outputs,
    macs: n.macs,
    params: n.params,
    inBytes: n.inBytes,
    outBytes: n.outBytes,
    isConstant: n.isConstant,
    macsFallback: n.macsFallback,
  };
}
