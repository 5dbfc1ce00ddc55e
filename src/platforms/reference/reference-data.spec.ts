import { hardSwishExpansion } from './ort-expansion';
import {
  comparableWholeModelMs,
  loadReferenceGraph,
  loadReferenceMeasurements,
  parseCsv,
  readCsv,
  referenceGraphs,
  REFERENCE_MODELS,
} from './reference-data';

describe('reference data loader', () => {
  it('lists the 8 models, 31 generated graphs and 12 sweep batches', () => {
    const graphs = referenceGraphs();
    expect(graphs.filter((g) => g.set === 'model').map((g) => g.model)).toEqual([...REFERENCE_MODELS]);
    expect(graphs.filter((g) => g.set === 'generated')).toHaveLength(31);
    expect(graphs.filter((g) => g.set === 'sweep')).toHaveLength(12);
  });

  it('parses plain CSV and rejects a row with the wrong field count', () => {
    expect(parseCsv('a,b\n1,2\n')).toEqual([{ a: '1', b: '2' }]);
    expect(() => parseCsv('a,b\n1,2,3\n', 'x.csv')).toThrow('x.csv:2: 3 fields, expected 2');
  });

  it.each(['cpu1', 'cpu16'] as const)('maps every %s row onto an ONNX node (0 unmapped)', async (platform) => {
    const m = await loadReferenceMeasurements(platform);
    expect(m.unmapped).toEqual([]);
    const names = new Map<string, Set<string>>();
    for (const g of m.graphs) names.set(g.model, new Set((await loadReferenceGraph(g)).features.map((f) => f.name)));
    expect(m.nodes.every((n) => names.get(n.model)?.has(n.node))).toBe(true);
    for (const model of REFERENCE_MODELS) expect(comparableWholeModelMs(m, model)).toBeGreaterThan(0);
  });

  it("sums each inlined HardSwish's HardSigmoid + Mul pair onto the HardSwish node", async () => {
    const graph = referenceGraphs().find((g) => g.model === 'mobilenet_v3_small')!;
    const model = await loadReferenceGraph(graph);
    const rows = readCsv('model-nodes.csv').filter((r) => r.platform === 'cpu1' && r.model === graph.model);
    const expansion = hardSwishExpansion(rows, model);
    const hardSwishes = model.features.filter((f) => f.opType === 'HardSwish').map((f) => f.name);
    expect(hardSwishes.length).toBeGreaterThan(0);
    // Two profile rows (HardSigmoid_k, Mul_k+1) per HardSwish, all on HardSwish nodes, each node exactly twice.
    expect(expansion.size).toBe(2 * hardSwishes.length);
    const targets = [...expansion.values()];
    for (const h of hardSwishes) expect(targets.filter((t) => t === h)).toHaveLength(2);
    for (const [from] of expansion) expect(from).toMatch(/^(HardSigmoid|Mul)_\d+$/);
    // The node's measurement is the pair's sum.
    const m = await loadReferenceMeasurements('cpu1');
    const first = hardSwishes[0];
    const pair = rows.filter((r) => expansion.get(r.node) === first).reduce((s, r) => s + Number(r.median_us), 0);
    expect(m.nodes.find((n) => n.model === graph.model && n.node === first)?.medianUs).toBeCloseTo(pair, 9);
  });
});
