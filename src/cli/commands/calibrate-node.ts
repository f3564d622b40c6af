import { fork, type Serializable } from 'node:child_process';
import { once, type EventEmitter } from 'node:events';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { roundMeasured } from '../../advisor/costs/measured.js';
import type { CostEntry } from '../../advisor/costs/types.js';
import type { CalibrationResult } from '../calibration.js';

const ECHO = new URL('./calibrate-echo.js', import.meta.url);
const MiB = 1 << 20;

/** Start-ups are tens of ms each: a few samples give a stable median within a second or two. */
const STARTS = 5;
/** No-op round trips are tens of µs: batches long enough that the timer's resolution does not matter. */
const ROUND_TRIP_BATCHES = 5;
const ROUND_TRIPS_PER_BATCH = 500;
const PAYLOAD_TRIPS = 7;

/** A worker thread or a forked child, seen the same way: send a message, await the reply. */
interface Peer {
  emitter: EventEmitter;
  send: (message: Serializable) => void;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function timed(body: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await body();
  return performance.now() - start;
}

/** Median of `samples` timings, after one untimed run that pays the first-use costs (module cache, JIT). */
async function medianOf(samples: number, body: () => Promise<unknown>): Promise<number> {
  await body();
  const times: number[] = [];
  for (let i = 0; i < samples; i++) times.push(await timed(body));
  return median(times);
}

async function roundTrips(peer: Peer, message: Serializable, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    // once() rejects on an 'error' event, so a crashed peer fails the calibration instead of hanging it.
    const reply = once(peer.emitter, 'message');
    peer.send(message);
    await reply;
  }
}

/** Tasks of an event-loop batch: long enough that one task's cost stands clear of the timer's resolution. */
const LOOP_TASKS = 20_000;
const LOOP_LANES = 64;

/**
 * One task on an event loop as a user writes a batch there: async lanes under a concurrency limit, each task an
 * await of one loop turn (setImmediate), so the figure is a promise, a resume and a turn of the loop per task.
 */
async function eventLoopTaskMs(): Promise<number> {
  const batch = async () => {
    let next = 0;
    const lane = async () => {
      while (next < LOOP_TASKS) {
        next++;
        await nextTurn();
      }
    };
    await Promise.all(Array.from({ length: LOOP_LANES }, lane));
  };
  return (await medianOf(ROUND_TRIP_BATCHES, batch)) / LOOP_TASKS;
}

/** The no-op round trip, then what a payload adds to it per MiB. */
async function transport(peer: Peer, payload: Serializable, payloadBytes: number) {
  const noopMs = (await medianOf(ROUND_TRIP_BATCHES, () => roundTrips(peer, 0, ROUND_TRIPS_PER_BATCH))) / ROUND_TRIPS_PER_BATCH;
  const payloadMs = await medianOf(PAYLOAD_TRIPS, () => roundTrips(peer, payload, 1));
  return { noopMs, msPerMiB: ((payloadMs - noopMs) * MiB) / payloadBytes };
}

async function startedWorker(): Promise<Worker> {
  const worker = new Worker(ECHO);
  await once(worker, 'message');
  return worker;
}

function forkChild() {
  return fork(fileURLToPath(ECHO), [], { serialization: 'advanced' });
}

async function stopChild(child: ReturnType<typeof forkChild>): Promise<void> {
  const exited = once(child, 'exit');
  child.kill();
  await exited;
}

/**
 * Measures node's costs in this process, with the cost names and methods of src/advisor/costs/node.ts: worker_threads
 * for threads (a Buffer payload, structured-cloned), child_process.fork with serialization 'advanced' for
 * processes (the same Buffer), async lanes on the event loop: bare, as a user writes them, not the sample pools.
 */
export async function calibrateNode(): Promise<CalibrationResult> {
  const threadStartMs = await medianOf(STARTS, async () => (await startedWorker()).terminate());
  // The same bytes both ways, since payloadBytesPerTask counts bytes: bulk data belongs in Buffers.
  const bufferPayload = Buffer.alloc(MiB, 0xa5);
  const worker = await startedWorker();
  const thread = await transport({ emitter: worker, send: (message) => worker.postMessage(message) }, bufferPayload, MiB).finally(() =>
    worker.terminate(),
  );

  const processStartMs = await medianOf(STARTS, async () => {
    const child = forkChild();
    await once(child, 'message');
    await stopChild(child);
  });
  const child = forkChild();
  await once(child, 'message');
  const ipc = await transport({ emitter: child, send: (message) => child.send(message) }, bufferPayload, MiB).finally(() =>
    stopChild(child),
  );

  const loopTaskMs = await eventLoopTaskMs();

  const entry = (ms: number, source: string): CostEntry => ({ value: roundMeasured(ms), source });
  return {
    runtime: 'node',
    measuredOn: `Node ${process.version}: worker_threads, child_process.fork with serialization 'advanced'`,
    costs: {
      threadStartMs: entry(threadStartMs, `a Worker started until its first message, then terminated; median of ${STARTS}`),
      threadDispatchMs: entry(thread.noopMs, 'a no-op postMessage round trip to a warm Worker'),
      threadSerializeMsPerMB: entry(
        thread.msPerMiB,
        'a 1 MiB Buffer (structured clone) to a Worker and null back, beyond a no-op round trip',
      ),
      processStartMs: entry(processStartMs, `a forked child started until its first message, then killed; median of ${STARTS}`),
      processDispatchMs: entry(ipc.noopMs, 'a no-op IPC round trip to a warm forked child'),
      // One round trip carries both sides' work; node.ts splits it evenly, and so does this.
      serializeMsPerMB: entry(ipc.msPerMiB / 2, 'half of a 1 MiB Buffer over IPC and null back, beyond a no-op round trip'),
      deserializeMsPerMB: entry(ipc.msPerMiB / 2, 'the other half of the 1 MiB Buffer round trip'),
      sharedStateSyncMs: entry(ipc.noopMs, 'a no-op IPC round trip, as to the process that owns the state'),
      asyncDispatchMs: entry(
        loopTaskMs,
        `${LOOP_TASKS} tasks in ${LOOP_LANES} async lanes, each awaiting one turn of the event loop, per task`,
      ),
    },
  };
}
