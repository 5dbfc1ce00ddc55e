import { bandwidthRegions } from './bandwidth-regions';
import { evaluatePrepared, prepare } from './cost-model';
import { layeredDag, randomChain, randomDag, randomNetwork } from '../../test/support/random-graphs';
import { solvePrepared } from './solve';
import { PlanNetwork } from './types';
import { seededRandom } from '../common/seeded-random';

const withUplink = (network: PlanNetwork, link: number, mbps: number): PlanNetwork => ({
  tiers: network.tiers,
  links: network.links.map((l, i) => (i === link - 1 ? { ...l, uplinkMbps: mbps } : l)),
});

describe('bandwidth regions', () => {
  const cases = Array.from({ length: 120 }, (_, i) => i + 1);

  it.each(cases)('tile [0.1, 1000] with a plan optimal everywhere inside its region (seed %i)', (seed) => {
    const r = seededRandom(seed);
    const tiers = 2 + (seed % 3);
    const shape = seed % 3;
    const n = 3 + Math.floor(r() * 25);
    const graph = shape === 0 ? randomChain(r, n, tiers) : shape === 1 ? randomDag(r, n, tiers) : layeredDag(r, n * 3);
    const network = randomNetwork(r, shape === 2 ? 3 : tiers);
    const pg = prepare(graph, seed % 5 === 0 ? { pinToEnd: [0] } : {});
    const link = 1 + Math.floor(r() * (network.tiers - 1));
    const regions = bandwidthRegions(pg, network, link, 0.1, 1000);

    expect(regions[0].fromMbps).toBe(0.1);
    expect(regions[regions.length - 1].toMbps).toBe(1000);
    for (let i = 0; i < regions.length; i++) {
      const region = regions[i];
      expect(region.toMbps).toBeGreaterThanOrEqual(region.fromMbps);
      if (i > 0) {
        expect(region.fromMbps).toBe(regions[i - 1].toMbps); // no gaps, no overlaps
        expect(region.assignment).not.toEqual(regions[i - 1].assignment);
      }
      for (let probe = 0; probe < 4; probe++) {
        const bw = region.fromMbps * Math.pow(region.toMbps / region.fromMbps, r());
        const net = withUplink(network, link, bw);
        const planned = evaluatePrepared(pg, net, region.assignment).totalMs;
        const optimal = solvePrepared(pg, net)!.cost.totalMs;
        expect(Math.abs(planned - optimal)).toBeLessThanOrEqual(1e-9 * Math.max(1, optimal));
        expect(planned).toBeCloseTo(region.fixedMs + region.msMbps / bw, 6);
      }
    }
  });

  it('finds several regions when the plan changes with bandwidth', () => {
    let multi = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const r = seededRandom(seed);
      const pg = prepare(layeredDag(r, 60));
      if (bandwidthRegions(pg, randomNetwork(r, 3), 1, 0.1, 1000).length > 1) multi++;
    }
    expect(multi).toBeGreaterThan(10);
  });

  it('rejects a bad link or range', () => {
    const r = seededRandom(1);
    const pg = prepare(randomDag(r, 5, 3));
    const network = randomNetwork(r, 3);
    expect(() => bandwidthRegions(pg, network, 3, 0.1, 1000)).toThrow(/link/);
    expect(() => bandwidthRegions(pg, network, 1, 0, 1000)).toThrow(/range/);
  });
});
