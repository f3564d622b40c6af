import type { Costs } from '../costs/index.js';
import { count, fmt, fmtBytes, fmtMs, fmtTaskMs } from '../format.js';
import { goetzThreads, ownTaskMs, processesWithinMemory } from '../model/sizing.js';
import type { Estimate } from '../recommend.js';
import { RUNTIME_TRAITS } from '../runtimes.js';
import type { Work } from '../work.js';
import { machinesForDeadline } from './deadline.js';

export function warningsFor(work: Work, costs: Costs, chosen: Estimate, estimates: Estimate[]): string[] {
  const warnings = [...work.assumptions];
  const { plan } = chosen;
  const workers = Math.min(plan.processes * plan.threadsPerProcess, work.tasks);
  if (!estimates.some((e) => e.viable)) {
    warnings.push(
      `No model satisfies every constraint: ${[...new Set(estimates.map((e) => e.notViable))].join(' ')} The plan shown gives sizes to start from.`,
    );
  }
  if (work.threadsPerTask > 1 && workers * work.threadsPerTask > work.cores) {
    const cap = Math.max(1, Math.floor(work.cores / Math.min(workers, work.cores)));
    warnings.push(
      `Oversubscription: ${count(workers, 'worker')} x ${fmt(work.threadsPerTask)} native threads each would be ${fmt(workers * work.threadsPerTask)} threads on ${count(work.cores, 'core')}. ${
        work.mayCallBlas
          ? `Cap each worker's BLAS/OpenMP threads at ${cap} (OMP_NUM_THREADS=${cap}; the snippet does)`
          : `Cap each worker's native threads at ${cap} with the library's own setting (ffmpeg's -threads, an encoder's thread count)`
      }; the prediction assumes that cap.`,
    );
  }
  if (chosen.prediction.runnableThreads > work.cores * 1.5) {
    // The plan was chosen with the switching already charged, so this is a thing to measure, not a flaw.
    warnings.push(
      `About ${fmt(chosen.prediction.runnableThreads)} ${plan.model === 'processes' ? 'processes' : 'threads'} want a core at once on ${count(work.cores, 'core')}; the prediction charges their switching and still finds this size faster than the smaller ones it weighed. Time it against one worker per core on a sample.`,
    );
  }
  if (plan.model === 'threads' || plan.model === 'hybrid') {
    const cores = plan.model === 'threads' ? work.cores : work.cores / plan.processes;
    const wanted = goetzThreads(work, cores);
    if (wanted > costs.maxThreadsPerProcess && plan.threadsPerProcess === costs.maxThreadsPerProcess) {
      warnings.push(
        `The wait/compute ratio asks for ${Number.isFinite(wanted) ? fmt(wanted) : 'unbounded'} threads per process; this advice stops at ${fmt(costs.maxThreadsPerProcess)}. For more concurrency, an event loop (asyncio, or Node) overlaps waits without a thread each.`,
      );
    }
  }
  const memoryCap = processesWithinMemory(work);
  if (Number.isFinite(memoryCap) && memoryCap >= 1 && memoryCap < Math.min(work.cores, work.tasks)) {
    warnings.push(
      `Memory: ${fmt(work.memoryLimitMb ?? 0)} MB allows ${count(memoryCap, 'worker process', 'worker processes')} of ${fmt(work.memoryMbPerWorker ?? 0)} MB, fewer than the ${count(work.cores, 'core')}.`,
    );
  }
  if (work.runtime === 'cpython-free-threaded') {
    warnings.push(
      'The thread estimates assume the GIL stays off: free-threaded CPython turns it back on when it imports an extension not marked free-thread-safe; check sys._is_gil_enabled() after your imports.',
    );
  }
  if (work.payloadBytes > 0 && (plan.model === 'processes' || plan.model === 'hybrid')) {
    const perTask = chosen.prediction.payloadMsPerTask;
    if (perTask > 0.1 * (work.cpuMs + work.waitMs)) {
      warnings.push(
        `Serialising ${fmtBytes(work.payloadBytes)} per task and reading it back in the worker costs ${fmtTaskMs(perTask)}, ${
          perTask > work.cpuMs + work.waitMs ? `more than the task's own ${fmtTaskMs(work.cpuMs + work.waitMs)}` : 'over a tenth of the task itself'
        }: pass references (shared memory, file paths) to win it back.`,
      );
    }
  }
  if (work.deadlineMs !== undefined && chosen.prediction.wallMs > work.deadlineMs) {
    const oneTaskMs = chosen.prediction.taskLatencyMs;
    const engines = RUNTIME_TRAITS[work.runtime].scaleOutEngines;
    if (oneTaskMs > work.deadlineMs) {
      warnings.push(
        `Deadline: one task alone takes ${fmtTaskMs(oneTaskMs)}, more than the ${fmtMs(work.deadlineMs)} deadline; no number of machines meets it without making each task faster.`,
      );
    } else {
      const scaleOut = machinesForDeadline(work, costs, work.deadlineMs, chosen.prediction.wallMs);
      const ownMs = ownTaskMs(work);
      warnings.push(
        scaleOut.kind === 'downstream'
          ? scaleOut.limit === 'concurrency'
            ? `Deadline: no number of machines meets ${fmtMs(work.deadlineMs)}. ${work.maxConcurrencyAssumed ? `The assumed limit of ${count(work.maxConcurrency, 'task')} in flight (maxConcurrency was not given), like a real downstream's,` : `The downstream's limit of ${count(work.maxConcurrency, 'task')} in flight`} is shared by every machine, so ${fmt(work.tasks)} tasks of ${fmtMs(ownMs)} take at least ${fmtMs(scaleOut.floorMs)} (tasks x time per task / tasks in flight). Only a higher limit, batching several items per request, or a shorter task meets it.`
            : `Deadline: no number of machines meets ${fmtMs(work.deadlineMs)}. The downstream admits ${count(work.maxRatePerSecond, 'task')} a second, shared by every machine, so ${fmt(work.tasks)} tasks take at least ${fmtMs(scaleOut.floorMs)}. Only a higher rate or batching several items per request meets it.`
          : scaleOut.kind === 'too-many'
            ? `Deadline: ${fmtMs(work.deadlineMs)} cannot be met with up to ${count(scaleOut.most, 'machine')} of ${count(work.cores, 'core')}; make each task faster.`
            : `Deadline: the best plan takes ${fmtMs(chosen.prediction.wallMs)} on one machine, over the ${fmtMs(work.deadlineMs)} deadline. About ${count(scaleOut.machines, 'machine')} of ${count(work.cores, 'core')} meet it, each with ~${count(Math.ceil(work.tasks / scaleOut.machines), 'task')}${Number.isFinite(work.maxConcurrency) ? ` and ${fmt(Math.floor(work.maxConcurrency / scaleOut.machines))} of the ${count(work.maxConcurrency, 'task')} in flight ${work.maxConcurrencyAssumed ? 'assumed for the downstream' : 'the downstream allows'}` : ''}; ${engines} run such a batch across machines.`,
      );
    }
  }
  return warnings;
}
