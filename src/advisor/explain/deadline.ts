import type { Costs } from '../costs/index.js';
import { choose, estimateAll, sequentialWallMs } from '../recommend.js';
import type { Work } from '../work.js';

/** Scale-out search stops here: a batch that needs more machines is a different problem. */
export const MAX_MACHINES = 1_000_000;

/** How a deadline beyond one machine can be met, or why no number of machines meets it. */
export type ScaleOut =
  | { kind: 'machines'; machines: number }
  /** The downstream's limits are shared by every machine: the batch takes at least `floorMs` on any number. */
  | { kind: 'downstream'; limit: 'concurrency' | 'rate'; floorMs: number }
  /** Not met within the search's bound on machines. */
  | { kind: 'too-many'; most: number };

/** A task's own time, overheads aside: what the downstream's limits multiply. */
function ownTaskMs(work: Work): number {
  return work.cpuMs / Math.min(work.threadsPerTask, work.cores) + work.waitMs;
}

/**
 * The least the batch can take on any number of machines, as the downstream bounds it: Little's law over
 * the tasks in flight it allows, and its rate.
 */
export function downstreamFloor(work: Work): { limit: 'concurrency' | 'rate'; floorMs: number } | undefined {
  if (!Number.isFinite(work.maxConcurrency) && !Number.isFinite(work.maxRatePerSecond)) return undefined;
  const concurrencyMs = (work.tasks * ownTaskMs(work)) / work.maxConcurrency;
  const rateMs = ((work.tasks - 1) / work.maxRatePerSecond) * 1000 + ownTaskMs(work);
  return concurrencyMs >= rateMs ? { limit: 'concurrency', floorMs: concurrencyMs } : { limit: 'rate', floorMs: rateMs };
}

/** One of `machines` machines: an even share of the tasks and of the downstream's limits. */
function shareOf(work: Work, machines: number): Work {
  return {
    ...work,
    tasks: Math.ceil(work.tasks / machines),
    maxConcurrency: Number.isFinite(work.maxConcurrency) ? Math.floor(work.maxConcurrency / machines) : work.maxConcurrency,
    maxRatePerSecond: work.maxRatePerSecond / machines,
  };
}

/** Fewest machines of this size that meet the deadline, each with an even share of the tasks and of the limits. */
export function machinesForDeadline(work: Work, costs: Costs, deadlineMs: number): ScaleOut {
  const floor = downstreamFloor(work);
  if (floor && floor.floorMs > deadlineMs) return { kind: 'downstream', ...floor };
  // Each machine needs at least one task in flight of the downstream's limit.
  const most = Math.min(work.tasks, MAX_MACHINES, work.maxConcurrency);
  const bestMs = (machines: number) => {
    const share = shareOf(work, machines);
    return choose(estimateAll(share, costs), sequentialWallMs(share, costs)).prediction.wallMs;
  };
  let high = Math.min(2, most);
  while (bestMs(high) > deadlineMs) {
    if (high >= most) return { kind: 'too-many', most };
    high = Math.min(high * 2, most);
  }
  let low = Math.floor(high / 2);
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (bestMs(mid) <= deadlineMs) high = mid;
    else low = mid;
  }
  return { kind: 'machines', machines: high };
}
