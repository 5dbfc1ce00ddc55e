/** Entry points of the planning core: the exact optimum of any graph, by the chain or the DAG solver. */
import { asChain, solveChain } from './chain-solver';
import { PlanningError, prepare, PreparedGraph, validateNetwork } from './cost-model';
import { solveDag } from './dag-solver';
import { AllowedTiers, PlanGraph, PlanNetwork, PlanOptions, Solution } from './types';

/** Best plan on the allowed tiers (all by default); null when pinned nodes cannot run there (tier 0 excluded). */
export function solvePrepared(pg: PreparedGraph, network: PlanNetwork, allowed?: AllowedTiers): Solution | null {
  pg.deadline?.check();
  return asChain(pg) ? solveChain(pg, network, allowed) : solveDag(pg, network, allowed);
}

/** The latency-optimal plan of `graph` on `network`. */
export function solve(graph: PlanGraph, network: PlanNetwork, options: PlanOptions = {}): Solution {
  validateNetwork(network);
  const solution = solvePrepared(prepare(graph, options), network);
  if (!solution) throw new PlanningError('no feasible plan'); // unreachable: everything on t0 is always a plan
  return solution;
}
