/** Resident memory of a process (Linux /proc), and small statistics helpers for the ingest bench. */
import { readFileSync, writeFileSync } from 'node:fs';

const KIB = 1024;
const SAMPLE_MS = 10;

/** VmRSS (current) or VmHWM (peak since start or since the last resetPeak) of a process, in bytes. */
export function vm(pid: number | 'self', field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]) * KIB;
}

/** Resets VmHWM to the current RSS (clear_refs 5, Linux 4.0+), so the peak covers only what follows. */
export function resetPeak(pid: number | 'self'): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/**
 * Peak RSS of `pid` while `action` runs: the larger of polling VmRSS every ~10 ms and the kernel's VmHWM after a
 * reset (polling alone can miss a short spike; VmHWM alone would be wrong where clear_refs is not allowed).
 */
export async function peakDuring<T>(pid: number, action: () => Promise<T>): Promise<{ result: T; peak: number }> {
  let canReset = true;
  try {
    resetPeak(pid);
  } catch {
    canReset = false;
  }
  let sampled = vm(pid, 'VmRSS');
  const timer = setInterval(() => {
    try {
      sampled = Math.max(sampled, vm(pid, 'VmRSS'));
    } catch {
      // the process has exited: its last sample stands
    }
  }, SAMPLE_MS);
  try {
    const result = await action();
    const hwm = canReset ? vm(pid, 'VmHWM') : 0;
    return { result, peak: Math.max(sampled, hwm, vm(pid, 'VmRSS')) };
  } finally {
    clearInterval(timer);
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function max(values: number[]): number {
  return Math.max(...values);
}

/** Rejects after `ms` unless `promise` settles first; every wait in the bench goes through this. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
