/**
 * Other programs' CPU on this machine while a run is timed, as bench/python's benchlib.ForeignLoad measures it:
 * the busy time of our CPUs in /proc/stat less our own (this process, its threads, and its children once reaped,
 * as forked workers are when they exit). A run others disturbed is run again, a bounded number of times.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const TICK_MS = 10;
export const FOREIGN_SHARE = 0.15;
export const FOREIGN_MIN_MS = 40;

function busyTicks(): number {
  // Node runs on every CPU here (no affinity API): the machine's line.
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  return fields[0]! + fields[1]! + fields[2]! + fields[5]! + fields[6]!;
}

function ownTicks(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  return f[11]! + f[12]! + f[13]! + f[14]!;
}

function sample(): [number, number] | undefined {
  try {
    return [busyTicks(), ownTicks()];
  } catch {
    return undefined;
  }
}

export class ForeignLoad {
  private readonly start = sample();

  /** CPU ms others used since construction; undefined without /proc. */
  foreignMs(): number | undefined {
    const end = sample();
    if (!this.start || !end) return undefined;
    return Math.max(0, (end[0] - this.start[0] - (end[1] - this.start[1])) * TICK_MS);
  }
}

export function disturbed(foreignMs: number | undefined, wallMs: number, cores = availableParallelism()): boolean {
  return foreignMs !== undefined && foreignMs > FOREIGN_MIN_MS && foreignMs > FOREIGN_SHARE * wallMs * cores;
}

/** Waits until others leave the cores alone for one probe, or maxMs passes; returns the ms waited. */
export async function waitForQuiet(maxMs: number, probeMs = 500): Promise<number> {
  const t0 = performance.now();
  while (performance.now() - t0 < maxMs) {
    const probe = new ForeignLoad();
    await new Promise((r) => setTimeout(r, probeMs));
    if (!disturbed(probe.foreignMs(), probeMs)) break;
  }
  return performance.now() - t0;
}

/** ms this (main) thread has waited for a CPU while runnable, from Linux schedstat; 0 where the kernel does not say. */
export function runQueueMs(): number {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[1]) / 1e6;
  } catch {
    return 0;
  }
}
