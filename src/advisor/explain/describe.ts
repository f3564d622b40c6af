import type { Costs } from '../costs/index.js';
import { count, fmt, fmtBytes, fmtMs, fmtTaskMs } from '../format.js';
import type { ExecutionModel, Plan } from '../plan.js';
import { payloadSendMs, tasksInFlight } from '../model/estimate.js';
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
      return `${heldBy}, so ${tasksTake(work, slots, p)}`;
    }
    case 'gil':
    case 'event-loop':
      return serialLimit(plan, p, work);
    case 'cores':
      return coresLimit(p, work);
    case 'dispatcher': {
      // The dispatcher pays the sending side of a payload's copy; the worker pays the other.
      const sendMs = payloadSendMs(work, plan, costs);
      if (sendMs > 0) {
        const copies = plan.model === 'processes' || plan.model === 'hybrid' ? 'serialises' : 'clones';
        const beyondTask = sendMs > work.cpuMs ? `, more than the task's own ${fmtTaskMs(work.cpuMs)} of CPU` : '';
        const eachMs = fmtTaskMs(p.bottleneckMs / work.tasks);
        const each = eachMs === fmtTaskMs(sendMs) ? `, ${eachMs} each${beyondTask},` : ` (${fmtTaskMs(sendMs)}${beyondTask}) and spends ${eachMs} on each in all,`;
        return `the dispatcher ${copies} ${fmtBytes(work.payloadBytes)} per task${each} one task at a time: ${busy} for the ${fmt(work.tasks)} tasks`;
      }
      return `the dispatcher hands out the ${fmt(work.tasks)} tasks one at a time, ${busy} in all`;
    }
    case 'shared-state':
      return `every task waits its turn at the shared-state server (${fmtTaskMs(costs.sharedStateSyncMs)} a round trip), ${busy} in all`;
    case 'concurrency-limit':
      return `${work.maxConcurrencyAssumed ? `the assumed limit (maxConcurrency was not given) keeps ${count(work.maxConcurrency, 'task')} in flight` : `the downstream's maxConcurrency allows ${count(work.maxConcurrency, 'task')} at a time`}, so ${tasksTake(work, slots, p)}`;
    case 'rate-limit':
      return `the downstream admits ${count(work.maxRatePerSecond, 'task')} a second, so the ${fmt(work.tasks)} tasks take ${busy} to admit`;
  }
}

/** A round this much longer than a task alone is worth naming: below it, the gap reads as rounding. */
const ROUNDS_SHOW_ABOVE = 0.02;

/**
 * The batch's time on `slots` workers, in figures that add up: the tasks of their own time where that is what
 * each round takes; otherwise the rounds, and what each takes against a task alone, where tasks queue for a
 * core or a GIL, or messages and thread starts add up between them (9 processes on 8 cores), so that
 * N x a task / slots would fall short of the time.
 */
function tasksTake(work: Work, slots: number, p: Estimate['prediction']): string {
  const rounds = Math.ceil(work.tasks / slots);
  const roundMs = p.bottleneckMs / rounds;
  const taskMs = fmtTaskMs(p.taskLatencyMs);
  if (rounds === 1 || roundMs <= p.taskLatencyMs * (1 + ROUNDS_SHOW_ABOVE)) {
    return `the ${fmt(work.tasks)} tasks of ${taskMs} take ${fmtMs(p.bottleneckMs)}`;
  }
  return `the ${fmt(work.tasks)} tasks take ${fmtMs(p.bottleneckMs)}: ${count(rounds, 'round')} of ${fmtTaskMs(roundMs)}, where a task alone takes ${taskMs}`;
}

/**
 * A GIL or an event loop as the limit. Each task holds it for its own CPU (its GIL-held share, or all of it
 * on a loop) and an overhead: the hand-off to a thread, or the loop's scheduling (and, in a worker process,
 * receiving the task). Named for its busy time alone, the wall is that time and the last task's waits; named
 * for the workers' time it is busy most of, the rest is the waits that leave it idle.
 */
