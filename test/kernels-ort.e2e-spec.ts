/**
 * The kernel grouping (src/kernels) against ONNX Runtime itself: for each fixture graph ORT saves its optimised
 * graph at level `all` (weights synthesised) and test/support/ort-kernels.ts maps its nodes back to ours.
 * Runtime: ORT sessions with synthesised weights take minutes for all 51 files on a shared 2-core host, so this
 * spec compares a subset covering every rule (CNNs with NCHWc, SE blocks, QuickGelu, token blocks with Gelu,
 * MatMul+Add, Split, FusedMatMul) and bench/deployed compares every file; convexity is checked on every file.
 *
 * Documented exceptions (the full table is in bench/deployed):
 *  - TransposeOptimizer cancels a token block's Transpose pair across two Reshapes and a LayerNormalization
 *    (gen005, gen007, gen009, gen011, gen014, gen016): ORT's LayerNorm node then covers Transpose + Reshape +
 *    Reshape + Transpose, ours keeps them apart (the single Transpose → Reshape push is modelled).
 *  - Conv + HardSwish is sometimes left unfused by ORT (gen006, gen019: a cause not found in the source read).
 *  - Paddle/Caffe2 exports (ch_ppocr, light_inception_v1/v2, light_densenet121, ultraface): constant folding of
 *    their ConstantOfShape weights and Transposes of constants, which the optimised graph no longer names.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { groupKernels } from '../src/kernels';
import { ingestOnnx, IngestedModel } from '../src/onnx/ingest';
import { onnxFiles } from './support/fixtures';
import { compareWithOrt, mapOrtGraph, ortOptimisedGraph } from './support/ort-kernels';

const hostBlock = (): number => (/\bavx512f\b/.test(readFileSync('/proc/cpuinfo', 'utf8')) ? 16 : 8);
const SUBSET = /^(resnet18|mobilenet_v3_small|squeezenet1_1|gen003|gen005|gen018|mnist)\.onnx$/;
/** Files whose agreement is below 90% for the reasons in the header. */
const EXCEPTIONS: Record<string, number> = {
  'gen005.onnx': 0.9,
  'gen006.onnx': 0.8,
  'gen007.onnx': 0.8,
  'gen009.onnx': 0.8,
  'gen011.onnx': 0.85,
  'gen014.onnx': 0.85,
  'gen016.onnx': 0.85,
  'light_inception_v1.onnx': 0.9,
  'light_inception_v2.onnx': 0.8,
  'light_densenet121.onnx': 0.88,
  'ultraface_RFB-320.onnx': 0.85,
};

const load = (file: string): Promise<IngestedModel> => ingestOnnx(createReadStream(file));
const grouping = (m: IngestedModel, block: number) =>
  groupKernels(
    m.features,
    { inputs: m.summary.inputs.map((i) => i.name), outputs: m.summary.outputs.map((o) => o.name) },
    {
      nchwcBlockSize: block,
    },
  );

describe('kernel grouping vs ONNX Runtime', () => {
  const all = onnxFiles('graphs', 'generated', 'models', 'third_party');

  it('every kernel of every fixture is convex and every non-constant node has exactly one kernel', async () => {
    for (const file of all) {
      const m = await load(file);
      const k = grouping(m, 16);
      const position = new Map<number, number>();
      k.kernels.forEach((x, i) => x.nodes.forEach((n) => position.set(n, i)));
      for (const f of m.features) {
        expect([basename(file), f.name, k.kernelOf[f.index] === -1]).toEqual([basename(file), f.name, f.isConstant]);
      }
      // Convex kernels contract to an acyclic graph: every edge goes forward in kernel order.
      for (const f of m.features) {
        if (f.isConstant) continue;
        for (const t of f.inputs) {
          const p = m.features.find((g) => g.outputs.some((o) => o.name === t));
          if (!p || p.isConstant) continue;
          expect(position.get(p.index)! <= position.get(f.index)!).toBe(true);
        }
      }
    }
  });

  it('agrees with ORT’s optimised graph on at least 93% of nodes (the documented exceptions aside)', async () => {
    const block = hostBlock();
    let agree = 0;
    let total = 0;
    const rows: string[] = [];
    // mobilenet_v3_small and squeezenet1_1 ship twice (graph-only and with weights): compare each once.
    const subset = all.filter(
      (f, i) => SUBSET.test(basename(f)) && all.findIndex((g) => basename(g) === basename(f)) === i,
    );
    for (const file of subset) {
      const m = await load(file);
      const cmp = compareWithOrt(m, grouping(m, block), mapOrtGraph(m, await ortOptimisedGraph(m)));
      agree += cmp.agree;
      total += cmp.total;
      const share = cmp.agree / cmp.total;
      rows.push(`${basename(file)} ${cmp.agree}/${cmp.total}`);
      expect([basename(file), share >= (EXCEPTIONS[basename(file)] ?? 0.9)]).toEqual([basename(file), true]);
    }
    process.stdout.write(`kernel agreement: ${agree}/${total}\n${rows.join('\n')}\n`);
    expect(agree / total).toBeGreaterThanOrEqual(0.93);
  }, 300000); // about 40 s alone; a shared 2-core host has taken 130 s
});
