import { channel } from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';

/** What the service times; observability turns these into histograms (and nobody pays when no one listens). */
export type TimingName = 'solver' | 'prediction';

export interface TimingEvent {
  name: TimingName;
  seconds: number;
}

/** A diagnostics channel, so features report timings without knowing who records them. */
export const timingChannel = channel('tiersplit:timing');

function publish(name: TimingName, startedAt: number): void {
  if (timingChannel.hasSubscribers) {
    timingChannel.publish({ name, seconds: (performance.now() - startedAt) / 1000 } satisfies TimingEvent);
  }
}

export function timedSync<T>(name: TimingName, work: () => T): T {
  const startedAt = performance.now();
  try {
    return work();
  } finally {
    publish(name, startedAt);
  }
}

export async function timed<T>(name: TimingName, work: () => Promise<T>): Promise<T> {
  const startedAt = performance.now();
  try {
    return await work();
  } finally {
    publish(name, startedAt);
  }
}
