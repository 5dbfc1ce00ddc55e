/**
 * Bandwidth regions: over [lo, hi] Mbps of one link's uplink, the exact intervals in which each plan is optimal,
 * so a client can switch plans on-device as its measured bandwidth changes. A fixed plan costs a + b/bw (b is
 * 8/1000 × the bytes it sends over that link), so the optimum is the lower envelope of lines in 1/bw. It is
 * traced by solving at both ends and at the crossing of the two end plans' lines: if nothing beats the lines
 * there, that crossing is a breakpoint; otherwise the new plan splits the interval in two (Eisner–Severance).
 * It costs about two solves per breakpoint.
 */
import { PlanningError, PreparedGraph } from './cost-model';
import { solvePrepared } from './solve';
import { AllowedTiers, PlanNetwork, Solution } from './types';

export interface BandwidthRegion {
  fromMbps: number;
  toMbps: number;
  assignment: number[];
  /** totalMs = fixedMs + msMbps / uplinkMbps inside the region. */
  fixedMs: number;
  msMbps: number;
  totalMsFrom: number;
  totalMsTo: number;
}

interface Point {
  bw: number;
  solution: Solution;
  a: number;
  b: number;
}

const REL = 1e-9;
const close = (x: number, y: number): boolean => Math.abs(x - y) <= REL * Math.max(1, Math.abs(x), Math.abs(y));

export function bandwidthRegions(
  pg: PreparedGraph,
  network: PlanNetwork,
  link: number,
  loMbps: number,
  hiMbps: number,
  allowed?: AllowedTiers,
): BandwidthRegion[] {
  if (!Number.isInteger(link) || link < 1 || link >= network.tiers) throw new PlanningError(`no link ${link}`);
  if (!(loMbps > 0 && hiMbps >= loMbps && Number.isFinite(hiMbps)))
    throw new PlanningError(`bad range [${loMbps}, ${hiMbps}]`);
  const at = (bw: number): Point => {
    const links = network.links.map((l, i) => (i === link - 1 ? { ...l, uplinkMbps: bw } : l));
    const solution = solvePrepared(pg, { tiers: network.tiers, links }, allowed);
    if (!solution) throw new PlanningError('no feasible plan on these tiers');
    const bytes = solution.cost.transfers.find((t) => t.link === link)?.bytes ?? 0;
    const b = (bytes * 8) / 1000;
    return { bw, solution, a: solution.cost.totalMs - b / bw, b };
  };
  const pieces: Array<{ from: number; to: number; p: Point }> = [];
  // Explicit stack of intervals, left (low bandwidth) first, so pieces come out in order.
  const stack: Array<[Point, Point]> = [[at(loMbps), at(hiMbps)]];
  while (stack.length > 0) {
    const [left, right] = stack.pop()!;
    const crossing = (right.a - left.a) / (left.b - right.b); // 1/bw where the two lines meet
    const bw = 1 / crossing;
    if ((close(left.a, right.a) && close(left.b, right.b)) || !(bw > left.bw && bw < right.bw)) {
      // Same line, or the lines only meet at an end (a tie there): one plan holds the whole interval.
      const p = close(left.a + left.b / right.bw, right.solution.cost.totalMs) ? left : right;
      pieces.push({ from: left.bw, to: right.bw, p });
      continue;
    }
    const mid = at(bw);
    const onLines = left.a + left.b / bw;
    if (mid.solution.cost.totalMs >= onLines - REL * Math.max(1, onLines)) {
      pieces.push({ from: left.bw, to: bw, p: left }, { from: bw, to: right.bw, p: right });
    } else {
      stack.push([mid, right], [left, mid]);
    }
  }
  const regions: BandwidthRegion[] = [];
  for (const { from, to, p } of pieces) {
    const last = regions[regions.length - 1];
    if (last && last.assignment.every((tier, v) => tier === p.solution.assignment[v])) {
      last.toMbps = to;
      last.totalMsTo = p.a + p.b / to;
      continue;
    }
    if (to <= from && regions.length > 0) continue; // a zero-width piece at a tie
    regions.push({
      fromMbps: from,
      toMbps: to,
      assignment: p.solution.assignment,
      fixedMs: p.a,
      msMbps: p.b,
      totalMsFrom: p.a + p.b / from,
      totalMsTo: p.a + p.b / to,
    });
  }
  return regions;
}
