import { fork } from 'node:child_process';
import { Piscina } from 'piscina';
import { buildApp } from '../src/app.js';
import type { CompareResult, JobResult } from '../src/jobs/schema.js';
import type { ProfileInput } from '../src/advisor/profile.js';

/**
 * The jobs issue's figures, as ratios inside one run: speed-ups on real pools, waits against their ideal,
 * dispatch cost beside bare piscina and bare child-process IPC, and /jobs/compare on the advisor's cases.
 * Prints JSON on stdout; bench/run.sh writes it to bench/out/jobs.json.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const NOOP_TASKS = 4_000;
const CORES = 2;

const app = await buildApp({ defaultCores: CORES, jobs: { startPools: true, cores: CORES } });
await app.ready();

async function job(body: Record<string, unknown>): Promise<JobResult> {
  const res = await app.inject({ method: 'POST', url: '/jobs', payload: body });
  if (res.statusCode !== 200) throw new Error(`POST /jobs ${JSON.stringify(body)}: ${res.statusCode} ${res.body}`);
  return res.json();
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Median over rounds, with the pools interleaved inside each round so drift hits them alike. */
async function rounds<K extends string>(bodies: Record<K, Record<string, unknown>>): Promise<Record<K, number>> {
  const walls = Object.fromEntries(Object.keys(bodies).map((key) => [key, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round < ROUNDS; round++) {
    for (const key of Object.keys(bodies) as K[]) walls[key].push((await job(bodies[key])).wallMs);
  }
  return Object.fromEntries(Object.entries(walls).map(([key, values]) => [key, median(values as number[])])) as Record<K, number>;
}

const cpu = { tasks: 16, cpuMsPerTask: 50, waitMsPerTask: 0 };
const cpuWalls = await rounds({
  sequential: { pool: 'sequential', ...cpu },
  threads: { pool: 'threads', ...cpu },
  processes: { pool: 'processes', ...cpu, chunkSize: 1 },
  hybrid: { pool: 'hybrid', ...cpu },
  threadsGil: { pool: 'threads', ...cpu, gil: true },
});
const cpuSpeedups = {
  threads: cpuWalls.sequential / cpuWalls.threads,
  processes: cpuWalls.sequential / cpuWalls.processes,
  hybrid: cpuWalls.sequential / cpuWalls.hybrid,
  threadsWithGil: cpuWalls.sequential / cpuWalls.threadsGil,
};

const waits = { tasks: 200, cpuMsPerTask: 0, waitMsPerTask: 20 };
const waitWalls = await rounds({
  async: { pool: 'async', ...waits },
  threads32: { pool: 'threads', workers: 32, ...waits },
});
const idealAsync = waits.waitMsPerTask;
const idealThreads32 = Math.ceil(waits.tasks / 32) * waits.waitMsPerTask;

/** Per-task cost of the pools with no-op tasks, each message one task (no chunking). */
const noop = { tasks: NOOP_TASKS, cpuMsPerTask: 0, waitMsPerTask: 0 };
const noopWalls = await rounds({
  threads: { pool: 'threads', ...noop },
  processes: { pool: 'processes', ...noop, chunkSize: 1 },
  processesChunked: { pool: 'processes', ...noop },
  hybrid: { pool: 'hybrid', ...noop, chunkSize: 2 },
  async: { pool: 'async', ...noop },
});

/** Bare piscina and bare fork IPC, the same number of workers and tasks in flight as the pools. */
async function barePiscina(): Promise<number> {
  const pool = new Piscina({ filename: new URL('./noop-worker.js', import.meta.url).href, minThreads: CORES, maxThreads: CORES });
  await Promise.all(Array.from({ length: 100 }, (_, i) => pool.run(i)));
  const walls: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    let next = 0;
    const lane = async () => {
      while (next < NOOP_TASKS) await pool.run(next++);
    };
    await Promise.all(Array.from({ length: CORES * 2 }, lane));
    walls.push(performance.now() - started);
  }
  await pool.destroy();
  return median(walls);
}

async function bareFork(): Promise<number> {
  const children = Array.from({ length: CORES }, () =>
    fork(new URL('./echo-child.js', import.meta.url), { serialization: 'advanced' }),
  );
  const ask = (child: (typeof children)[number], message: number) =>
    new Promise<void>((resolve) => {
      child.once('message', () => resolve());
      child.send(message);
    });
  await Promise.all(children.map((child) => ask(child, 0)));
  const walls: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    let next = 0;
    // One message in flight per child: a bare echo has no queue to keep fed.
    await Promise.all(children.map(async (child) => {
      while (next < NOOP_TASKS) await ask(child, next++);
    }));
    walls.push(performance.now() - started);
  }
  for (const child of children) child.kill();
  return median(walls);
}

