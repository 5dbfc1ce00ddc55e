import { OnnxDataType } from '../onnx/types';
import { rebuildBytes, rebuildOverLimit } from './rebuild-limits';
import { ModelParts, RebuildError, rebuildModel } from './rebuild-model';

/** A graph-only model whose one weight declares `dims`: nothing was sent, everything would be synthesised. */
function graphOnly(dims: number[], extraNodes = 0): ModelParts {
  return {
    irVersion: 8,
    opsets: [{ domain: '', version: 13 }],
    inputs: [{ name: 'x', elemType: OnnxDataType.FLOAT, shape: [1, dims[0]] }],
    outputs: [{ name: 'y', elemType: OnnxDataType.FLOAT, shape: null }],
    nodes: [
      { name: 'mm', opType: 'MatMul', domain: '', inputs: ['x', 'w'], outputs: ['h0'], attributes: {} },
      ...Array.from({ length: extraNodes }, (_, i) => ({
        name: `r${i}`,
        opType: 'Relu',
        domain: '',
        inputs: [`h${i}`],
        outputs: [`h${i + 1}`],
        attributes: {},
      })),
      {
        name: 'c',
        opType: 'Constant',
        domain: '',
        inputs: [],
        outputs: ['k'],
        attributes: {
          value: {
            kind: 'tensor',
            value: { name: '', dataType: OnnxDataType.DOUBLE, dims: [16], external: false, inlineByteLength: 0 },
          },
        },
      },
    ],
    initializers: [{ name: 'w', dataType: OnnxDataType.FLOAT, dims, values: null }],
  };
}

describe('rebuild limits', () => {
  const limits = { maxSynthBytes: 64 * 2 ** 20, maxNodes: 100 };

  it('counts every tensor a rebuild writes: initializers and tensor attributes', () => {
    expect(rebuildBytes(graphOnly([4, 8]))).toBe(4 * 8 * 4 + 16 * 8);
    expect(rebuildBytes(graphOnly([-1, 8]))).toBe(Infinity);
  });

  it('refuses 1e12 declared parameters at once, naming the cap, before synthesising a byte', () => {
    const started = performance.now();
    const build = () => rebuildModel(graphOnly([1_000_000, 1_000_000]), { limits });
    expect(build).toThrow(RebuildError);
    expect(build).toThrow(
      /3814697.3 MiB to synthesise, more than the 64.0 MiB self-profiling allows \(PROFILE_MAX_SYNTH_BYTES\)/,
    );
    expect(performance.now() - started).toBeLessThan(1000);
    expect(rebuildOverLimit(graphOnly([-3, 2]), limits)).toMatch(/dims that are no shape/);
  });

  it('refuses more nodes than the cap, and rebuilds the same bytes as without limits when within them', () => {
    expect(() => rebuildModel(graphOnly([4, 8], 100), { limits })).toThrow(
      /102 nodes, more than the 100 .*PROFILE_MAX_NODES/,
    );
    const parts = graphOnly([16, 16], 3);
    expect(rebuildModel(parts, { limits })).toEqual(rebuildModel(parts));
  });
});
