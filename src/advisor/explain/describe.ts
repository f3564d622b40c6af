import type { Costs } from '../costs/index.js';
import { count, fmt, fmtBytes, fmtMs, fmtTaskMs } from '../format.js';
import type { ExecutionModel, Plan } from '../plan.js';
import { tasksInFlight } from '../model/estimate.js';
import type { Estimate } from '../recommend.js';
import type { Work } from '../work.js';

export const MODEL_LABEL: Record<ExecutionModel, string> = {
  sequential: 'Sequential',
  threads: 'Threads',
  async: 'Async',
  processes: 'Processes',
  hybrid: 'Hybrid',
};

/** What each worker process runs its tasks on: an event loop for async, else the plan's `inner`, else threads. */
export function innerOf(plan: Plan): 'threads' | 'async' {
  return plan.inner ?? (plan.model === 'async' ? 'async' : 'threads');
}

/** Tasks one process holds in flight, named for what holds them. */
function perProcess(plan: Plan): string {
  return innerOf(plan) === 'async'
    ? `${fmt(plan.threadsPerProcess)} in flight on an event loop`
    : count(plan.threadsPerProcess, 'thread');
}

export function describePlan(estimate: Pick<Estimate, 'plan'>): string {
  const { plan } = estimate;
  switch (plan.model) {
    case 'sequential':
      return 'one task after another';
    case 'async':
      return `${count(plan.threadsPerProcess, 'task')} in flight on one event loop${plan.inner === 'threads' ? ', their CPU on a thread pool' : ''}`;
    case 'threads':
      return count(plan.threadsPerProcess, 'thread');
    case 'processes':
      return count(plan.processes, 'process', 'processes');
    case 'hybrid':
      return `${count(plan.processes, 'process', 'processes')} x ${perProcess(plan)}`;
  }
}

/** What sets an estimate's wall time, with its true figure. */
export function limitOf(estimate: Estimate, work: Work, costs: Costs): string {
  const { plan, prediction: p } = estimate;
  const busy = fmtMs(p.bottleneckMs);
  const taskMs = fmtTaskMs(p.taskLatencyMs);
  const slots = tasksInFlight(plan, work);
  switch (p.bottleneck) {
    case 'serial':
      return work.tasks === 1
        ? `the one task takes ${taskMs}`
        : `each of the ${fmt(work.tasks)} tasks takes ${taskMs} in turn`;
    case 'workers': {
      if (slots >= work.tasks) {
        if (work.tasks === 1) return `the one task takes ${taskMs}, and nothing can run beside it`;
        return `${work.tasks === 2 ? 'both' : `all ${fmt(work.tasks)}`} tasks run at once, so the batch lasts as long as the busiest worker, ${busy}`;
      }
      // Held at the downstream's limit, the bound is named 'concurrency-limit' instead.
      const heldBy =
        plan.model === 'processes' || plan.model === 'threads'
          ? `${count(slots, plan.model === 'processes' ? 'process' : 'thread', plan.model)} ${slots === 1 ? 'runs one task' : 'run one task each'} at a time`
          : plan.model === 'async'
            ? `the event loop keeps ${count(slots, 'task')} in flight`
            : `${describePlan(estimate)} hold ${count(slots, 'task')} at a time`;
      return `${heldBy}, so the ${fmt(work.tasks)} tasks of ${taskMs} take ${busy}`;
    }
    case 'gil': {
      // What the model holds the GIL for, per task: its GIL-held CPU and, where the caller's process hands tasks to
      // threads (a thread pool, or a loop sending each task's CPU to one), that hand-off.
      const perTask = (p.serialBusyMs * plan.processes) / work.tasks;
      const cpuHeldMs = work.cpuMs * (1 - work.gilReleasedShare);
      if (plan.model === 'hybrid') {
        const tasksPerProcess = Math.ceil(work.tasks / plan.processes);
        return `${fmtTaskMs(perTask)} of each task's CPU holds its process's GIL, one thread at a time: ${fmtMs(tasksPerProcess * perTask)} in all for the busiest process's ${count(tasksPerProcess, 'task')}`;
      }
      const parts =
        cpuHeldMs > 0
          ? `${fmtTaskMs(cpuHeldMs)} of its CPU and ${fmtTaskMs(perTask - cpuHeldMs)} to hand it to a thread`
          : `only to hand it to a thread: its CPU releases the GIL`;
      return `each task holds the GIL ${fmtTaskMs(perTask)} (${parts}), one thread at a time: ${fmtMs(work.tasks * perTask)} in all${work.tasks > 1 ? ` for the ${fmt(work.tasks)} tasks` : ''}`;
    }
    case 'cores':
      return `${busy} of CPU work over ${count(work.cores, 'core')}`;
    case 'event-loop':
      return plan.model === 'hybrid'
        ? `each process's event loop runs its tasks' CPU one task at a time, ${fmtTaskMs(work.cpuMs)} a task: ${busy}`
        : `${busy} of CPU runs on the one event-loop thread, ${fmtTaskMs(work.cpuMs)} a task`;
    case 'dispatcher': {
      if (p.payloadMsPerTask > 0 && work.payloadBytes > 0) {
        const beyondTask = p.payloadMsPerTask > work.cpuMs ? `, more than the task's own ${fmtTaskMs(work.cpuMs)} of CPU` : '';
        return `the dispatcher serialises ${fmtBytes(work.payloadBytes)} per task (${fmtTaskMs(p.payloadMsPerTask)} each${beyondTask}), one task at a time, ${busy} in all`;
      }
      return `the dispatcher hands out the ${fmt(work.tasks)} tasks one at a time, ${busy} in all`;
    }
    case 'shared-state':
      return `every task waits its turn at the shared-state server (${fmtTaskMs(costs.sharedStateSyncMs)} a round trip), ${busy} in all`;
    case 'concurrency-limit':
      return `${work.maxConcurrencyAssumed ? `the assumed limit (maxConcurrency was not given) keeps ${count(work.maxConcurrency, 'task')} in flight` : `the downstream's maxConcurrency allows ${count(work.maxConcurrency, 'task')} at a time`}, so the ${fmt(work.tasks)} tasks of ${taskMs} take ${busy}`;
    case 'rate-limit':
      return `the downstream admits ${count(work.maxRatePerSecond, 'task')} a second, so the ${fmt(work.tasks)} tasks take ${busy} to admit`;
  }
}

/** Tasks that cost nothing take no time either way: call that no speed-up rather than 0/0. */
export function speedupOf(sequentialMs: number, wallMs: number): number {
  return wallMs > 0 ? sequentialMs / wallMs : 1;
}

export function speedup(estimate: Estimate, sequentialMs: number): string {
  return `${fmt(speedupOf(sequentialMs, estimate.prediction.wallMs))}x`;
}
