import type { Costs } from '../costs/index.js';
import { choose, estimateAll, sequentialWallMs } from '../recommend.js';
import type { Work } from '../work.js';

/** Scale-out search stops here: a batch that needs more machines is a different problem. */
export const MAX_MACHINES = 1_000_000;

/** Fewest machines of this size that meet the deadline, each taking an even share of the tasks. */
export function machinesForDeadline(work: Work, costs: Costs, deadlineMs: number): number | undefined {
  const bestMs = (machines: number) => {
    const share: Work = { ...work, tasks: Math.ceil(work.tasks / machines) };
    return choose(estimateAll(share, costs), sequentialWallMs(share, costs)).prediction.wallMs;
  };
  let high = 2;
  while (bestMs(high) > deadlineMs) {
    if (high >= Math.min(work.tasks, MAX_MACHINES)) return undefined;
    high = Math.min(high * 2, work.tasks, MAX_MACHINES);
  }
  let low = Math.floor(high / 2);
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (bestMs(mid) <= deadlineMs) high = mid;
    else low = mid;
  }
  return high;
}
