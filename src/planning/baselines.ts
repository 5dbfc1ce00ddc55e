/**
 * The baselines a plan is compared with (the seed paper's six for three tiers): everything on one tier, and the
 * best plan restricted to each pair of tiers (Neurosurgeon's end+cloud split is the pair end-cloud).
 */
import { evaluatePrepared, placeConstants, PreparedGraph } from './cost-model';
import { solvePrepared } from './solve';
import { PlanNetwork, Solution } from './types';

export interface Baseline {
  /** `end-only` for one tier, `end-cloud` for a pair. */
  name: string;
  tiers: number[];
  /** null when pinned nodes cannot run on these tiers (no end device in them). */
  solution: Solution | null;
}

/** Every single tier, then every pair of tiers (a < b), in that order. */
export function baselines(pg: PreparedGraph, network: PlanNetwork, tierNames: readonly string[]): Baseline[] {
  const T = network.tiers;
  if (tierNames.length !== T) throw new Error(`${T} tiers need ${T} names`);
  const pinned = pg.pinned.some((p) => p === 1);
  const result: Baseline[] = [];
  for (let j = 0; j < T; j++) {
    let solution: Solution | null = null;
    if (j === 0 || !pinned) {
      const assignment = placeConstants(pg, new Array<number>(pg.n).fill(j));
      solution = { assignment, cost: evaluatePrepared(pg, network, assignment) };
    }
    result.push({ name: `${tierNames[j]}-only`, tiers: [j], solution });
  }
  for (let a = 0; a < T; a++) {
    for (let b = a + 1; b < T; b++) {
      const allowed = Array.from({ length: T }, (_, j) => j === a || j === b);
      const name = `${tierNames[a]}-${tierNames[b]}`;
      result.push({ name, tiers: [a, b], solution: solvePrepared(pg, network, allowed) });
    }
  }
  return result;
}
