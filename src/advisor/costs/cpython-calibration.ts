import { z } from 'zod';
import { roundMeasured } from './measured.js';
import type { CostEntry, CostName } from './types.js';

/** The multiprocessing start methods python/calibrate.py times pools with. */
export const START_METHODS = ['fork', 'forkserver', 'spawn'] as const;
export type StartMethod = (typeof START_METHODS)[number];

// A start method whose pools failed is left out of the report (Debian's PyPy 7.3.11 runs ProcessPoolExecutor
// with fork only: with forkserver or spawn, submit() calls a method its executor lacks).
const perStartMethod = z.object({ fork: z.number(), forkserver: z.number().optional(), spawn: z.number().optional() });
const pipelined = z.object({ tasks: z.number(), MiBPerTask: z.number(), wallMs: z.number() });

/**
 * The parts of python/calibrate.py's report (full or --quick) that the costs are read from. Checked at run
 * time because the report comes from another program: the CLI gets it from a child, the server from a file.
 */
export const CalibrationReportSchema = z.object({
  machine: z.object({
    python: z.string(),
    implementation: z.string(),
    defaultStartMethod: z.enum(START_METHODS),
  }),
  threadStartMs: z.number(),
  threadDispatchMs: z.number(),
  processStartMs: perStartMethod,
  processPoolFixedMs: perStartMethod,
  processDispatchMs: z.number(),
  processDispatchChunkedMs: z.number(),
  gilConvoy: z.object({ extraPerSleepVsAloneMs: z.number(), switchIntervalS: z.number() }),
  /** From the asyncio step, absent in reports made before it existed (the recorded python/calibration.json). */
  asyncTaskMs: z.number().optional(),
  details: z.object({
    processDispatch: z.object({ roundTripLatencyMs: z.object({ median: z.number() }) }),
    serialization: z.object({
      sizes: z.object({ '8MiB': z.object({ bytesOut: z.object({ childCpuMsPerMiB: z.number() }) }) }),
      pipelined2Workers: z.object({ bytesIn: pipelined, bytesOut: pipelined }),
    }),
  }),
});
export type CalibrationReport = z.infer<typeof CalibrationReportSchema>;

/** The costs a CPython calibration measures; the others are properties of the runtime or estimates. */
export type CalibratedCpythonCost = Extract<
  CostName,
  | 'threadStartMs'
  | 'threadDispatchMs'
  | 'processPoolStartMs'
  | 'processStartMs'
  | 'processDispatchMs'
  | 'processItemMs'
  | 'serializeMsPerMB'
  | 'deserializeMsPerMB'
  | 'gilSwitchIntervalMs'
  | 'sharedStateSyncMs'
>;

/** The asyncio figure, in reports that carry it. */
type OptionalCalibratedCost = Extract<CostName, 'asyncDispatchMs'>;

function msPerMiB(run: z.infer<typeof pipelined>): number {
  return run.wallMs / (run.tasks * run.MiBPerTask);
}

/**
 * The one mapping from a calibration report to cost names: src/advisor/costs/cpython.ts applies it to the recorded
 * python/calibration.json, `task-advisor calibrate` to a fresh run on the user's machine. The process start-up
 * figures are those of `startMethod` (the interpreter's default unless given); `origin`, when given, starts
 * every source.
 */
export function costsFromCalibration(
  report: CalibrationReport,
  startMethod: StartMethod = report.machine.defaultStartMethod,
  origin?: string,
): Record<CalibratedCpythonCost, CostEntry> & Partial<Record<OptionalCalibratedCost, CostEntry>> {
  const entry = (ms: number, source: string): CostEntry => ({
    value: roundMeasured(ms),
    source: origin === undefined ? source : `${origin} ${source}`,
  });
  const processStartMs = report.processStartMs[startMethod];
  const processPoolFixedMs = report.processPoolFixedMs[startMethod];
  if (processStartMs === undefined || processPoolFixedMs === undefined) {
    throw new RangeError(`the calibration has no ${startMethod} figures: its process pools failed with that start method`);
  }
  const others = START_METHODS.filter((m) => m !== startMethod && report.processStartMs[m] !== undefined);
  // " (spawn 51, forkserver 25 with the other start methods)", or nothing where only one was measured (PyPy).
  const withOthers = (figures: Record<string, number | undefined>) =>
    others.length > 0 ? ` (${others.map((m) => `${m} ${roundMeasured(figures[m]!)}`).join(', ')} with the other start methods)` : '';
  const { pipelined2Workers } = report.details.serialization;
  const payloadIn = msPerMiB(pipelined2Workers.bytesIn);
  const payloadOut = msPerMiB(pipelined2Workers.bytesOut);
  const convoy = report.gilConvoy;
  return {
    threadStartMs: entry(report.threadStartMs, 'threadStartMs: (T(k) - T(1)) / (k - 1) for pools of 8 and 32 threads'),
    threadDispatchMs: entry(
      report.threadDispatchMs,
      'threadDispatchMs: list(executor.map) of no-op tasks on a warm pool of 2 threads, per task',
    ),
    processPoolStartMs: entry(
      processPoolFixedMs,
      `processPoolFixedMs.${startMethod}: a pool of one process, created, used and shut down${withOthers(report.processPoolFixedMs)}`,
    ),
    processStartMs: entry(
      processStartMs,
      `processStartMs.${startMethod}: per process of a pool of 4, shutdown included${withOthers(report.processStartMs)}`,
    ),
    processDispatchMs: entry(
      report.processDispatchMs,
      'processDispatchMs: executor.map with chunksize=1 on 2 warm processes, per task',
    ),
    processItemMs: entry(
      report.processDispatchChunkedMs,
      'processDispatchChunkedMs: per task inside chunks of 12,500 (packing an argument and its result)',
    ),
    // Payloads count bytes sent plus bytes returned, so the cost per MiB is the mean of the two directions.
    serializeMsPerMB: entry(
      (payloadIn + payloadOut) / 2,
      `serialization.pipelined2Workers: 32 x 8 MiB through 2 workers, ${roundMeasured(payloadIn)} ms/MiB in and ${roundMeasured(payloadOut)} out, the mean; the pool's call and result queues are one pipe each, so this is serial`,
    ),
    // Reading the shared call pipe is inside the serial figure above; what a worker adds on its own is
    // its side of sending a result.
    deserializeMsPerMB: entry(
      report.details.serialization.sizes['8MiB'].bytesOut.childCpuMsPerMiB,
      "serialization.sizes.8MiB.bytesOut.childCpuMsPerMiB: the worker's CPU per MiB of an 8 MiB result, beyond a no-op round trip",
    ),
    gilSwitchIntervalMs: entry(
      convoy.extraPerSleepVsAloneMs,
      `gilConvoy: 100 sleeps of 1 ms beside a spinning thread took ${roundMeasured(convoy.extraPerSleepVsAloneMs)} ms more each (the switch interval is ${convoy.switchIntervalS * 1000} ms)`,
    ),
    sharedStateSyncMs: entry(
      report.details.processDispatch.roundTripLatencyMs.median,
      'processDispatch.roundTripLatencyMs: one request/reply to another process, as a Manager proxy call is',
    ),
    ...(report.asyncTaskMs !== undefined
      ? {
          asyncDispatchMs: entry(
            report.asyncTaskMs,
            'asyncTaskMs: CPU per asyncio task at 100 in flight on pooled loopback connections, beyond the same round trip on a blocking socket',
          ),
        }
      : {}),
  };
}
