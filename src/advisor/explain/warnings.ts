import type { Costs } from '../costs/index.js';
import { fmt, fmtBytes, fmtMs } from '../format.js';
import { BYTES_PER_MB } from '../model/estimate.js';
import { goetzThreads, processesWithinMemory } from '../model/sizing.js';
import type { Estimate } from '../recommend.js';
import { RUNTIME_TRAITS } from '../runtimes.js';
import type { Work } from '../work.js';
import { machinesForDeadline, MAX_MACHINES } from './deadline.js';

export function warningsFor(work: Work, costs: Costs, chosen: Estimate, estimates: Estimate[]): string[] {
  const warnings = [...work.assumptions];
  const { plan } = chosen;
  const workers = Math.min(plan.processes * plan.threadsPerProcess, work.tasks);
  if (!estimates.some((e) => e.viable)) {
    warnings.push(
      `No model satisfies every constraint (${[...new Set(estimates.map((e) => e.notViable))].join(' ')}) The fastest one is shown so you have sizes to start from.`,
    );
  }
  if (work.threadsPerTask > 1 && workers * work.threadsPerTask > work.cores) {
    const cap = Math.max(1, Math.floor(work.cores / Math.min(workers, work.cores)));
    warnings.push(
      `Oversubscription: ${workers} workers x ${work.threadsPerTask} native threads each would be ${workers * work.threadsPerTask} threads on ${work.cores} cores. Cap each worker's BLAS/OpenMP threads at ${cap} (OMP_NUM_THREADS=${cap}; the snippet does); the prediction assumes that cap.`,
    );
  }
  if (chosen.prediction.runnableThreads > work.cores * 1.5) {
    warnings.push(
      `About ${fmt(chosen.prediction.runnableThreads)} threads want a core at once on ${work.cores} cores: the excess buys nothing and costs switching.`,
    );
  }
  if (plan.model === 'threads' || plan.model === 'hybrid') {
    const cores = plan.model === 'threads' ? work.cores : work.cores / plan.processes;
    const wanted = goetzThreads(work, cores);
    if (wanted > costs.maxThreadsPerProcess && plan.threadsPerProcess === costs.maxThreadsPerProcess) {
      warnings.push(
        `The wait/compute ratio asks for ${Number.isFinite(wanted) ? fmt(wanted) : 'unbounded'} threads per process; this advice stops at ${costs.maxThreadsPerProcess}. For more concurrency, an event loop (asyncio, or Node) overlaps waits without a thread each.`,
      );
    }
  }
  const memoryCap = processesWithinMemory(work);
  if (Number.isFinite(memoryCap) && memoryCap >= 1 && memoryCap < Math.min(work.cores, work.tasks)) {
    warnings.push(
      `Memory: ${fmt(work.memoryLimitMb ?? 0)} MB allows ${memoryCap} worker processes of ${fmt(work.memoryMbPerWorker ?? 0)} MB, fewer than the ${work.cores} cores.`,
    );
  }
  if (work.runtime === 'cpython-free-threaded') {
    warnings.push(
      'Free-threaded CPython re-enables the GIL when it imports an extension not marked free-thread-safe; check sys._is_gil_enabled(), or the thread estimates do not hold.',
    );
  }
  if (work.payloadBytes > 0 && (plan.model === 'processes' || plan.model === 'hybrid')) {
    const mb = work.payloadBytes / BYTES_PER_MB;
    const perTask = mb * (costs.serializeMsPerMB + costs.deserializeMsPerMB);
    if (perTask > 0.1 * (work.cpuMs + work.waitMs)) {
      warnings.push(
        `Serialising ${fmtBytes(work.payloadBytes)} per task costs ${fmt(perTask)} ms, over a tenth of the task itself: pass references (shared memory, file paths) to win it back.`,
      );
    }
  }
  if (work.deadlineMs !== undefined && chosen.prediction.wallMs > work.deadlineMs) {
    const oneTaskMs = chosen.prediction.taskLatencyMs;
    const engines = RUNTIME_TRAITS[work.runtime].scaleOutEngines;
    if (oneTaskMs > work.deadlineMs) {
      warnings.push(
        `Deadline: one task alone takes ${fmtMs(oneTaskMs)}, more than the ${fmtMs(work.deadlineMs)} deadline; no number of machines meets it without making each task faster.`,
      );
    } else {
      const machines = machinesForDeadline(work, costs, work.deadlineMs);
      warnings.push(
        machines === undefined
          ? `Deadline: ${fmtMs(work.deadlineMs)} cannot be met with up to ${fmt(Math.min(work.tasks, MAX_MACHINES))} machines of ${work.cores} cores; make each task faster.`
          : `Deadline: the best plan takes ${fmtMs(chosen.prediction.wallMs)} on one machine, over the ${fmtMs(work.deadlineMs)} deadline. About ${fmt(machines)} machines of ${work.cores} cores meet it, each with ~${fmt(Math.ceil(work.tasks / machines))} tasks; ${engines} run such a batch across machines.`,
      );
    }
  }
  return warnings;
}
