import type { Costs } from '../costs/index.js';
import { choose, estimateAll, sequentialWallMs } from '../recommend.js';
import { ownTaskMs } from '../model/sizing.js';
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

/**
 * The least the batch can take on any number of machines, as the downstream bounds it: Little's law over
 * the tasks in flight it allows, and its rate, each over a task's own time (overheads aside).
 */
export function downstreamFloor(work: Work): { limit: 'concurrency' | 'rate'; floorMs: number } | undefined {
  if (!Number.isFinite(work.maxConcurrency) && !Number.isFinite(work.maxRatePerSecond)) return undefined;
  const concurrencyMs = (work.tasks * ownTaskMs(work)) / work.maxConcurrency;
  const rateMs = ((work.tasks - 1) / work.maxRatePerSecond) * 1000 + ownTaskMs(work);
  return concurrencyMs >= rateMs ? { limit: 'concurrency', floorMs: concurrencyMs } : { limit: 'rate', floorMs: rateMs };
}

/** One of `machines` machines: an even share of the tasks and of the downstream's limits. */
export function shareOf(work: Work, machines: number): Work {
  return {
    ...work,
    tasks: Math.ceil(work.tasks / machines),
    maxConcurrency: Number.isFinite(work.maxConcurrency) ? Math.floor(work.maxConcurrency / machines) : work.maxConcurrency,
    maxRatePerSecond: work.maxRatePerSecond / machines,
  };
}

interface Weighed {
  machines: number;
  ms: number;
}

/**
 * Machines to try next: where a wall time of the form fixed + work / machines, fitted through two counts
 * already weighed, meets the deadline. A batch split over machines falls close to that curve, so the search
 * lands within a count or two of the answer in a few steps where bisection takes twenty at 1,024 cores.
 */
function fittedGuess(a: Weighed, b: Weighed, deadlineMs: number): number {
  const perMachineWorkMs = a.machines === b.machines ? a.ms * a.machines : (a.ms - b.ms) / (1 / a.machines - 1 / b.machines);
  const fixedMs = a.machines === b.machines ? 0 : a.ms - perMachineWorkMs / a.machines;
  return deadlineMs > fixedMs && perMachineWorkMs > 0 ? Math.ceil(perMachineWorkMs / (deadlineMs - fixedMs)) : Number.NaN;
}

/**
 * Fewest machines of this size that meet the deadline, each with an even share of the tasks and of the limits.
 * The best plan's time falls as machines are added, so the answer is the count whose time meets the deadline
 * where one machine fewer misses it; the search keeps those two bounds and tries the fitted count between
 * them, bisecting whenever a try did not halve the bracket. `oneMachineMs`, the best plan's time on one machine,
 * spares weighing it again where the advice has it.
 */
export function machinesForDeadline(work: Work, costs: Costs, deadlineMs: number, oneMachineMs?: number): ScaleOut {
  const floor = downstreamFloor(work);
  if (floor && floor.floorMs > deadlineMs) return { kind: 'downstream', ...floor };
  // Each machine needs at least one task in flight of the downstream's limit.
  const most = Math.min(work.tasks, MAX_MACHINES, work.maxConcurrency);
  const weigh = (machines: number): Weighed => {
    const share = shareOf(work, machines);
    return { machines, ms: choose(estimateAll(share, costs), sequentialWallMs(share, costs), share).prediction.wallMs };
  };
  let missing = oneMachineMs === undefined ? weigh(1) : { machines: 1, ms: oneMachineMs };
  if (missing.ms <= deadlineMs) return { kind: 'machines', machines: 1 };
  let meeting: Weighed | undefined;
  let previous = missing;
  let bisect = false;
  for (;;) {
    const high = meeting?.machines ?? most + 1;
    if (high - missing.machines <= 1) return meeting ? { kind: 'machines', machines: meeting.machines } : { kind: 'too-many', most };
    const width = high - missing.machines;
    const fitted = fittedGuess(meeting ?? previous, missing, deadlineMs);
    const midpoint = meeting ? Math.floor((missing.machines + high) / 2) : Math.min(most, 2 * missing.machines);
    const guess = bisect || Number.isNaN(fitted) ? midpoint : Math.min(high - 1, Math.max(missing.machines + 1, fitted));
    const tried = weigh(guess);
    if (tried.ms <= deadlineMs) meeting = tried;
    else {
      previous = missing;
      missing = tried;
    }
    bisect = !bisect && (meeting?.machines ?? most + 1) - missing.machines > width / 2;
  }
}
