import { readFileSync } from 'node:fs';
import { fixturePath } from '../../test/support/fixtures';
import { parseOrtTrace, quantile, TraceFormatError } from './ort-trace';

const run = (ts: number, dur: number) => ({ cat: 'Session', name: 'model_run', ts, dur });
const kernel = (node: string, ts: number, dur: number) => ({ cat: 'Node', name: `${node}_kernel_time`, ts, dur });

describe('parseOrtTrace', () => {
  it('reads the real mnist trace: 8 runs, the warm-up dropped, one entry per node', () => {
    const trace = JSON.parse(readFileSync(fixturePath('traces', 'mnist-ort-trace.json'), 'utf8'));
    const parsed = parseOrtTrace(trace);
    expect(parsed).toMatchObject({ runsTotal: 8, runsUsed: 7 });
    expect(parsed.nodes).toHaveLength(12);
    const conv = parsed.nodes.find((n) => n.node === 'Convolution28')!;
    expect(conv.runs).toBe(7);
    expect(conv.p10Us).toBeLessThanOrEqual(conv.medianUs);
    expect(conv.medianUs).toBeLessThanOrEqual(conv.p90Us);
  });

  it('drops the first run and takes the median of the rest', () => {
    const parsed = parseOrtTrace([
      run(0, 100),
      kernel('a', 10, 999),
      run(200, 100),
      kernel('a', 210, 10),
      run(400, 100),
      kernel('a', 410, 30),
      run(600, 100),
      kernel('a', 610, 20),
    ]);
    expect(parsed.nodes).toEqual([{ node: 'a', medianUs: 20, p10Us: 12, p90Us: 28, runs: 3 }]);
  });

  it('keeps the only run when just one was profiled', () => {
    expect(parseOrtTrace([run(0, 50), kernel('x', 1, 7)]).nodes[0]).toMatchObject({ medianUs: 7, runs: 1 });
  });

  it.each([[{}], [null], ['text'], [[{ name: 'other', ts: 0, dur: 1 }]], [[run(0, 1)]]])(
    'rejects %j as not a profile',
    (json) => {
      expect(() => parseOrtTrace(json)).toThrow(TraceFormatError);
    },
  );

  it('interpolates quantiles', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([5], 0.9)).toBe(5);
  });
});
