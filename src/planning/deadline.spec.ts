import { bandwidthRegions } from './bandwidth-regions';
import { baselines } from './baselines';
import { deadlineAfter, PlanningTimeout, prepare } from './cost-model';
import { solvePrepared } from './solve';
import { PlanDeadline, PlanGraph, PlanNetwork } from './types';

const network: PlanNetwork = {
  tiers: 3,
  links: [
    { uplinkMbps: 10, downlinkMbps: 20, rttMs: 10 },
    { uplinkMbps: 100, downlinkMbps: 100, rttMs: 40 },
  ],
};

/** A diamond-rich DAG (not a chain, so the min-cut solver runs): every node i feeds i+1 and i+2. */
function ladder(n: number): PlanGraph {
  const nodes = Array.from({ length: n }, (_, i) => ({
    name: `n${i}`,
    isConstant: false,
    latencyUs: [3000 + (i % 7) * 100, 800 + (i % 5) * 50, 100],
  }));
  const tensors = [{ name: 'in', producer: -1, consumers: [0], elements: 150_000, isModelOutput: false }];
  for (let i = 0; i < n; i++) {
    const consumers = [i + 1, i + 2].filter((c) => c < n);
    tensors.push({ name: `t${i}`, producer: i, consumers, elements: 1000 * (1 + (i % 9)), isModelOutput: i === n - 1 });
  }
  return { nodes, tensors };
}

/** A deadline that expires after `checks` checks: deterministic, whatever the machine's speed. */
function afterChecks(checks: number): PlanDeadline & { count: number } {
  let now = 0;
  const d = deadlineAfter(checks - 0.5, () => now);
  return {
    count: 0,
    check() {
      this.count++;
      now++;
      d.check();
    },
  };
}

describe('plan time budget', () => {
  it('stops the DAG solver, the baselines and the bandwidth sweep with PlanningTimeout once spent', () => {
    const graph = ladder(300);
    const free = prepare(graph);
    const expected = solvePrepared(free, network)!;
    const generous = prepare(graph, { deadline: afterChecks(1e9) });
    expect(solvePrepared(generous, network)!.assignment).toEqual(expected.assignment);

    const counter = afterChecks(1e9);
    bandwidthRegions(prepare(graph, { deadline: counter }), network, 1, 0.1, 1000);
    expect(counter.count).toBeGreaterThan(10); // checked inside the sweep, not only once up front
    for (const stopAt of [1, 3, Math.floor(counter.count / 2)]) {
      const pg = prepare(graph, { deadline: afterChecks(stopAt) });
      expect(() => bandwidthRegions(pg, network, 1, 0.1, 1000)).toThrow(PlanningTimeout);
    }
    expect(() => baselines(prepare(graph, { deadline: afterChecks(2) }), network, ['a', 'b', 'c'])).toThrow(
      PlanningTimeout,
    );
  });

  it('is a PlanningError naming the budget, on the real clock too', () => {
    const d = deadlineAfter(-1);
    expect(() => d.check()).toThrow(/more than its -1 ms budget/);
    expect(() => deadlineAfter(60_000).check()).not.toThrow();
  });
});
