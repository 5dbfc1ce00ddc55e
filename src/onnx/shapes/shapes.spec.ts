import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeWholeFile } from '../../../test/support/decode-whole';
import { buildGraph } from '../graph';
import { Dim, OnnxDataType, RawModel, ValueInfo } from '../types';
import { inferShapes } from './index';
import { fixtureFile, fixturePath } from '../../../test/support/fixtures';

const DIRS = ['graphs', 'generated', 'models', 'third_party'];
const FILES = DIRS.flatMap((d) =>
  existsSync(fixturePath(d))
    ? readdirSync(fixturePath(d))
        .filter((f) => f.endsWith('.onnx'))
        .map((f) => join(d, f))
    : [],
);

const show = (dims: Dim[] | undefined): string =>
  dims ? `[${dims.map((d) => (d === null ? '?' : d)).join(',')}]` : 'none';

/**
 * Exact comparison, with one allowance: a symbolic dim that no graph input carries was invented by the exporter
 * or by ONNX's shape inference for a size it could not compute (`unk__3` in generated/*, which is what depends
 * on run-time Shape ops; Paddle's `p2o.DynamicDimension.3`). We must resolve it (a number, or a symbol of the
 * inputs), never leave it unknown, and consistently: the same invented name always maps to the same dim.
 */
function dimsMatch(ours: Dim[], recorded: Dim[], inputSymbols: Set<string>, bound: Map<string, Dim>): boolean {
  return (
    ours.length === recorded.length &&
    recorded.every((r, i) => {
      if (typeof r !== 'string' || inputSymbols.has(r)) return ours[i] === r;
      if (ours[i] === null) return false;
      if (!bound.has(r)) bound.set(r, ours[i]);
      return bound.get(r) === ours[i];
    })
  );
}

describe('inferShapes on every shared ONNX file (value_info stripped, useValueInfo = false)', () => {
  let checkedTensors = 0;
  let checkedFiles = 0;
  let resolvedSymbols = 0;
  afterAll(() => {
    // Visible in the test log: how much the key test covered.
    process.stdout.write(
      `shape inference: ${checkedFiles} files, ${checkedTensors} recorded shapes reproduced, ` +
        `${resolvedSymbols} symbolic dims the files left open resolved\n`,
    );
  });

  it('finds the shared files', () => expect(FILES.length).toBeGreaterThanOrEqual(60));

  it.each(FILES)('%s', (file) => {
    const raw = decodeWholeFile(fixtureFile(file));
    const recorded: ValueInfo[] = [...raw.valueInfo, ...raw.outputs].filter((v) => v.shape);
    const stripped: RawModel = {
      ...raw,
      valueInfo: [],
      outputs: raw.outputs.map((o) => ({ name: o.name, elemType: OnnxDataType.UNDEFINED })),
    };
    const graph = buildGraph(stripped);
    const result = inferShapes(graph, { useValueInfo: false });
    const inputSymbols = new Set(
      graph.inputs.flatMap((i) => (i.shape ?? []).filter((d): d is string => typeof d === 'string')),
    );

    const mismatches: string[] = [];
    const bound = new Map<string, Dim>();
    for (const v of recorded) {
      const ours = result.shapes.get(v.name);
      if (!ours || ours.elemType !== v.elemType || !dimsMatch(ours.dims, v.shape as Dim[], inputSymbols, bound)) {
        mismatches.push(
          `${v.name}: recorded ${v.elemType}${show(v.shape)}, inferred ${ours ? `${ours.elemType}${show(ours.dims)}` : 'nothing'}`,
        );
      }
    }
    expect(result.unsupportedOps).toEqual([]);
    expect(mismatches).toEqual([]);
    // Every node output of these files gets a shape, including those value_info leaves out (run-time Shape ops).
    const missing = graph.nodes.flatMap((n) => n.outputs.filter((o) => o !== '' && !result.shapes.has(o)));
    expect(missing).toEqual([]);
    checkedTensors += recorded.length;
    resolvedSymbols += bound.size;
    checkedFiles++;
  });
});

describe('inferShapes with useValueInfo (the product default)', () => {
  it.each(FILES.filter((f) => f.startsWith('generated/')).slice(0, 3))(
    '%s agrees with every numeric dim on file',
    (file) => {
      const raw = decodeWholeFile(fixtureFile(file));
      const result = inferShapes(buildGraph(raw));
      for (const v of raw.valueInfo) {
        const ours = result.shapes.get(v.name)?.dims ?? [];
        (v.shape ?? []).forEach((d, i) => typeof d === 'number' && expect([v.name, ours[i]]).toEqual([v.name, d]));
      }
    },
  );
});
