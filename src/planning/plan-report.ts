import type { BandwidthRegion } from './bandwidth-regions';
import type { Baseline } from './baselines';
import type { LinkTransfer, Solution } from './types';

export interface PlanTier {
  tier: string;
  platform: string;
  computeMs: number;
  nodes: string[];
}

export interface PlanTransfer {
  link: string;
  bytes: number;
  ms: number;
  tensors: string[];
}

export interface PlanRegion {
  link: string;
  fromMbps: number;
  toMbps: number;
  totalMsFrom: number;
  totalMsTo: number;
  /** totalMs = fixedMs + msMbps / uplinkMbps inside the region. */
  fixedMs: number;
  msMbps: number;
  /** The tier of every node in this region's plan (names as in `tiers`). */
  tierOfNode: Record<string, string>;
  cuts?: Record<string, number>;
}

export interface PlanReport {
  totalMs: number;
  tiers: PlanTier[];
  transfers: PlanTransfer[];
  returns: PlanTransfer[];
  returnMs: number;
  cuts?: Record<string, number>;
  baselines: Record<string, number | null>;
  bandwidthRegions: PlanRegion[];
}

export interface ReportInput {
  nodeNames: string[];
  tierNames: string[];
  tierPlatforms: string[];
  isChain: boolean;
  solution: Solution;
  baselines: Baseline[];
  regions: BandwidthRegion[];
  regionLink: number;
}

/** Link k joins tier k-1 and tier k; it is named after them (`end-edge`). */
const linkName = (tierNames: string[], k: number): string => `${tierNames[k - 1]}-${tierNames[k]}`;

/** For a chain: per boundary, the index of the last node on an earlier tier (-1 when none), in topological order. */
export function chainCuts(assignment: number[], tierNames: string[]): Record<string, number> {
  const cuts: Record<string, number> = {};
  for (let k = 1; k < tierNames.length; k++) {
    let last = -1;
    assignment.forEach((tier, i) => {
      if (tier < k) last = i;
    });
    cuts[linkName(tierNames, k)] = last;
  }
  return cuts;
}

const named = (tierNames: string[]) => (t: LinkTransfer) => ({
  link: linkName(tierNames, t.link),
  bytes: t.bytes,
  ms: t.ms,
  tensors: t.tensors,
});

/** Turns a solved plan into the API's shape: names instead of indices, every node listed exactly once. */
export function buildReport(input: ReportInput): PlanReport {
  const { solution, tierNames, nodeNames } = input;
  const cost = solution.cost;
  const tiers = tierNames.map((tier, t) => ({
    tier,
    platform: input.tierPlatforms[t],
    computeMs: cost.computeMs[t],
    nodes: nodeNames.filter((_, i) => solution.assignment[i] === t),
  }));
  return {
    totalMs: cost.totalMs,
    tiers,
    transfers: cost.transfers.map(named(tierNames)),
    returns: cost.returns.map(named(tierNames)),
    returnMs: cost.returnMs,
    ...(input.isChain ? { cuts: chainCuts(solution.assignment, tierNames) } : {}),
    baselines: Object.fromEntries(input.baselines.map((b) => [b.name, b.solution?.cost.totalMs ?? null])),
    bandwidthRegions: input.regions.map((r) => ({
      link: linkName(tierNames, input.regionLink),
      fromMbps: r.fromMbps,
      toMbps: r.toMbps,
      totalMsFrom: r.totalMsFrom,
      totalMsTo: r.totalMsTo,
      fixedMs: r.fixedMs,
      msMbps: r.msMbps,
      tierOfNode: Object.fromEntries(nodeNames.map((n, i) => [n, tierNames[r.assignment[i]]])),
      ...(input.isChain ? { cuts: chainCuts(r.assignment, tierNames) } : {}),
    })),
  };
}
