import { seededRandom } from '../common/seeded-random';
import { bandwidthRegions } from './bandwidth-regions';
import { baselines } from './baselines';
import { asChain } from './chain-solver';
import { evaluatePrepared, PlanningError, prepare } from './cost-model';
import { contractKernels } from './kernel-contraction';
import { expandAssignment, prepareKernelProblem, solveKernelProblem } from './kernel-plan';
import { exhaustive, randomChain, randomDag, randomKernels, randomNetwork } from '../../test/support/random-graphs';
import { solvePrepared } from './solve';
import { PlanGraph, PlanOptions, Solution } from './types';

const MAX_NODES = [0, 12, 12, 10, 8];

function expectSameCost(actual: Solution | null, expected: Solution | null, what: string): void {
  if (expected === null) return expect(actual).toBeNull();
  expect(actual).not.toBeNull();
  const [a, e] = [actual!.cost.totalMs, expected.cost.totalMs];
  if (Math.abs(a - e) > 1e-9 * Math.max(1, Math.abs(e))) throw new Error(`${what}: ${a} != exhaustive ${e}`);
}

function expectKernelsWhole(assignment: number[], kernelOf: readonly number[], what: string): void {
  const tierOf = new Map<number, number>();
  kernelOf.forEach((k, v) => {
    if (k < 0) return;
    if (!tierOf.has(k)) tierOf.set(k, assignment[v]);
    if (tierOf.get(k) !== assignment[v]) throw new Error(`${what}: kernel ${k} split across tiers`);
  });
}

function randomOptions(r: () => number, graph: PlanGraph): PlanOptions {
  const options: PlanOptions = { transferDtype: (['float32', 'float16', 'int8'] as const)[Math.floor(r() * 3)] };
  if (r() < 0.3) options.inputBytes = Math.floor(r() * 100000);
  if (r() < 0.25) options.pinToEnd = [Math.floor(r() * graph.nodes.length)];
  return options;
}

function randomCase(seed: number, chain: boolean) {
  const r = seededRandom(seed);
  const tiers = 1 + Math.floor(r() * 4);
  const n = 1 + Math.floor(r() * MAX_NODES[tiers]);
  const graph = chain ? randomChain(r, n, tiers) : randomDag(r, n, tiers);
  const kernelOf = randomKernels(r, graph, Math.floor(r() * n));
  const options = randomOptions(r, graph);
  const problem = prepareKernelProblem(graph, kernelOf, options);
  const network = randomNetwork(r, tiers);
  return { r, graph, kernelOf, problem, network, label: `seed ${seed}, ${tiers} tiers, ${n} nodes` };
}

