import { decodeWholeFile } from '../../test/support/decode-whole';
import { computeFeatures, elementCount, macsOf, tensorBytes } from './features';
import { buildGraph } from './graph';
import { inferShapes } from './shapes';
import { NodeFeatures, OnnxDataType, RawModel } from './types';
import { fixtureFile } from '../../test/support/fixtures';

const load = (file: string): NodeFeatures[] => {
  const graph = buildGraph(decodeWholeFile(fixtureFile(file)));
  return computeFeatures(graph, inferShapes(graph, { useValueInfo: false }));
};
const byName = (features: NodeFeatures[], name: string): NodeFeatures => {
  const f = features.find((x) => x.name === name);
  if (!f) throw new Error(`no node ${name}`);
  return f;
};
const total = (features: NodeFeatures[], key: 'params' | 'macs'): number => features.reduce((s, f) => s + f[key], 0);

describe('computeFeatures on real models', () => {
  const resnet18 = load('graphs/resnet18.onnx');

  it('keeps topological order and unique names', () => {
    expect(resnet18.map((f) => f.index)).toEqual(resnet18.map((_, i) => i));
    expect(new Set(resnet18.map((f) => f.name)).size).toBe(resnet18.length);
  });

  it('counts resnet18 conv1 MACs: 1·64·112·112·3·7·7', () => {
    const conv1 = byName(resnet18, '/conv1/Conv');
    expect(conv1.macs).toBe(118013952);
    expect(conv1.params).toBe(64 * 3 * 7 * 7 + 64); // weight + bias (BatchNorm folded into the conv)
    expect(conv1.inBytes).toBe(1 * 3 * 224 * 224 * 4);
    expect(conv1.outBytes).toBe(64 * 112 * 112 * 4);
    expect(conv1.outputs[0]).toEqual({
      name: '/conv1/Conv_output_0',
      elemType: OnnxDataType.FLOAT,
      shape: [1, 64, 112, 112],
      bytes: 64 * 112 * 112 * 4,
    });
  });

  it('counts a Gemm as M·K·N and pooling by window', () => {
    const fc = byName(resnet18, '/fc/Gemm');
    expect(fc.macs).toBe(1 * 512 * 1000);
    expect(fc.params).toBe(512 * 1000 + 1000);
    expect(byName(resnet18, '/maxpool/MaxPool').macs).toBe(64 * 56 * 56 * 9);
    expect(byName(resnet18, '/avgpool/GlobalAveragePool').macs).toBe(512 * 7 * 7);
    expect(byName(resnet18, '/Flatten').macs).toBe(0);
    expect(byName(resnet18, '/relu/Relu').macs).toBe(64 * 112 * 112);
  });

  it('counts depthwise convs with Cin/group', () => {
    const mobilenet = load('graphs/mobilenet_v2.onnx');
    expect(byName(mobilenet, '/features/features.1/conv/conv.0/conv.0.0/Conv').macs).toBe(32 * 112 * 112 * 9);
    expect(byName(mobilenet, '/features/features.2/conv/conv.1/conv.1.0/Conv').macs).toBe(96 * 56 * 56 * 9);
  });

  it('matches torchvision parameter counts (BatchNorm folded into Conv in these exports)', () => {
    expect(total(load('graphs/vgg16.onnx'), 'params')).toBe(138357544); // no BatchNorm: exactly torchvision's
    // torchvision's 11,689,512 counts BN weight+bias (2·C per BN); folding leaves one bias per conv (C):
    // 4,800 = Σ C over resnet18's 20 BatchNorms.
    expect(total(resnet18, 'params')).toBe(11689512 - 4800);
    expect(total(resnet18, 'macs')).toBeGreaterThan(1.8e9);
    expect(total(resnet18, 'macs')).toBeLessThan(1.85e9);
  });

  it('treats ConstantOfShape weights of light_* files as constant, 0 bytes, counted as params of their consumer', () => {
    const features = load('third_party/light_resnet50.onnx');
    const weights = features.filter((f) => f.opType === 'ConstantOfShape');
    expect(weights.length).toBeGreaterThan(100);
    for (const w of weights) expect(w).toMatchObject({ isConstant: true, macs: 0, params: 0, inBytes: 0, outBytes: 0 });
    const conv = features.find((f) => f.opType === 'Conv' && f.inputs[0] === 'gpu_0/data_0') as NodeFeatures;
    expect(conv).toMatchObject({ isConstant: false, params: 64 * 3 * 7 * 7, macs: 118013952 });
    // Caffe2 BatchNorm keeps scale, bias, mean and variance as 4 inputs: 2·C more per BN than torchvision's count.
    expect(total(features, 'params')).toBe(25557032 + 53120);
  });

  it('marks Identity of a weight as constant and counts the weight once, on its consumer', () => {
    const features = load('generated/gen002.onnx');
    const identities = features.filter((f) => f.opType === 'Identity');
    expect(identities.length).toBeGreaterThan(0);
    expect(identities.every((f) => f.isConstant && f.params === 0)).toBe(true);
    expect(features.filter((f) => f.opType === 'Shape').every((f) => !f.isConstant)).toBe(true);
  });
});

