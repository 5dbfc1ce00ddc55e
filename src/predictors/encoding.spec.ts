import {
  encodeNode,
  FEATURE_COUNT,
  FEATURE_NAMES,
  geometryOf,
  nnMeterFeatures,
  opClassOf,
  withClassOneHot,
} from './encoding';
import { conv3x3, depthwise, gemm, maxPool, node } from '../../test/support/test-nodes';

const at = (x: Float64Array, name: (typeof FEATURE_NAMES)[number]): number => x[FEATURE_NAMES.indexOf(name)];

describe('feature encoding', () => {
  it('classes the operators', () => {
    expect(
      ['Conv', 'Gemm', 'MatMul', 'MaxPool', 'GlobalAveragePool', 'Relu', 'Add', 'BatchNormalization'].map(opClassOf),
    ).toEqual(['conv', 'gemm', 'gemm', 'pool', 'pool', 'elementwise', 'elementwise', 'norm']);
    expect(opClassOf('Reshape')).toBe('other');
    expect(opClassOf('Concat')).toBe('other');
  });

  it('encodes a 3×3 conv with log1p of every size', () => {
    const f = conv3x3();
    const { cls, x } = encodeNode(f);
    expect(cls).toBe('conv');
    expect(x).toHaveLength(FEATURE_COUNT);
    expect(geometryOf(f)).toEqual({ h: 56, w: 56, cin: 64, cout: 128, kernel: 9, stride: 2, groups: 1 });
    expect(at(x, 'log_macs')).toBeCloseTo(Math.log1p(128 * 28 * 28 * 64 * 9), 12);
    expect(at(x, 'log_params')).toBeCloseTo(Math.log1p(128 * 64 * 9), 12);
    expect(at(x, 'log_in_bytes')).toBeCloseTo(Math.log1p(64 * 56 * 56 * 4), 12);
    expect(at(x, 'log_kernel')).toBeCloseTo(Math.log1p(9), 12);
    expect(at(x, 'log_stride')).toBeCloseTo(Math.log1p(2), 12);
    expect(at(x, 'depthwise')).toBe(0);
    expect(at(x, 'log_inputs')).toBeCloseTo(Math.log1p(2), 12);
  });

  it('flags a depthwise conv (groups = Cin) and not a plain one', () => {
    const { x } = encodeNode(depthwise());
    expect(at(x, 'depthwise')).toBe(1);
    expect(at(x, 'log_groups')).toBeCloseTo(Math.log1p(32), 12);
  });

  it('reads a Gemm as rows × K → N', () => {
    const f = gemm();
    expect(geometryOf(f)).toMatchObject({ h: 1, w: 1, cin: 9216, cout: 4096, kernel: 1 });
    const { cls, x } = encodeNode(f);
    expect(cls).toBe('gemm');
    // Intensity: MACs per byte moved, weights counted: a 1-row Gemm is memory-bound (< 1 MAC per byte).
    const intensity = (9216 * 4096) / ((9216 + 4096) * 4 + 4 * 9216 * 4096);
    expect(at(x, 'log_intensity')).toBeCloseTo(Math.log1p(intensity), 12);
  });

  it('reads a pool kernel from kernel_shape, and a global pool as the whole plane', () => {
    expect(encodeNode(maxPool()).cls).toBe('pool');
    expect(geometryOf(maxPool())).toMatchObject({ kernel: 9, stride: 2, cin: 64, cout: 64 });
    expect(geometryOf(node('GlobalAveragePool', [1, 512, 7, 7], [1, 512, 1, 1])).kernel).toBe(49);
  });

  it('is monotone in log space: ten times the MACs adds ln 10 (up to log1p)', () => {
    const a = encodeNode(node('Relu', [1, 10, 10, 10], [1, 10, 10, 10], { macs: 1e6 })).x;
    const b = encodeNode(node('Relu', [1, 10, 10, 10], [1, 10, 10, 10], { macs: 1e7 })).x;
    expect(at(b, 'log_macs') - at(a, 'log_macs')).toBeCloseTo(Math.log(10), 5);
  });

  it('appends the class one-hot for the shared network', () => {
    const v = withClassOneHot(encodeNode(gemm()));
    expect(v).toHaveLength(FEATURE_COUNT + 6);
    expect(Array.from(v.slice(FEATURE_COUNT))).toEqual([0, 1, 0, 0, 0, 0]);
  });

  it("gives the forest nn-Meter's seven features, log-scaled", () => {
    expect(nnMeterFeatures(conv3x3())).toEqual(
      [56, 64, 128, 9, 2, 128 * 28 * 28 * 64 * 9, 128 * 64 * 9].map((v) => Math.log1p(v)),
    );
  });
});
