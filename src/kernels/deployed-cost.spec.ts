import {
  DeployedSample,
  deployedKernelLatencies,
  fitDeployedModel,
  KernelTerms,
  leaveOneModelOut,
} from './deployed-cost';
import type { NodeFeatures } from '../onnx/types';
import type { KernelGrouping } from './types';

const term = (cls: string, base: number, extra: Partial<KernelTerms> = {}): KernelTerms => ({
  cls,
  base,
  fused: 0,
  reorders: 0,
  reorderMB: 0,
  mmacs: 0,
  mb: 0,
  counts: cls !== 'eliminated',
  ...extra,
});

describe('deployed cost model', () => {
  // Synthetic truth: conv runs at 0.4 of its disabled time, elementwise at 0.9, 20 µs per reorder.
  const truth = (t: KernelTerms[]): number =>
    t.reduce((s, k) => s + (k.cls === 'conv' ? 0.4 : 0.9) * k.base + 20 * k.reorders, 0);
  const samples: DeployedSample[] = Array.from({ length: 12 }, (_, i) => {
    const terms = [
      term('conv', 1000 + 300 * i),
      term('elementwise', 200 + 50 * ((i * 7) % 5)),
      term('eliminated', 0),
      term('conv', 0, { reorders: 1 + (i % 4) }),
    ];
    return { model: `m${i}`, terms, enableAllUs: truth(terms) };
  });

  it('recovers the factors and the reorder cost of noise-free data, and predicts held-out models', () => {
    const model = fitDeployedModel(samples, {
      ridge: 0,
      platform: 'p',
      nchwcBlockSize: 16,
      terms: ['base:', 'reorders'],
    });
    expect(model.classFactors.conv).toBeCloseTo(0.4, 3);
    expect(model.classFactors.elementwise).toBeCloseTo(0.9, 3);
    expect(model.reorderUs).toBeCloseTo(20, 1);
    const folds = leaveOneModelOut(samples, {
      ridge: 0,
      platform: 'p',
      nchwcBlockSize: 16,
      terms: ['base:', 'reorders'],
    });
    for (const f of folds) expect(Math.abs(f.predictedUs / f.enableAllUs - 1)).toBeLessThan(1e-3);
  });

  it('pulls class factors toward the common one as the ridge grows, and keeps every term non-negative', () => {
    const loose = fitDeployedModel(samples, { ridge: 0, platform: 'p', nchwcBlockSize: 16, terms: ['base:'] });
    const tight = fitDeployedModel(samples, { ridge: 1e4, platform: 'p', nchwcBlockSize: 16, terms: ['base:'] });
    const spread = (m: typeof loose) => Math.abs(m.classFactors.conv - m.classFactors.elementwise);
    expect(spread(tight)).toBeLessThan(spread(loose) / 10);
    const all = fitDeployedModel(samples, { ridge: 1, platform: 'p', nchwcBlockSize: 16 });
    for (const v of [all.fusedFactor, all.reorderUs, all.reorderUsPerMB, all.kernelUs, all.usPerMB]) {
      expect(v).toBeGreaterThanOrEqual(0);
    }
  });

  it('gives eliminated kernels 0 µs and puts a compute kernel’s fused nodes on the fused factor', () => {
    const node = (index: number, opType: string): NodeFeatures =>
      ({
        index,
        name: `n${index}`,
        opType,
        attributes: {},
        inputs: [],
        inputShapes: [],
        outputs: [],
        macs: 0,
        params: 0,
        inBytes: 0,
        outBytes: 0,
        isConstant: false,
        macsFallback: false,
      }) as NodeFeatures;
    const nodes = [node(0, 'Conv'), node(1, 'Relu'), node(2, 'Reshape')];
    const grouping: KernelGrouping = {
      kernels: [
        {
          name: 'c',
          kernelClass: 'conv',
          main: 0,
          nodes: [0, 1],
          reorders: 1,
          reorderBytes: 0,
          nchwc: true,
          output: 'r',
        },
        {
          name: 'r',
          kernelClass: 'eliminated',
          main: 2,
          nodes: [2],
          reorders: 0,
          reorderBytes: 0,
          nchwc: false,
          output: 'y',
        },
      ],
      kernelOf: [0, 0, 1],
    };
    const model = fitDeployedModel(samples, {
      ridge: 0,
      platform: 'p',
      nchwcBlockSize: 16,
      terms: ['base:', 'reorders'],
    });
    const us = deployedKernelLatencies(
      { ...model, fusedFactor: 0.5, kernelUs: 1 },
      grouping,
      nodes,
      Float64Array.from([100, 10, 5]),
    );
    expect(us[0]).toBeCloseTo(0.4 * 100 + 0.5 * 10 + 20 + 1, 1);
    expect(us[1]).toBe(0);
  });
});
