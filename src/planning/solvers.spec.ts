import { asChain, solveChain } from './chain-solver';
import { prepare, PreparedGraph } from './cost-model';
import { solveDag } from './dag-solver';
import { exhaustive, randomChain, randomDag, randomNetwork } from '../../test/support/random-graphs';
import { solve } from './solve';
import { baselines } from './baselines';
import { PlanGraph, PlanNetwork, PlanOptions, Solution } from './types';
import { seededRandom } from '../common/seeded-random';

const MAX_NODES = [0, 12, 12, 10, 8]; // per tier count: keeps T^n assignments small enough to enumerate

function expectSameCost(actual: Solution | null, expected: Solution | null, what: string): void {
  if (expected === null) return expect(actual).toBeNull();
  expect(actual).not.toBeNull();
  const [a, e] = [actual!.cost.totalMs, expected.cost.totalMs];
  if (Math.abs(a - e) > 1e-9 * Math.max(1, Math.abs(e))) throw new Error(`${what}: ${a} != exhaustive ${e}`);
}

function randomOptions(r: () => number, graph: PlanGraph): PlanOptions {
  const options: PlanOptions = { transferDtype: (['float32', 'float16', 'int8'] as const)[Math.floor(r() * 3)] };
  if (r() < 0.3) options.inputBytes = Math.floor(r() * 100000);
  if (r() < 0.25) options.pinToEnd = [Math.floor(r() * graph.nodes.length)];
  return options;
}

function randomCase(seed: number, chain: boolean): { pg: PreparedGraph; network: PlanNetwork; label: string } {
  const r = seededRandom(seed);
  const tiers = 1 + Math.floor(r() * 4);
  const n = 1 + Math.floor(r() * MAX_NODES[tiers]);
  const graph = chain ? randomChain(r, n, tiers) : randomDag(r, n, tiers);
  const options = randomOptions(r, graph);
  return {
    pg: prepare(graph, options),
    network: randomNetwork(r, tiers),
    label: `seed ${seed}, ${tiers} tiers, ${n} nodes`,
  };
}

describe('DAG solver', () => {
  it('matches exhaustive search on 600 random DAGs of <= 12 nodes with 1-4 tiers', () => {
    let unreachable = 0;
    let pinned = 0;
    for (let seed = 1; seed <= 600; seed++) {
      const { pg, network, label } = randomCase(seed, false);
      if (!pg.allReachable) unreachable++;
      if (pg.pinned.some((p) => p === 1)) pinned++;
      expectSameCost(solveDag(pg, network), exhaustive(pg, network), label);
    }
    // The generator must exercise both rtt strategies and the pins.
    expect(unreachable).toBeGreaterThan(30);
    expect(pinned).toBeGreaterThan(30);
  });

  it('matches exhaustive search on 200 DAGs with 3-4 tiers and free round trips (many 3-tier optima)', () => {
    let threeTiers = 0;
    for (let seed = 5001; seed <= 5200; seed++) {
      const r = seededRandom(seed);
      const tiers = 3 + (seed % 2);
      const graph = randomDag(r, 2 + Math.floor(r() * (MAX_NODES[tiers] - 1)), tiers);
      const pg = prepare(graph, randomOptions(r, graph));
      const network = randomNetwork(r, tiers);
      network.links.forEach((link) => (link.rttMs = 0));
      const expected = exhaustive(pg, network)!;
      if (new Set(expected.assignment).size >= 3) threeTiers++;
      expectSameCost(solveDag(pg, network), expected, `seed ${seed}`);
    }
    expect(threeTiers).toBeGreaterThan(10);
  });

  it('matches exhaustive search restricted to a random subset of tiers (the baselines)', () => {
    for (let seed = 1001; seed <= 1300; seed++) {
      const { pg, network, label } = randomCase(seed, false);
      const r = seededRandom(seed);
      const allowed = Array.from({ length: network.tiers }, () => r() < 0.6);
      expectSameCost(solveDag(pg, network, allowed), exhaustive(pg, network, allowed), `${label} ${allowed}`);
    }
  });

  it('returns plans that respect pins, monotonicity and constant placement', () => {
    for (let seed = 2001; seed <= 2100; seed++) {
      const { pg, network } = randomCase(seed, false);
      const { assignment } = solveDag(pg, network)!;
      pg.pinned.forEach((p, v) => p && expect(assignment[v]).toBe(0));
      pg.graph.nodes.forEach((node, v) => {
        const first = pg.firstConsumer[v];
        if (node.isConstant) expect(assignment[v]).toBe(first >= 0 ? assignment[first] : 0);
      });
    }
  });
});

