import { evaluate, placeConstants, PlanningError, prepare } from './cost-model';
import { PlanGraph, PlanNetwork } from './types';

// Link 1: 8 Mbps up (1 byte = 1 µs), 16 down, rtt 10; link 2: 80 up and down, rtt 4.
const network: PlanNetwork = {
  tiers: 3,
  links: [
    { uplinkMbps: 8, downlinkMbps: 16, rttMs: 10 },
    { uplinkMbps: 80, downlinkMbps: 80, rttMs: 4 },
  ],
};

/** x → a; a's output feeds b, c and d; b, c, d are model outputs of 10 elements. */
const fanOut = (): PlanGraph => ({
  nodes: [
    { name: 'a', latencyUs: [1000, 500, 100], isConstant: false },
    { name: 'b', latencyUs: [2000, 1000, 200], isConstant: false },
    { name: 'c', latencyUs: [2000, 1000, 200], isConstant: false },
    { name: 'd', latencyUs: [2000, 1000, 200], isConstant: false },
  ],
  tensors: [
    { name: 'x', producer: -1, consumers: [0], elements: 1000, isModelOutput: false },
    { name: 'ta', producer: 0, consumers: [1, 2, 3], elements: 100, isModelOutput: false },
    { name: 'tb', producer: 1, consumers: [], elements: 10, isModelOutput: true },
    { name: 'tc', producer: 2, consumers: [], elements: 10, isModelOutput: true },
    { name: 'td', producer: 3, consumers: [], elements: 10, isModelOutput: true },
  ],
});

describe('cost model', () => {
  it('charges a tensor once per link whatever its consumers, rtt/2 once per used link, returns over downlinks', () => {
    const e = evaluate(fanOut(), network, [0, 1, 1, 2]);
    expect(e.computeMs).toEqual([1, 2, 0.2]);
    // ta (400 bytes) crosses links 1 and 2 once, although b, c (tier 1) and d (tier 2) all read it.
    expect(e.transfers).toEqual([
      { link: 1, bytes: 400, ms: 5 + 0.4, tensors: ['ta'] },
      { link: 2, bytes: 400, ms: 2 + 0.04, tensors: ['ta'] },
    ]);
    // tb, tc return from tier 1 and td from tier 2: one message per link, 120 bytes on link 1, 40 on link 2.
    expect(e.returns).toEqual([
      { link: 1, bytes: 120, ms: 5 + 0.06, tensors: ['tb', 'tc', 'td'] },
      { link: 2, bytes: 40, ms: 2 + 0.004, tensors: ['td'] },
    ]);
    expect(e.returnMs).toBeCloseTo(7.064, 12);
    expect(e.totalMs).toBeCloseTo(3.2 + 7.44 + 7.064, 12);
  });

  it('pays one rtt/2 for several tensors on the same link and nothing on unused links', () => {
    const graph = fanOut();
    const e = evaluate(graph, network, [0, 1, 1, 0]);
    expect(e.transfers).toEqual([{ link: 1, bytes: 400, ms: 5.4, tensors: ['ta'] }]);
    expect(e.returns).toEqual([{ link: 1, bytes: 80, ms: 5 + 0.04, tensors: ['tb', 'tc'] }]);
    graph.tensors[1].consumers = [1]; // now b reads ta, and c reads x
    graph.tensors[0].consumers.push(2);
    const both = evaluate(graph, network, [0, 1, 1, 0]);
    expect(both.transfers).toEqual([{ link: 1, bytes: 4400, ms: 5 + 4.4, tensors: ['x', 'ta'] }]);
  });

  it('costs nothing to move when everything stays on the end device', () => {
    const e = evaluate(fanOut(), network, [0, 0, 0, 0]);
    expect(e).toEqual({ totalMs: 7, computeMs: [7, 0, 0], transfers: [], returns: [], returnMs: 0 });
  });

  it('sizes intermediate tensors by transferDtype and the model input by inputBytes (float32 otherwise)', () => {
    const up1 = (dtype: 'float16' | 'int8'): number =>
      evaluate(fanOut(), network, [0, 1, 1, 1], { transferDtype: dtype }).transfers[0].bytes;
    expect(up1('float16')).toBe(200);
    expect(up1('int8')).toBe(100 + 5); // the float32 scale and uint8 zero point travel too
    const int8Input = evaluate(fanOut(), network, [1, 1, 1, 1], { transferDtype: 'int8' });
    expect(int8Input.transfers).toEqual([{ link: 1, bytes: 4000, ms: 5 + 4, tensors: ['x'] }]);
    const jpeg = evaluate(fanOut(), network, [2, 2, 2, 2], { inputBytes: 3000 });
    expect(jpeg.transfers.map((t) => [t.link, t.bytes, t.ms])).toEqual([
      [1, 3000, 8],
      [2, 3000, 2 + 0.3],
    ]);
  });

  it('folds constant nodes: no time, no bytes, placed with their first consumer', () => {
    const graph = fanOut();
    graph.nodes.splice(1, 0, { name: 'w', latencyUs: [9e9, 9e9, 9e9], isConstant: true });
    graph.tensors.forEach((t) => {
      t.producer = t.producer >= 1 ? t.producer + 1 : t.producer;
      t.consumers = t.consumers.map((c) => c + 1);
    });
    graph.tensors[0].consumers = [0];
    graph.tensors.push({ name: 'weight', producer: 1, consumers: [4, 2], elements: 1e9, isModelOutput: true });
    const pg = prepare(graph);
    const assignment = placeConstants(pg, [0, 0, 1, 1, 2]);
    expect(assignment[1]).toBe(1); // first consumer is node 2, on tier 1
    const e = evaluate(graph, network, assignment);
    expect(e.transfers.map((t) => t.bytes)).toEqual([400, 400]);
    expect(e.computeMs).toEqual([1, 2, 0.2]);
  });

  it('rejects assignments that move data backwards, break a pin or name a missing tier', () => {
    expect(() => evaluate(fanOut(), network, [1, 0, 1, 1])).toThrow(PlanningError);
    expect(() => evaluate(fanOut(), network, [1, 1, 1, 1], { pinToEnd: [0] })).toThrow(/pinned/);
    expect(() => evaluate(fanOut(), network, [0, 0, 0, 3])).toThrow(/tier 3/);
    expect(() => evaluate(fanOut(), network, [0, 0, 0])).toThrow(/entries/);
    const badLink = { ...network, links: [{ uplinkMbps: 0, downlinkMbps: 1, rttMs: 0 }, network.links[1]] };
    expect(() => evaluate(fanOut(), badLink, [0, 0, 0, 0])).toThrow(/uplinkMbps/);
  });
});
