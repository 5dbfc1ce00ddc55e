/**
 * Hand-built NodeFeatures for the predictor specs: the shapes and counts a real export would give, written out so
 * a spec states exactly which numbers it expects the encoding to see.
 */
import { AttributeValue, NodeFeatures } from '../../src/onnx/types';

let counter = 0;

export function node(
  opType: string,
  input: number[],
  output: number[],
  extra: Partial<NodeFeatures> & { weight?: number[]; attrs?: Record<string, AttributeValue> } = {},
): NodeFeatures {
  const { weight, attrs, ...rest } = extra;
  const elems = (s: number[]): number => s.reduce((p, d) => p * d, 1);
  const inputShapes = weight ? [input, weight] : [input];
  return {
    index: counter++,
    name: rest.name ?? `/n${counter}/${opType}`,
    opType,
    attributes: attrs ?? {},
    inputs: inputShapes.map((_, i) => `t${counter}_${i}`),
    inputShapes,
    outputs: [{ name: `y${counter}`, shape: output, bytes: elems(output) * 4 }],
    macs: 0,
    params: weight ? elems(weight) : 0,
    inBytes: elems(input) * 4,
    outBytes: elems(output) * 4,
    isConstant: false,
    macsFallback: false,
    ...rest,
  };
}

const ints = (value: number[]): AttributeValue => ({ kind: 'ints', value });
const int = (value: number): AttributeValue => ({ kind: 'int', value });

/** 3×3 conv 64→128, stride 2, 56×56 → 28×28. */
export const conv3x3 = (): NodeFeatures =>
  node('Conv', [1, 64, 56, 56], [1, 128, 28, 28], {
    weight: [128, 64, 3, 3],
    attrs: { kernel_shape: ints([3, 3]), strides: ints([2, 2]), group: int(1) },
    macs: 128 * 28 * 28 * 64 * 9,
  });

/** Depthwise 3×3 conv over 32 channels, 112×112. */
export const depthwise = (): NodeFeatures =>
  node('Conv', [1, 32, 112, 112], [1, 32, 112, 112], {
    weight: [32, 1, 3, 3],
    attrs: { kernel_shape: ints([3, 3]), strides: ints([1, 1]), group: int(32) },
    macs: 32 * 112 * 112 * 9,
  });

/** Gemm 1×9216 → 4096 (AlexNet's first classifier layer). */
export const gemm = (): NodeFeatures => node('Gemm', [1, 9216], [1, 4096], { weight: [4096, 9216], macs: 9216 * 4096 });

/** 3×3 max pool, stride 2, 64 channels 112×112 → 56×56. */
export const maxPool = (): NodeFeatures =>
  node('MaxPool', [1, 64, 112, 112], [1, 64, 56, 56], {
    attrs: { kernel_shape: ints([3, 3]), strides: ints([2, 2]) },
    macs: 64 * 56 * 56 * 9,
  });