describe('planning on kernels', () => {
  it('matches exhaustive search over kernel-respecting plans on 600 random DAGs with random convex groupings', () => {
    let merged = 0;
    let dagBecameChain = 0;
    for (let seed = 1; seed <= 600; seed++) {
      const { kernelOf, problem, network, label } = randomCase(seed, false);
      if (problem.kernels.n < problem.nodes.n - problem.nodes.constant.reduce((a, b) => a + b, 0)) merged++;
      if (asChain(problem.kernels) && !asChain(problem.nodes)) dagBecameChain++;
      const solution = solveKernelProblem(problem, network);
      expectSameCost(solution, exhaustive(problem.nodes, network, undefined, kernelOf), label);
      if (solution) expectKernelsWhole(solution.assignment, kernelOf, label);
    }
    // The generator must really fuse nodes, and sometimes turn a DAG into a chain (the chain solver's case).
    expect(merged).toBeGreaterThan(300);
    expect(dagBecameChain).toBeGreaterThan(10);
  });

  it('matches exhaustive search on random chains grouped into kernels', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const { kernelOf, problem, network, label } = randomCase(seed, true);
      expect(asChain(problem.kernels)).not.toBeNull();
      expectSameCost(
        solveKernelProblem(problem, network),
        exhaustive(problem.nodes, network, undefined, kernelOf),
        label,
      );
    }
  });

  it('matches exhaustive search restricted to a random subset of tiers, and so do the baselines', () => {
    for (let seed = 1001; seed <= 1300; seed++) {
      const { r, kernelOf, problem, network, label } = randomCase(seed, seed % 2 === 0);
      const allowed = Array.from({ length: network.tiers }, () => r() < 0.6);
      const expected = exhaustive(problem.nodes, network, allowed, kernelOf);
      expectSameCost(solveKernelProblem(problem, network, allowed), expected, `${label} ${allowed}`);
    }
    for (let seed = 1; seed <= 80; seed++) {
      const r = seededRandom(seed);
      const graph = randomDag(r, 1 + Math.floor(r() * 9), 3);
      const kernelOf = randomKernels(r, graph, 6);
      const problem = prepareKernelProblem(graph, kernelOf, seed % 4 === 0 ? { pinToEnd: [0] } : {});
      const network = randomNetwork(r, 3);
      for (const b of baselines(problem.kernels, network, ['end', 'edge', 'cloud'])) {
        const allowed = [0, 1, 2].map((j) => b.tiers.includes(j));
        expectSameCost(b.solution, exhaustive(problem.nodes, network, allowed, kernelOf), `seed ${seed} ${b.name}`);
      }
    }
  });

  it('prices every vertex assignment as its expansion on the node graph', () => {
    for (let seed = 2001; seed <= 2300; seed++) {
      const { r, problem, network, label } = randomCase(seed, false);
      if (problem.kernels.pinned.some((p) => p === 1)) continue; // a random plan would have to respect the pin
      // A random monotone vertex assignment: each vertex at or above its producers' tiers.
      const tiers = new Array<number>(problem.kernels.n).fill(0);
      const low = new Array<number>(problem.kernels.n).fill(0);
      for (let v = 0; v < problem.kernels.n; v++) {
        tiers[v] = problem.kernels.pinned[v] ? 0 : low[v] + Math.floor(r() * (network.tiers - low[v]));
        for (const t of problem.kernels.tensors.filter((x) => x.producer === v))
          t.consumers.forEach((c) => (low[c] = Math.max(low[c], tiers[v])));
      }
      const contracted = evaluatePrepared(problem.kernels, network, tiers);
      const expanded = evaluatePrepared(problem.nodes, network, expandAssignment(problem, tiers));
      const error = Math.abs(contracted.totalMs - expanded.totalMs);
      if (error > 1e-9 * Math.max(1, expanded.totalMs))
        throw new Error(`${label}: ${contracted.totalMs} != ${expanded.totalMs}`);
      expect(contracted.transfers.map((x) => x.tensors.sort())).toEqual(
        expanded.transfers.map((x) => x.tensors.sort()),
      );
    }
  });

  it('plans per node when every node is its own kernel, exactly as the node solver', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const r = seededRandom(seed);
      const tiers = 1 + Math.floor(r() * 3);
      const graph = randomDag(r, 1 + Math.floor(r() * 30), tiers);
      const problem = prepareKernelProblem(graph, null, {});
      const network = randomNetwork(r, tiers);
      expect(problem.kernels.n).toBe(graph.nodes.filter((x) => !x.isConstant).length);
      expectSameCost(solveKernelProblem(problem, network), solvePrepared(prepare(graph), network), `seed ${seed}`);
    }
  });

  it('keeps kernels whole in every bandwidth region', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const r = seededRandom(seed);
      const graph = randomDag(r, 12, 3);
      const kernelOf = randomKernels(r, graph, 8);
      const problem = prepareKernelProblem(graph, kernelOf);
      const network = randomNetwork(r, 3);
      for (const region of bandwidthRegions(problem.kernels, network, 1, 0.1, 1000)) {
        const assignment = expandAssignment(problem, region.assignment);
        expectKernelsWhole(assignment, kernelOf, `seed ${seed}`);
        const links = network.links.map((l, i) => (i === 0 ? { ...l, uplinkMbps: region.fromMbps } : l));
        const cost = evaluatePrepared(problem.nodes, { tiers: 3, links }, assignment);
        expect(cost.totalMs).toBeCloseTo(region.totalMsFrom, 6);
      }
    }
  });
});

