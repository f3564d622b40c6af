/**
 * Runs real workloads under every execution model a Node user writes, with no pool library: a plain loop, async
 * with a concurrency limit, worker_threads, forked children (child_process, serialization 'advanced', in chunks)
 * and a hybrid (children each with worker threads). Every model's time includes starting and stopping its workers.
 * Asks the advisor for its plan for each measured profile and runs that plan too.
 *
 *   node dist/bench/node/harness.js [--out FILE] [--case ID]... [--repeat R] [--costs calibrate|defaults] [--list]
 *
 * With --costs calibrate (the default) it first measures this machine's Node costs (`task-advisor calibrate
 * --runtime node`) and asks the advisor with them, recorded in every profile: the shared machine's speed changes
 * between hosts, and a run scored with another host's costs measures that drift as much as the model.
 *
 * Writes bench/node/results.json in bench/python's format, so bench/score-model.ts scores both.
 */
import { execFileSync, fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { advise } from '../../src/advisor/advise.js';
import { ProfileSchema } from '../../src/advisor/profile.js';
import { hybridChunkSize, processChunkSize } from '../../src/advisor/model/sizing.js';
import { disturbed, FOREIGN_MIN_MS, FOREIGN_SHARE, ForeignLoad, runQueueMs, waitForQuiet } from './load.js';
import { ThreadPool } from './pool.js';
import { hashMsPerMiB, runTask, runTaskAsync, spinItersPerMs, type Task } from './workloads.js';

const CHILD = new URL('./child.js', import.meta.url);
const MiB = 1 << 20;
/** As in bench/python: a disturbed run is retried (after waiting for quiet) at most this many more times. */
const MAX_RETRIES = 3;
const RETRY_MAX_MS = 3000;
const QUIET_WAIT_MS = 15_000;
const RETRY_QUIET_WAIT_MS = 3_000;
/** Tasks run and discarded first, for at most this long: V8 compiles the kernel, and a cold sample reads high. */
const WARM_UP_MS = 300;
const WARM_UP_MAX_TASKS = 3000;
/** As in bench/python: a configuration far slower than round 1's best is not repeated. */
const HOPELESS_FACTOR = 2.5;
const HOPELESS_MIN_MS = 2000;

type Model = 'sequential' | 'async' | 'threads' | 'processes' | 'hybrid';
interface Config {
  model: Model;
  /** For async: the loop runs each task's CPU itself, or hands it to a worker thread per core ('threads'). */
  inner?: 'async' | 'threads';
  processes: number;
  threadsPerProcess: number;
  chunkSize: number;
}
interface Case {
  id: string;
  description: string;
  tasks: () => Task[];
  threads: number[];
  async: number[];
  hybrid: number[];
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
const round = (x: number, digits = 2) => Number(x.toFixed(digits));
const times = <T>(n: number, make: (i: number) => T) => Array.from({ length: n }, (_, i) => make(i));

function buildCases(itersPerMs: number, hashMs: number): Case[] {
  const it = (ms: number) => Math.max(1, Math.round(itersPerMs * ms));
  const task = (cpuMs: number, waitMs = 0): Task => ({ iters: it(cpuMs), hashUpdates: 0, waitMs });
  const waitThreads = [2, 4, 8, 16, 32];
  return [
    {
      id: 'cpu-32x50ms',
      description: '32 tasks of ~50 ms of a pure-JS integer loop.',
      tasks: () => times(32, () => task(50)),
      threads: [2, 4],
      async: [],
      hybrid: [2],
    },
    {
      id: 'cpu-3x100ms',
      description: 'Few tasks: 3 of ~100 ms on 2 cores, so the third runs alone on 2 workers.',
      tasks: () => times(3, () => task(100)),
      threads: [2, 3],
      async: [],
      hybrid: [2],
    },
    {
      id: 'hash-32x30ms',
      description: 'Native: SHA-256 (node:crypto, synchronous) over a 1 MiB Buffer built in the task, ~30 ms.',
      tasks: () => times(32, () => ({ iters: 0, hashUpdates: Math.max(1, Math.round(30 / hashMs)), waitMs: 0 })),
      threads: [2, 4],
      async: [],
      hybrid: [2],
    },
    {
      id: 'timer-200x20ms',
      description: '200 waits of 20 ms: a timer on an event loop, a blocking Atomics.wait on a worker.',
      tasks: () => times(200, () => task(0, 20)),
      threads: waitThreads,
      async: [200],
      hybrid: [8, 16],
    },
    {
      id: 'mixed-60x(20cpu+40wait)',
      description: '60 tasks of ~20 ms pure-JS CPU after a 40 ms wait.',
      tasks: () => times(60, () => task(20, 40)),
      threads: [2, 4, 8, 16],
      async: [60],
      hybrid: [2, 4, 8],
    },
    {
      id: 'mixed-short-400x(1cpu+5wait)',
      description: '400 short tasks: ~1 ms of CPU after a 5 ms wait, where start-up and dispatch weigh most.',
      tasks: () => times(400, () => task(1, 5)),
      threads: [2, 4, 8, 16],
      async: [400],
      hybrid: [4, 8],
    },
    {
      id: 'tiny-100000x5us',
      description: '100,000 tasks of ~5 us: dispatch dwarfs the work.',
      tasks: () => times(100_000, () => task(0.005)),
      threads: [2],
      async: [],
      hybrid: [2],
    },
    {
      id: 'buffer-32x4MiB+2ms',
      description: 'Each task gets its own 4 MiB Buffer made in the parent, does ~2 ms of CPU, returns a number.',
      tasks: () => times(32, (i) => ({ ...task(2), payload: Buffer.alloc(4 * MiB, i) })),
      threads: [2, 4],
      async: [],
      hybrid: [2],
    },
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// The models. Each returns its results; the caller times it.
// ---------------------------------------------------------------------------------------------------------------

async function runSequential(tasks: Task[]): Promise<number[]> {
  const out: number[] = [];
  for (const t of tasks) out.push(t.waitMs > 0 ? await runTaskAsync(t) : runTask(t));
  return out;
}

async function runAsync(tasks: Task[], concurrency: number): Promise<number[]> {
  const out = new Array<number>(tasks.length);
  let next = 0;
  const lane = async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await runTaskAsync(tasks[i]!);
    }
  };
  await Promise.all(times(Math.min(concurrency, tasks.length), lane));
  return out;
}

/**
 * Async lanes that await each task's wait on the loop and hand its CPU to a pool of a worker thread per core (at
 * most one per lane), as the advice's async+threads snippet does with a small piscina pool.
 */
async function runAsyncOffload(tasks: Task[], concurrency: number): Promise<number[]> {
  const pool = new ThreadPool(Math.min(availableParallelism(), concurrency));
  try {
    const out = new Array<number>(tasks.length);
    let next = 0;
    const lane = async () => {
      while (next < tasks.length) {
        const i = next++;
        const task = tasks[i]!;
        if (task.waitMs > 0) await sleep(task.waitMs);
        out[i] = await pool.submit({ ...task, waitMs: 0 });
      }
    };
    await Promise.all(times(Math.min(concurrency, tasks.length), lane));
    return out;
  } finally {
    await pool.close();
  }
}

async function runThreads(tasks: Task[], threads: number): Promise<number[]> {
  const pool = new ThreadPool(threads);
  try {
    return await pool.run(tasks);
  } finally {
    await pool.close();
  }
}

/** Forked children pull chunks of `chunkSize` tasks; with threadsPerChild > 0 each runs them on its own threads. */
function runChildren(tasks: Task[], processes: number, chunkSize: number, threadsPerChild: number): Promise<number[]> {
  const out = new Array<number>(tasks.length);
  let next = 0;
  const runChild = () =>
    new Promise<void>((resolve, reject) => {
      const child = fork(CHILD, threadsPerChild > 0 ? [String(threadsPerChild)] : [], { serialization: 'advanced' });
      const sendNext = () => {
        if (next >= tasks.length) {
          child.disconnect();
          return;
        }
        const first = next;
        next = Math.min(next + chunkSize, tasks.length);
        child.send({ first, tasks: tasks.slice(first, next) });
      };
      child.on('message', ({ first, results }: { first: number; results: number[] }) => {
        results.forEach((r, k) => (out[first + k] = r));
        sendNext();
      });
      child.on('error', reject);
      child.on('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`child exited: ${code ?? signal}`))));
      sendNext();
    });
  return Promise.all(times(processes, runChild)).then(() => out);
}

function runConfig(tasks: Task[], c: Config): Promise<number[]> {
  switch (c.model) {
    case 'sequential':
      return runSequential(tasks);
    case 'async':
      return c.inner === 'threads' ? runAsyncOffload(tasks, c.threadsPerProcess) : runAsync(tasks, c.threadsPerProcess);
    case 'threads':
      return runThreads(tasks, c.threadsPerProcess);
    case 'processes':
      return runChildren(tasks, c.processes, c.chunkSize, 0);
    case 'hybrid':
      return runChildren(tasks, c.processes, c.chunkSize, c.threadsPerProcess);
  }
}

interface Attempt {
  wallMs: number;
  cpuMs: number;
  /** The main thread's wait for a CPU others held: time that is neither the task's CPU nor its wait. */
  queuedMs: number;
  foreignMs: number | undefined;
  attempts: number;
  results: number[];
}

/** One timed run, repeated (at most MAX_RETRIES more times) while other programs disturbed it; the least disturbed kept. */
async function undisturbed(tasks: Task[], c: Config): Promise<Attempt> {
  let best: Attempt | undefined;
  for (let attempt = 1; attempt <= 1 + MAX_RETRIES; attempt++) {
    const probe = new ForeignLoad();
    const cpu0 = process.cpuUsage();
    const q0 = runQueueMs();
    const t0 = performance.now();
    const results = await runConfig(tasks, c);
    const wallMs = performance.now() - t0;
    const queuedMs = runQueueMs() - q0;
    const cpu = process.cpuUsage(cpu0);
    const foreignMs = probe.foreignMs();
    if (!best || (foreignMs ?? 0) < (best.foreignMs ?? 0)) {
      best = { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, queuedMs, foreignMs, attempts: attempt, results };
    }
    best.attempts = attempt;
    if (wallMs > RETRY_MAX_MS || !disturbed(foreignMs, wallMs)) break;
    // A machine that stays busy past the wait will not be quiet for a retry either.
    if (attempt > MAX_RETRIES || (await waitForQuiet(RETRY_QUIET_WAIT_MS)) >= RETRY_QUIET_WAIT_MS) break;
  }
  return best!;
}

/** A hybrid whose children each run an event loop is advice this harness has no model for (its children run threads). */
const runsAdvice = (plan: { model: Model; inner?: string }) => !(plan.model === 'hybrid' && plan.inner === 'async');

const key = (c: Config) =>
  `${c.model}${c.model === 'async' && c.inner === 'threads' ? '+threads' : ''}:${c.processes}x${c.threadsPerProcess}:${c.chunkSize}`;

function spread(values: number[]): number {
  return round((Math.max(...values) - Math.min(...values)) / median(values), 3);
}

type Costs = Record<string, number>;

/** This machine's Node costs, measured by the CLI's calibrate command (a few seconds), as a profile takes them. */
function measuredCosts(log: (s: string) => void): Costs {
  const started = performance.now();
  const cli = new URL('../../src/cli/main.js', import.meta.url);
  const costs = JSON.parse(execFileSync(process.execPath, [cli.pathname, 'calibrate', '--runtime', 'node', '--json'], { encoding: 'utf8' })) as Costs;
  log(`[node harness] calibrated node costs in ${((performance.now() - started) / 1000).toFixed(1)}s`);
  return costs;
}

async function runCase(cs: Case, repeat: number, log: (s: string) => void, costs?: Costs) {
  const t0 = performance.now();
  const tasks = cs.tasks();
  const n = tasks.length;
  const cores = availableParallelism();
  // Warm samples: V8 compiles the kernel and the hash path before anything is timed.
  const warmEnd = performance.now() + WARM_UP_MS;
  let warmTasks = 0;
  for (const t of tasks.slice(0, WARM_UP_MAX_TASKS)) {
    runTask({ ...t, waitMs: 0 });
    warmTasks++;
    if (performance.now() >= warmEnd) break;
  }
  const payloadBytes = tasks[0]!.payload?.length ?? 0;
  const seq: Config = { model: 'sequential', processes: 1, threadsPerProcess: 1, chunkSize: 1 };
  const measured = new Map<string, { config: Config; walls: number[]; cpus: number[]; queued: number[]; foreign: Array<number | null>; attempts: number[] }>();
  let plan: Config[] = [];
  let advised: (Config & { predictedWallMs: number }) | undefined;
  /** The advised plan's key among the measured runs; undefined when this harness cannot run that plan. */
  let advisedKey: string | undefined;
  let hopeless = new Set<string>();
  for (let rep = 0; rep < repeat; rep++) {
    const record = (c: Config, a: Attempt) => {
      if (a.results.length !== n) throw new Error(`${cs.id}: ${c.model} returned ${a.results.length} results`);
      const m = measured.get(key(c)) ?? { config: c, walls: [], cpus: [], queued: [], foreign: [], attempts: [] };
      m.walls.push(a.wallMs);
      m.queued.push(a.queuedMs);
      m.cpus.push(a.cpuMs);
      m.foreign.push(a.foreignMs === undefined ? null : Math.round(a.foreignMs));
      m.attempts.push(a.attempts);
      measured.set(key(c), m);
    };
    const first = await undisturbed(tasks, seq);
    record(seq, first);
    if (rep === 0) {
      const perTaskMs = first.wallMs / n;
      const profile = {
        runtime: 'node' as const,
        tasks: n,
        cpuMsPerTask: first.cpuMs / n,
        waitMsPerTask: Math.max(0, (first.wallMs - first.queuedMs - first.cpuMs) / n),
        payloadBytesPerTask: payloadBytes,
        cores,
        ...(costs ? { costs } : {}),
      };
      const rec = advise(ProfileSchema.parse(profile), { defaultCores: cores }).recommendation;
      advised = { ...rec, predictedWallMs: rec.predictedWallMs };
      plan = [
        ...cs.async.map((k): Config => ({ model: 'async', processes: 1, threadsPerProcess: k, chunkSize: 1 })),
        // Where tasks compute as well as wait, the loop that hands its CPU to a thread per core.
        ...(profile.cpuMsPerTask > 0.1 ? cs.async : []).map(
          (k): Config => ({ model: 'async', inner: 'threads', processes: 1, threadsPerProcess: k, chunkSize: 1 }),
        ),
        ...cs.threads.map((k): Config => ({ model: 'threads', processes: 1, threadsPerProcess: k, chunkSize: 1 })),
        ...[1, 2, 4].map(
          (p): Config => ({ model: 'processes', processes: p, threadsPerProcess: 1, chunkSize: processChunkSize(n, p, perTaskMs, payloadBytes) }),
        ),
        ...cs.hybrid.map((k): Config => ({ model: 'hybrid', processes: 2, threadsPerProcess: k, chunkSize: hybridChunkSize(n, 2, k) })),
      ];
      const adv: Config = {
        model: rec.model,
        ...(rec.model === 'async' && rec.inner === 'threads' ? { inner: 'threads' as const } : {}),
        processes: rec.processes,
        threadsPerProcess: rec.threadsPerProcess,
        chunkSize: rec.model === 'processes' || rec.model === 'hybrid' ? rec.chunkSize : 1,
      };
      advisedKey = runsAdvice(rec) ? key(adv) : undefined;
      if (adv.model !== 'sequential' && advisedKey !== undefined && !plan.some((c) => key(c) === advisedKey)) plan.push(adv);
    }
    if (rep === 1) {
      const best1 = Math.min(...[...measured.values()].map((m) => m.walls[0]!));
      hopeless = new Set(
        [...measured.entries()]
          .filter(([k, m]) => k !== key(seq) && m.walls[0]! > Math.max(HOPELESS_MIN_MS, HOPELESS_FACTOR * best1))
          .map(([k]) => k),
      );
      if (advisedKey !== undefined) hopeless.delete(advisedKey);
    }
    for (const c of plan) {
      if (hopeless.has(key(c))) continue;
      record(c, await undisturbed(tasks, c));
    }
    log(`  round ${rep + 1}/${repeat} done at ${((performance.now() - t0) / 1000).toFixed(1)}s`);
  }

  const seqRuns = measured.get(key(seq))!;
  const cpuPerTask = median(seqRuns.cpus) / n;
  const runs = [...measured.values()].map(({ config, walls, cpus, foreign, attempts }) => ({
    ...config,
    wallMs: round(median(walls)),
    repeats: walls.map((w) => round(w)),
    spread: spread(walls),
    parentCpuMs: round(median(cpus)),
    foreignCpuMs: foreign,
    attempts,
    ...(walls.length < repeat ? { repeatsNote: `run once: in round 1 it took > ${HOPELESS_FACTOR}x the case's best and > ${HOPELESS_MIN_MS} ms` } : {}),
  }));
  const best: Record<string, (typeof runs)[number]> = {};
  for (const r of runs) if (!best[r.model] || r.wallMs < best[r.model]!.wallMs) best[r.model] = r;
  const fastest = Object.keys(best).reduce((a, b) => (best[b]!.wallMs < best[a]!.wallMs ? b : a));
  const advisedRun = advisedKey === undefined ? undefined : advised?.model === 'sequential' ? seqRuns : measured.get(advisedKey);
  return {
    id: cs.id,
    description: cs.description,
    profile: {
      runtime: 'node',
      tasks: n,
      cpuMsPerTask: round(cpuPerTask, 4),
      waitMsPerTask: round(Math.max(0, median(seqRuns.walls.map((w, i) => w - seqRuns.queued[i]!)) / n - cpuPerTask), 4),
      payloadBytesPerTask: payloadBytes,
      cores,
      ...(costs ? { costs } : {}),
    },
    warmUpTasks: warmTasks,
    sequentialCpuSpread: spread(seqRuns.cpus),
    sequentialRunQueueMsRepeats: seqRuns.queued.map((q) => round(q)),
    runs,
    best,
    fastest,
    ratioToFastest: Object.fromEntries(Object.entries(best).map(([m, r]) => [m, round(r.wallMs / best[fastest]!.wallMs, 3)])),
    advised: advised && {
      model: advised.model,
      ...(advised.inner !== undefined ? { inner: advised.inner } : {}),
      processes: advised.processes,
      threadsPerProcess: advised.threadsPerProcess,
      chunkSize: advised.chunkSize,
      predictedWallMs: advised.predictedWallMs,
      measuredWallMs: advisedRun ? round(median(advisedRun.walls)) : null,
    },
    elapsedS: round((performance.now() - t0) / 1000, 1),
  };
}

async function main() {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: 'bench/node/results.json' },
      case: { type: 'string', multiple: true, default: [] },
      repeat: { type: 'string', default: '2' },
      costs: { type: 'string', default: 'calibrate' },
      list: { type: 'boolean', default: false },
    },
  });
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const started = performance.now();
  const rate = spinItersPerMs();
  const hashMs = hashMsPerMiB();
  const all = buildCases(rate, hashMs);
  if (values.list) {
    for (const c of all) console.log(c.id);
    return;
  }
  const unknown = values.case!.filter((id) => !all.some((c) => c.id === id));
  if (unknown.length > 0) throw new Error(`unknown case ${unknown.join(', ')}; known: ${all.map((c) => c.id).join(', ')}`);
  const repeat = Number(values.repeat);
  if (values.costs !== 'calibrate' && values.costs !== 'defaults') throw new Error(`--costs is calibrate or defaults, not ${values.costs}`);
  const costs = values.costs === 'calibrate' ? measuredCosts(log) : undefined;
  const out = [];
  for (const c of all.filter((x) => values.case!.length === 0 || values.case!.includes(x.id))) {
    const waited = await waitForQuiet(QUIET_WAIT_MS);
    // The vCPU's speed drifts over minutes: re-time the loop before each case, as bench/python does.
    const rateNow = spinItersPerMs();
    const cs = buildCases(rateNow, hashMs * (rate / rateNow)).find((x) => x.id === c.id)!;
    log(`[node harness] ${cs.id} (loop speed ${(rateNow / rate).toFixed(3)}x start-up)`);
    const r = await runCase(cs, repeat, log, costs);
    out.push({ ...r, spinItersPerMs: round(rateNow, 1), waitedForQuietS: round(waited / 1000, 1) });
    log(`[node harness] ${cs.id}: fastest=${r.fastest} ${Object.entries(r.best).map(([m, b]) => `${m}=${b.wallMs}`).join(' ')} advised=${r.advised?.model} ${r.advised?.processes}x${r.advised?.threadsPerProcess} (${r.elapsedS}s)`);
  }
  const result = {
    machine: { node: process.version, cpuModel: cpus()[0]?.model, cores: availableParallelism(), loadAvgAtEnd: loadavg(), spinItersPerMs: round(rate, 1), hashMsPerMiB: round(hashMs, 4) },
    generatedAt: new Date().toISOString(),
    command: `node ${[relative(process.cwd(), process.argv[1]!), ...process.argv.slice(2)].join(' ')}`,
    runtime: 'node',
    cores: availableParallelism(),
    repeat,
    foreignLoadRule: `a run is repeated (at most ${MAX_RETRIES} more times, the least disturbed kept) when other programs used more than ${FOREIGN_SHARE * 100}% of the cores' time during it and more than ${FOREIGN_MIN_MS} ms (from /proc/stat)`,
    elapsedS: round((performance.now() - started) / 1000, 1),
    cases: out,
  };
  writeFileSync(values.out!, `${JSON.stringify(result, null, 1)}\n`);
  log(`[node harness] wrote ${values.out} in ${result.elapsedS}s`);
}

await main();
