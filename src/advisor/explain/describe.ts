import { fmt, fmtBytes, fmtMs } from '../format.js';
import type { Estimate } from '../recommend.js';
import type { ExecutionModel } from '../plan.js';
import type { Work } from '../work.js';

export const MODEL_LABEL: Record<ExecutionModel, string> = {
  sequential: 'Sequential',
  threads: 'Threads',
  async: 'Async',
  processes: 'Processes',
  hybrid: 'Hybrid',
};

export function describePlan(estimate: Estimate): string {
  const { model, processes, threadsPerProcess } = estimate.plan;
  switch (model) {
    case 'sequential':
      return 'one task after another';
    case 'async':
      return `${threadsPerProcess} tasks in flight on the event loop`;
    case 'threads':
      return `${threadsPerProcess} threads`;
    case 'processes':
      return `${processes} processes`;
    case 'hybrid':
      return `${processes} processes x ${threadsPerProcess} threads`;
  }
}

/** What limits an estimate, in numbers. */
export function limitOf(estimate: Estimate, work: Work): string {
  const p = estimate.prediction;
  const busy = fmtMs(p.bottleneckMs);
  switch (p.bottleneck) {
    case 'serial':
      return `each of the ${fmt(work.tasks)} tasks takes ${fmt(p.taskLatencyMs)} ms in turn`;
    case 'workers':
      return `its workers each run tasks of ${fmt(p.taskLatencyMs)} ms back to back for ${busy}`;
    case 'cores':
      return `${busy} of CPU work keeps ${fmt(work.cores)} cores busy`;
    case 'gil':
      return estimate.plan.model === 'hybrid'
        ? `each process's GIL is held ${busy} by its tasks, one thread at a time`
        : `${busy} of GIL-held CPU (${fmt(work.cpuMs * (1 - work.gilReleasedShare))} ms per task) runs one thread at a time`;
    case 'event-loop':
      return `${busy} of CPU runs on the one event-loop thread`;
    case 'dispatcher':
      return p.payloadMsPerTask > 0.01
        ? `the dispatcher hands out tasks one at a time for ${busy}, serialising ${fmtBytes(work.payloadBytes)} per task (${fmt(p.payloadMsPerTask)} ms each, more than the task's own ${fmt(work.cpuMs)} ms of CPU)`
        : `the dispatcher hands out tasks one at a time for ${busy}`;
    case 'shared-state':
      return `every task waits its turn at the shared-state server for ${busy}`;
    case 'concurrency-limit':
      return `the downstream's limit of ${fmt(work.maxConcurrency)} tasks in flight holds tasks of ${fmt(p.taskLatencyMs)} ms to ${busy}`;
    case 'rate-limit':
      return `the downstream admits ${fmt(work.maxRatePerSecond)} tasks a second, ${busy} for ${fmt(work.tasks)} tasks`;
  }
}

/** Tasks that cost nothing take no time either way: call that no speed-up rather than 0/0. */
export function speedupOf(sequentialMs: number, wallMs: number): number {
  return wallMs > 0 ? sequentialMs / wallMs : 1;
}

export function speedup(estimate: Estimate, sequentialMs: number): string {
  return `${fmt(speedupOf(sequentialMs, estimate.prediction.wallMs))}x`;
}
