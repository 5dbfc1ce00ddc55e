import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import parser from 'stream-json/parser.js';
import { ParsedTrace, TraceAccumulator, TraceFormatError } from './ort-trace';

/** Longest event name or category kept; ORT's are node names plus a suffix, far shorter. */
export const MAX_TRACE_NAME_CHARS = 4096;
/** Longer keys and numbers are never ones the reader needs (`name`, `cat`, `ts`, `dur`, `traceEvents`). */
const MAX_SCALAR_CHARS = 64;
const FIELDS = new Set(['name', 'cat', 'ts', 'dur']);

interface Token {
  name: string;
  value?: unknown;
}

/**
 * Reads an ONNX Runtime profile from a byte stream, token by token (stream-json), without holding the document:
 * of each event only `name`, `cat`, `ts` and `dur` are kept, each under a length cap, and whatever else an event
 * carries (`args`, nested objects of any size) is skipped as it streams past. Memory per event stays bounded
 * whatever the file holds; what is kept across events is the accumulator's compact run and kernel lists.
 */
export async function readOrtTrace(chunks: AsyncIterable<Uint8Array>): Promise<ParsedTrace> {
  const reader = new TraceTokenReader();
  const tokens = parser.asStream({ packValues: false, streamValues: true });
  let refused: TraceFormatError | null = null;
  try {
    await pipeline(Readable.from(chunks), tokens, async (source: AsyncIterable<Token>) => {
      try {
        for await (const token of source) reader.push(token);
      } catch (error) {
        if (error instanceof TraceFormatError) refused = error;
        throw error;
      }
    });
  } catch (error) {
    // The pipeline reports the reader's refusal as an abort of the streams upstream of it: keep the reason.
    if (refused) throw refused;
    throw new TraceFormatError(`not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return reader.finish();
}

/** The state machine over the token stream: where in the document it stands, and the event being read. */
class TraceTokenReader {
  private readonly accumulator = new TraceAccumulator();
  private depth = 0;
  private sawRoot = false;
  /** Depth of the container whose elements are the events (1: a bare array; 2: `{traceEvents: [...]}`). */
  private eventsAt = -1;
  /** Key just read at the root object or in an event, waiting for its value. */
  private key: string | null = null;
  private text = '';
  private overflow = false;
  private collecting: 'key' | 'value' | null = null;
  private event: { name?: unknown; cat?: unknown; ts?: unknown; dur?: unknown } | null = null;

  push(token: Token): void {
    switch (token.name) {
      case 'startObject':
      case 'startArray':
        return this.open(token.name === 'startArray');
      case 'endObject':
      case 'endArray':
        return this.close();
      case 'startKey':
        return this.begin('key');
      case 'endKey':
        this.key = this.overflow ? null : this.text;
        this.collecting = null;
        return;
      case 'startString':
      case 'startNumber':
        return this.begin(this.wanted() ? 'value' : null);
      case 'stringChunk':
      case 'numberChunk':
        return this.chunk(token.value as string);
      case 'endString':
        return this.scalar(this.text);
      case 'endNumber':
        return this.scalar(Number(this.text));
      case 'trueValue':
      case 'falseValue':
      case 'nullValue':
        return this.scalar(token.value);
    }
  }

  finish(): ParsedTrace {
    if (this.eventsAt < 0) throw new TraceFormatError('not an ONNX Runtime profile: expected a JSON array of events');
    return this.accumulator.finish();
  }

  private open(isArray: boolean): void {
    if (!this.sawRoot) {
      this.sawRoot = true;
      if (isArray) this.eventsAt = 1;
    } else if (isArray && this.depth === 1 && this.eventsAt < 0 && this.key === 'traceEvents') {
      this.eventsAt = 2;
    } else if (!isArray && this.depth === this.eventsAt) {
      this.event = {};
    }
    this.key = null;
    this.depth++;
  }

  private close(): void {
    this.depth--;
    if (this.event && this.depth === this.eventsAt) {
      const { name, cat, ts, dur } = this.event;
      if (typeof name === 'string' && (cat === undefined || typeof cat === 'string')) {
        if (typeof ts === 'number' && typeof dur === 'number') this.accumulator.add({ name, cat, ts, dur });
      }
      this.event = null;
    }
    this.key = null;
  }

  /** A value worth collecting: a field of an event, directly inside it. */
  private wanted(): boolean {
    return this.event !== null && this.depth === this.eventsAt + 1 && this.key !== null && FIELDS.has(this.key);
  }

  private begin(what: 'key' | 'value' | null): void {
    this.collecting = what;
    this.text = '';
    this.overflow = false;
  }

  private chunk(piece: string): void {
    if (this.collecting === null || this.overflow) return;
    const cap = this.collecting === 'key' ? MAX_SCALAR_CHARS : MAX_TRACE_NAME_CHARS;
    if (this.text.length + piece.length > cap) {
      if (this.collecting === 'value' && (this.key === 'name' || this.key === 'cat')) {
        throw new TraceFormatError(`an event's ${this.key} is longer than ${MAX_TRACE_NAME_CHARS} characters`);
      }
      this.overflow = true;
      return;
    }
    this.text += piece;
  }

  private scalar(value: unknown): void {
    if (this.collecting === 'value' && !this.overflow && this.event && this.key) {
      this.event[this.key as 'name'] = value;
    }
    this.collecting = null;
    this.key = null;
  }
}
