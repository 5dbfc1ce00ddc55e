import { readFileSync } from 'node:fs';
import { fixturePath } from '../../test/support/fixtures';
import { parseOrtTrace, TraceFormatError } from './ort-trace';
import { MAX_TRACE_NAME_CHARS, readOrtTrace } from './ort-trace-stream';

/** The text cut into chunks of `size` bytes, as a socket delivers it. */
async function* chunks(text: string, size = 7): AsyncIterable<Uint8Array> {
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

const run = (ts: number, dur: number) => ({ cat: 'Session', name: 'model_run', ts, dur });
const kernel = (node: string, ts: number, dur: number, args: unknown = {}) => ({
  cat: 'Node',
  name: `${node}_kernel_time`,
  ts,
  dur,
  args,
});

describe('readOrtTrace (streamed)', () => {
  it('reads the real mnist trace in 7-byte chunks exactly as the whole-document parser does', async () => {
    const text = readFileSync(fixturePath('traces', 'mnist-ort-trace.json'), 'utf8');
    expect(await readOrtTrace(chunks(text))).toEqual(parseOrtTrace(JSON.parse(text)));
  });

  it('takes the {traceEvents} form and skips what an event carries besides name, cat, ts and dur', async () => {
    const huge = { nested: [{ deep: 'x'.repeat(100_000) }, Array.from({ length: 10_000 }, (_, i) => i)] };
    const trace = { meta: { name: 'not an event' }, traceEvents: [run(0, 100), kernel('a', 10, 5, huge), 7, 'x'] };
    const parsed = await readOrtTrace(chunks(JSON.stringify(trace), 4096));
    expect(parsed).toEqual({
      nodes: [{ node: 'a', medianUs: 5, p10Us: 5, p90Us: 5, runs: 1 }],
      runsTotal: 1,
      runsUsed: 1,
    });
  });

  it.each([
    ['truncated JSON', JSON.stringify([run(0, 100), kernel('a', 1, 2)]).slice(0, -9)],
    ['not JSON', 'hello'],
    ['an object without traceEvents', JSON.stringify({ events: [run(0, 1), kernel('a', 0, 1)] })],
    ['a string', '"model_run"'],
    ['no kernels', JSON.stringify([run(0, 1)])],
    ['wrong types', JSON.stringify([{ name: 'model_run', ts: '0', dur: 1 }, kernel('a', 0, 1)])],
  ])('refuses %s with a TraceFormatError', async (_what, text) => {
    await expect(readOrtTrace(chunks(text))).rejects.toThrow(TraceFormatError);
  });

  it('refuses an event name over the cap instead of holding it', async () => {
    const text = JSON.stringify([run(0, 100), kernel('n'.repeat(MAX_TRACE_NAME_CHARS + 1), 1, 2)]);
    await expect(readOrtTrace(chunks(text, 1024))).rejects.toThrow(/longer than 4096 characters/);
  });
});