describe('feature rules on plain inputs', () => {
  const raw = (nodes: RawModel['nodes']): RawModel => ({
    irVersion: 8,
    opsets: [{ domain: '', version: 17 }],
    producerName: 't',
    graphName: 'g',
    nodes,
    initializers: [{ name: 'w', dataType: OnnxDataType.FLOAT, dims: [3, 4], external: true, inlineByteLength: 0 }],
    inputs: [{ name: 'x', elemType: OnnxDataType.FLOAT, shape: [2, 5, 3] }],
    outputs: [],
    valueInfo: [],
    bytesRead: 0,
  });
  const node = (name: string, opType: string, inputs: string[], outputs: string[], domain = '') => ({
    name,
    opType,
    domain,
    inputs,
    outputs,
    attributes: {},
  });

  it('falls back to output elements for an unknown op, and uses value_info for its shape', () => {
    const model = raw([node('m', 'MatMul', ['x', 'w'], ['y']), node('f', 'FancyOp', ['y'], ['z'], 'com.example')]);
    const graph = buildGraph({ ...model, valueInfo: [{ name: 'z', elemType: OnnxDataType.FLOAT, shape: [2, 5, 4] }] });
    const shapes = inferShapes(graph);
    expect(shapes.unsupportedOps).toEqual(['com.example::FancyOp']);
    const [matmul, fancy] = computeFeatures(graph, shapes);
    expect(matmul).toMatchObject({ macs: 2 * 5 * 3 * 4, params: 12, macsFallback: false, inBytes: 2 * 5 * 3 * 4 });
    expect(fancy).toMatchObject({ macs: 2 * 5 * 4, macsFallback: true, outBytes: 40 * 4 });
  });

  it('gives an unknown op without shape 0 MACs and null bytes', () => {
    const graph = buildGraph(raw([node('f', 'FancyOp', ['x'], ['z'])]));
    const [fancy] = computeFeatures(graph, inferShapes(graph, { useValueInfo: false }));
    expect(fancy).toMatchObject({ macs: 0, macsFallback: true, outBytes: 0 });
    expect(fancy.outputs[0]).toEqual({ name: 'z', elemType: OnnxDataType.UNDEFINED, shape: null, bytes: null });
  });

  it("uses each type's element size for bytes", () => {
    expect(tensorBytes({ elemType: OnnxDataType.INT64, dims: [4] })).toBe(32);
    expect(tensorBytes({ elemType: OnnxDataType.FLOAT16, dims: [2, 3] })).toBe(12);
    expect(tensorBytes({ elemType: OnnxDataType.FLOAT, dims: ['N', 3] })).toBeNull();
    expect(elementCount([2, 3, 4])).toBe(24);
  });

  it('computes ConvTranspose MACs from the input side', () => {
    const r = macsOf({
      opType: 'ConvTranspose',
      attributes: { kernel_shape: { kind: 'ints', value: [2, 2] } },
      inputs: [
        [1, 8, 4, 4],
        [8, 16, 2, 2],
      ],
      outputs: [[1, 16, 8, 8]],
    });
    expect(r).toEqual({ macs: 8 * 16 * 16 * 4, fallback: false });
  });
});