describe('kernel contraction', () => {
  const node = (name: string, latency = 10) => ({ name, latencyUs: [latency, latency / 10], isConstant: false });
  // x → a → b → c → d, plus a → d; w (constant) → b.
  const graph = (): PlanGraph => ({
    nodes: [node('a'), { name: 'w', latencyUs: [0, 0], isConstant: true }, node('b', 20), node('c'), node('d')],
    tensors: [
      { name: 'x', producer: -1, consumers: [0], elements: 100, isModelOutput: false },
      { name: 'x2', producer: -1, consumers: [], elements: 300, isModelOutput: false },
      { name: 'ta', producer: 0, consumers: [2, 4], elements: 10, isModelOutput: false },
      { name: 'tw', producer: 1, consumers: [2], elements: 1000, isModelOutput: false },
      { name: 'tb', producer: 2, consumers: [3], elements: 20, isModelOutput: true },
      { name: 'tc', producer: 3, consumers: [4], elements: 30, isModelOutput: false },
      { name: 'td', producer: 4, consumers: [], elements: 40, isModelOutput: true },
    ],
  });

  it('sums latencies, drops tensors inside a kernel, keeps boundary tensors, outputs and every model input', () => {
    const { graph: g, members, vertexOf } = contractKernels(graph(), [0, -1, 0, 1, 1]);
    expect(members).toEqual([
      [0, 2],
      [3, 4],
    ]);
    expect(Array.from(vertexOf)).toEqual([0, -1, 0, 1, 1]);
    expect(g.nodes.map((v) => v.latencyUs)).toEqual([
      [30, 3],
      [20, 2],
    ]);
    const byName = Object.fromEntries(g.tensors.map((t) => [t.name, t]));
    expect(Object.keys(byName).sort()).toEqual(['ta', 'tb', 'tc', 'td', 'x', 'x2']);
    expect(byName.ta.consumers).toEqual([1]); // a → b is internal, a → d crosses
    expect(byName.tb).toMatchObject({ producer: 0, consumers: [1], isModelOutput: true });
    expect(byName.tc.consumers).toEqual([]); // c → d is internal
  });

  it('orders kernels topologically even when a kernel starts before its predecessor', () => {
    // {a, d} and {b}: b feeds d, so {b} must come first although a is the lowest node.
    const g: PlanGraph = {
      nodes: [node('a'), node('b'), node('d')],
      tensors: [
        { name: 'x', producer: -1, consumers: [0, 1], elements: 1, isModelOutput: false },
        { name: 'ta', producer: 0, consumers: [2], elements: 1, isModelOutput: false },
        { name: 'tb', producer: 1, consumers: [2], elements: 1, isModelOutput: false },
        { name: 'td', producer: 2, consumers: [], elements: 1, isModelOutput: true },
      ],
    };
    const { graph: contracted, members } = contractKernels(g, [0, 1, 0]);
    expect(members).toEqual([[1], [0, 2]]);
    expect(() => prepare(contracted)).not.toThrow();
  });

  it('rejects kernels that depend on each other in a cycle, naming them', () => {
    // {a, d} and {b, c}: a → b and c → d, so each kernel needs the other first.
    const g: PlanGraph = {
      nodes: [node('a'), node('b'), node('c'), node('d')],
      tensors: [
        { name: 'x', producer: -1, consumers: [0, 2], elements: 1, isModelOutput: false },
        { name: 'ta', producer: 0, consumers: [1], elements: 1, isModelOutput: false },
        { name: 'tc', producer: 2, consumers: [3], elements: 1, isModelOutput: false },
        { name: 'tb', producer: 1, consumers: [], elements: 1, isModelOutput: true },
        { name: 'td', producer: 3, consumers: [], elements: 1, isModelOutput: true },
      ],
    };
    expect(() => contractKernels(g, [0, 1, 1, 0])).toThrow(PlanningError);
    expect(() => contractKernels(g, [0, 1, 1, 0])).toThrow(/not convex.*a.*b|not convex.*b.*a/);
  });

  it('rejects a grouping of the wrong length or with bad entries', () => {
    expect(() => contractKernels(graph(), [0, 0])).toThrow(/5/);
    expect(() => contractKernels(graph(), [0, -1, 0.5, 1, 1])).toThrow(/kernelOf\[2\]/);
    expect(() => contractKernels(graph(), [0, -1, -2, 1, 1])).toThrow(/kernelOf\[2\]/);
  });

  it('moves pins onto their kernels and places constants with their first consumer', () => {
    const problem = prepareKernelProblem(graph(), [0, -1, 0, 1, 1], { pinToEnd: [2, 1] });
    expect(Array.from(problem.kernels.pinned)).toEqual([1, 0]);
    expect(expandAssignment(problem, [0, 1])).toEqual([0, 0, 0, 1, 1]);
    const network = { tiers: 2, links: [{ uplinkMbps: 100, downlinkMbps: 100, rttMs: 0 }] };
    const solution = solveKernelProblem(problem, network)!;
    expect(solution.assignment[0]).toBe(0);
    expect(solution.assignment[2]).toBe(0);
  });
});