function serialLimit(plan: Plan, p: Estimate['prediction'], work: Work): string {
  const perTask = (p.serialBusyMs * plan.processes) / work.tasks;
  const ownMs = p.serialCpuMsPerTask;
  const loop = p.bottleneck === 'event-loop';
  const station = `${plan.model === 'hybrid' ? "its process's" : 'the'} ${loop ? 'event loop' : 'GIL'}`;
  const overhead = loop ? "of the loop's own overhead" : 'to hand it to a thread';
  const parts =
    ownMs <= 0
      ? loop
        ? " (the loop's own overhead: the task has no CPU)"
        : ` (only to hand it to a thread${work.cpuMs > 0 ? ': its CPU releases the GIL' : ''})`
      : fmtTaskMs(ownMs) === fmtTaskMs(perTask)
        ? ''
        : ` (${fmtTaskMs(ownMs)} of its CPU and ${fmtTaskMs(perTask - ownMs)} ${overhead})`;
  const heldMs = p.busiestProcessTasks * perTask;
  const whose =
    plan.model === 'hybrid' ? `the busiest process's ${count(p.busiestProcessTasks, 'task')}` : work.tasks === 1 ? 'the one task' : `the ${fmt(work.tasks)} tasks`;
  const head = `each task holds ${station} ${fmtTaskMs(perTask)}${parts}, one ${loop ? 'task' : 'thread'} at a time`;
  // A figure is named only where it shows at the precision the reply gives.
  if (fmtMs(p.bottleneckMs) !== fmtMs(heldMs) && p.bottleneckMs > heldMs) {
    return `${head}: ${whose} ${p.busiestProcessTasks === 1 ? 'holds' : 'hold'} it ${fmtMs(heldMs)}, ${fmtMs(p.bottleneckMs)} with the waits that leave it idle`;
  }
  const busy = plan.model === 'hybrid' ? `${fmtMs(p.bottleneckMs)} a process on average` : `${fmtMs(p.bottleneckMs)} for ${whose}`;
  return `${head}: ${busy}${lastWaits(p)}`;
}

/** What of the last task comes after the bottleneck's busy time, where it shows in the figures. */
function lastWaits(p: Estimate['prediction']): string {
  return fmtMs(p.bottleneckMs + p.bottleneckDrainMs) === fmtMs(p.bottleneckMs) ? '' : `, then the last task waits ${fmtTaskMs(p.bottleneckDrainMs)}`;
}

/**
 * The cores as the limit: the batch's CPU, with its overhead where that shows, spread over the cores its
 * workers can use, and slowed where more threads want a core than there are.
 */
function coresLimit(p: Estimate['prediction'], work: Work): string {
  const ownMs = work.tasks * work.cpuMs;
  const overheadShows = fmtMs(ownMs) !== fmtMs(p.cpuTotalMs);
  const cpu = overheadShows
    ? `${fmtMs(ownMs)} of CPU and ${fmtMs(p.cpuTotalMs - ownMs)} of overhead (dispatch, messages) keep`
    : `${fmtMs(p.cpuTotalMs)} of CPU keeps`;
  const cores = p.coresUsed < work.cores ? `the ${fmt(p.coresUsed)} of ${fmt(work.cores)} cores its workers can use` : count(work.cores, 'core');
  const spreadMs = p.cpuTotalMs / p.coresUsed;
  const switching =
    fmtMs(p.bottleneckMs) === fmtMs(spreadMs) ? '' : `, and ${fmtMs(p.bottleneckMs - spreadMs)} more switching among more runnable threads than cores`;
  return `the batch's ${cpu} ${cores} busy ${fmtMs(spreadMs)}${switching}${lastWaits(p)}`;
}

/** Tasks that cost nothing take no time either way: call that no speed-up rather than 0/0. */
export function speedupOf(sequentialMs: number, wallMs: number): number {
  return wallMs > 0 ? sequentialMs / wallMs : 1;
}

export function speedup(estimate: Estimate, sequentialMs: number): string {
  return `${fmt(speedupOf(sequentialMs, estimate.prediction.wallMs))}x`;
}