const bare = { piscina: await barePiscina(), fork: await bareFork() };

/** Bare piscina with many threads on waits only: the cost of a thread per wait in Node (src/advisor/costs/node.ts). */
async function threadScaling(): Promise<Record<string, number>> {
  const waits = { tasks: 256, ms: 7.7 };
  const overIdeal: Record<string, number> = {};
  for (const threads of [8, 16, 32, 64]) {
    const pool = new Piscina({ filename: new URL('./wait-worker.js', import.meta.url).href, minThreads: threads, maxThreads: threads });
    await Promise.all(Array.from({ length: threads * 2 }, () => pool.run(20)));
    const walls: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const started = performance.now();
      await Promise.all(Array.from({ length: waits.tasks }, () => pool.run(waits.ms)));
      walls.push(performance.now() - started);
    }
    await pool.destroy();
    overIdeal[threads] = median(walls) / (Math.ceil(waits.tasks / threads) * waits.ms);
  }
  return overIdeal;
}
const threadScalingOverIdeal = await threadScaling();
const microsecondsPerTask = (wallMs: number) => (wallMs * 1000) / NOOP_TASKS;

/** The advisor's test cases, scaled down by /jobs/compare. */
const profiles: Record<string, ProfileInput> = {
  'io-1000x(2cpu+300wait)': { tasks: 1000, cpuMsPerTask: 2, waitMsPerTask: 300, cores: 8 },
  'io-maxConcurrency-10': { tasks: 1000, cpuMsPerTask: 2, waitMsPerTask: 300, cores: 8, maxConcurrency: 10 },
  'cpu-200x(400cpu+5wait)': { tasks: 200, cpuMsPerTask: 400, waitMsPerTask: 5, cores: 8 },
  'numpy-64x200ms-95%-released': { tasks: 64, cpuMsPerTask: 200, waitMsPerTask: 0, gilReleasedShare: 0.95 },
  'node-cpu-64x30ms': { runtime: 'node', tasks: 64, cpuMsPerTask: 30, waitMsPerTask: 0 },
  'node-io-500x(1cpu+50wait)': { runtime: 'node', tasks: 500, cpuMsPerTask: 1, waitMsPerTask: 50 },
  'payload-64x(10cpu)+2MiB': { runtime: 'node', tasks: 64, cpuMsPerTask: 10, waitMsPerTask: 0, payloadBytesPerTask: 2 * 1024 * 1024 },
};
const comparisons: Record<string, CompareResult> = {};
for (const [name, profile] of Object.entries(profiles)) {
  const res = await app.inject({ method: 'POST', url: '/jobs/compare', payload: { profile, timeoutMs: 120_000 } });
  if (res.statusCode !== 200) throw new Error(`compare ${name}: ${res.statusCode} ${res.body}`);
  comparisons[name] = res.json();
}

await app.close();

console.log(
  JSON.stringify({
    date: new Date().toISOString(),
    rounds: ROUNDS,
    cpu: { walls: cpuWalls, speedups: cpuSpeedups },
    waits: {
      asyncWallMs: waitWalls.async,
      asyncOverIdeal: waitWalls.async / idealAsync,
      threads32WallMs: waitWalls.threads32,
      threads32OverIdeal: waitWalls.threads32 / idealThreads32,
    },
    dispatch: {
      tasks: NOOP_TASKS,
      microsecondsPerTask: {
        threads: microsecondsPerTask(noopWalls.threads),
        processes: microsecondsPerTask(noopWalls.processes),
        processesChunked: microsecondsPerTask(noopWalls.processesChunked),
        hybrid: microsecondsPerTask(noopWalls.hybrid),
        async: microsecondsPerTask(noopWalls.async),
        barePiscina: microsecondsPerTask(bare.piscina),
        bareFork: microsecondsPerTask(bare.fork),
      },
    },
    threadScaling: { description: '256 waits of 7.7 ms on bare piscina: wall / ideal, by threads', overIdeal: threadScalingOverIdeal },
    compare: Object.fromEntries(
      Object.entries(comparisons).map(([name, result]) => [
        name,
        {
          sample: result.sample,
          recommended: result.recommended,
          fastest: result.fastest,
          agree: result.agree,
          rows: result.rows.map((row) => ({
            model: `${row.model} ${row.processes}x${row.threadsPerProcess}`,
            predictedMs: Math.round(row.predictedWallMs),
            measuredMs: Math.round(row.measuredWallMs),
          })),
        },
      ]),
    ),
  }),
);