describe('chain solver', () => {
  it('equals the DAG solver and exhaustive search on 400 random chains', () => {
    for (let seed = 1; seed <= 400; seed++) {
      const { pg, network, label } = randomCase(seed, true);
      expect(asChain(pg)).not.toBeNull();
      const expected = exhaustive(pg, network);
      expectSameCost(solveChain(pg, network), expected, `chain ${label}`);
      expectSameCost(solveDag(pg, network), expected, `dag ${label}`);
    }
  });

  it('equals exhaustive search on a random subset of tiers', () => {
    for (let seed = 501; seed <= 800; seed++) {
      const { pg, network, label } = randomCase(seed, true);
      const r = seededRandom(seed);
      const allowed = Array.from({ length: network.tiers }, () => r() < 0.6);
      expectSameCost(solveChain(pg, network, allowed), exhaustive(pg, network, allowed), `${label} ${allowed}`);
    }
  });

  it('equals the DAG solver on long chains', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const r = seededRandom(seed);
      const graph = randomChain(r, 200, 3);
      const pg = prepare(graph, { pinToEnd: seed % 3 === 0 ? [5] : [] });
      const network = randomNetwork(r, 3);
      expectSameCost(solveChain(pg, network), solveDag(pg, network), `long chain ${seed}`);
    }
  });

  it('does not treat a fan-out as a chain', () => {
    const graph: PlanGraph = {
      nodes: ['a', 'b', 'c'].map((name) => ({ name, latencyUs: [1, 1], isConstant: false })),
      tensors: [
        { name: 'x', producer: -1, consumers: [0], elements: 1, isModelOutput: false },
        { name: 'a', producer: 0, consumers: [1, 2], elements: 1, isModelOutput: false },
        { name: 'b', producer: 1, consumers: [2], elements: 1, isModelOutput: false },
      ],
    };
    expect(asChain(prepare(graph))).toBeNull();
  });

  it('does not treat a node fed by nothing as part of a chain (it may sit on a lower tier than its predecessor)', () => {
    // x → a → (output); b reads nothing and returns its output: b on t0 with a on t1 is a plan no cut expresses.
    const graph: PlanGraph = {
      nodes: [
        { name: 'a', latencyUs: [10000, 1], isConstant: false },
        { name: 'b', latencyUs: [1, 10000], isConstant: false },
      ],
      tensors: [
        { name: 'x', producer: -1, consumers: [0], elements: 1, isModelOutput: false },
        { name: 'ta', producer: 0, consumers: [], elements: 1, isModelOutput: true },
        { name: 'tb', producer: 1, consumers: [], elements: 1, isModelOutput: true },
      ],
    };
    const pg = prepare(graph);
    expect(asChain(pg)).toBeNull();
    const network = { tiers: 2, links: [{ uplinkMbps: 1000, downlinkMbps: 1000, rttMs: 0 }] };
    expect(solve(graph, network).assignment).toEqual([1, 0]);
  });
});

describe('baselines', () => {
  it('names single tiers and pairs, and each equals exhaustive search on its tiers', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const r = seededRandom(seed);
      const graph = randomDag(r, 1 + Math.floor(r() * 9), 3);
      const pg = prepare(graph, seed % 4 === 0 ? { pinToEnd: [0] } : {});
      const network = randomNetwork(r, 3);
      const result = baselines(pg, network, ['end', 'edge', 'cloud']);
      expect(result.map((b) => b.name)).toEqual([
        'end-only',
        'edge-only',
        'cloud-only',
        'end-edge',
        'end-cloud',
        'edge-cloud',
      ]);
      for (const b of result) {
        const allowed = [0, 1, 2].map((j) => b.tiers.includes(j));
        expectSameCost(b.solution, exhaustive(pg, network, allowed), `seed ${seed} ${b.name}`);
      }
      expectSameCost(
        solve(graph, network, seed % 4 === 0 ? { pinToEnd: [0] } : {}),
        exhaustive(pg, network),
        `${seed}`,
      );
    }
  });
});
