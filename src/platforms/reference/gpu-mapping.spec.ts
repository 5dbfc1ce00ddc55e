import { node } from '../../../test/support/test-nodes';
import { mapGpuModuleRows, modulePathOf } from './gpu-mapping';
import type { CsvRow } from './types';
import { loadReferenceMeasurements } from './reference-data';

const row = (path: string, opType: string, medianUs: number): CsvRow => ({
  node: path,
  op_type: opType,
  median_us: String(medianUs),
  p10_us: String(medianUs),
  p90_us: String(medianUs),
  runs: '20',
});

describe('GPU module rows → ONNX nodes', () => {
  it('rebuilds module paths from name scopes (Sequential prefixes replace, others append)', () => {
    expect(modulePathOf('/features/features.0/Conv')).toBe('features.0');
    expect(modulePathOf('/layer1/layer1.0/conv1/Conv')).toBe('layer1.0.conv1');
    expect(modulePathOf('/features/features.1/conv/conv.0/conv.0.0/Conv')).toBe('features.1.conv.0.0');
    expect(modulePathOf('/layer1/layer1.0/relu_1/Relu')).toBe('layer1.0.relu_1');
    expect(modulePathOf('Identity_3')).toBeUndefined();
    expect(modulePathOf('/Flatten')).toBeUndefined();
  });

  it('maps direct, repeated, split and folded-BatchNorm rows, and reports Dropout as unmapped', () => {
    const conv = node('Conv', [1, 3, 8, 8], [1, 8, 8, 8], { name: '/features/features.0/Conv', macs: 1000 });
    const relu1 = node('Relu', [1, 8], [1, 8], { name: '/layer1/layer1.0/relu/Relu' });
    const relu2 = node('Relu', [1, 8], [1, 8], { name: '/layer1/layer1.0/relu_1/Relu' });
    const mm = node('MatMul', [1, 64], [1, 64], { name: '/fc/MatMul', macs: 4096 });
    const add = node('Add', [1, 64], [1, 64], { name: '/fc/Add', macs: 64 });
    const result = mapGpuModuleRows(
      'toy',
      [
        row('features.0', 'Conv2d', 10),
        row('features.1', 'BatchNorm2d', 3),
        row('layer1.0.relu', 'ReLU', 2),
        row('fc', 'Linear', 8),
        row('classifier.0', 'Dropout', 1),
      ],
      [conv, relu1, relu2, mm, add],
    );
    const us = Object.fromEntries(result.nodes.map((n) => [n.node, n.medianUs]));
    // The BatchNorm's eager kernel time lands on the Conv it was folded into.
    expect(us['/features/features.0/Conv']).toBe(13);
    // A module called twice: the per-call median goes to both nodes (the `_1` suffix is dropped to find it).
    expect(us['/layer1/layer1.0/relu/Relu']).toBe(2);
    expect(us['/layer1/layer1.0/relu_1/Relu']).toBe(2);
    // Linear → MatMul + Add: split by max(MACs, elements moved), the total kept.
    expect(us['/fc/MatMul'] + us['/fc/Add']).toBeCloseTo(8, 12);
    expect(us['/fc/MatMul']).toBeGreaterThan(us['/fc/Add']);
    expect(result.counts).toEqual({ direct: 1, repeated: 1, split: 1, foldedBatchNorm: 1, unmapped: 1 });
    expect(result.unmapped).toEqual([expect.objectContaining({ node: 'classifier.0', opType: 'Dropout' })]);
  });

  it('on the reference data, leaves exactly the 9 Dropout rows unmapped', async () => {
    const m = await loadReferenceMeasurements('gpu');
    expect(m.unmapped).toHaveLength(9);
    expect(new Set(m.unmapped.map((u) => u.opType))).toEqual(new Set(['Dropout']));
    expect(m.nodes.length).toBeGreaterThan(1000);
    expect(m.nodes.every((n) => n.medianUs > 0)).toBe(true);
  });
});
