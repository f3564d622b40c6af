import { mkdirSync, writeFileSync } from 'node:fs';
import { load, SECONDS, wrk, type LoadResult, type WrkResult } from './load-tools.js';
import { startServer } from './server-process.js';

/**
 * POST /advise under load against the server run as a real process, beside yardsticks, with wrk: /advise with
 * distinct profiles (every reply computed: no cache hit), /advise with one repeated profile (cache hits), the
 * full app answering a fixed real advice (bench/fixed-reply-server.ts), and the bare route with the same
 * validation answering the same advice through the same serializer (bench/bare-server.ts), each as a share of
 * the bare route. Then idle against busy while back-to-back CPU jobs keep both cores on the pools
 * (autocannon). Every pair is measured back to back in this run (the machine is shared: only ratios inside
 * one run hold). Writes bench/out/load.json and prints the figures.
 */
const ADVISE_PORT = 3100;
const BARE_PORT = 3101;
const FIXED_PORT = 3104;
const BODY = JSON.stringify({ tasks: 500, cpuMsPerTask: 100, waitMsPerTask: 200, cores: 8 });
/** About 1 s per job on 2 idle threads: long enough to hold both cores, short enough to stop the loop quickly. */
const CPU_JOB = { pool: 'threads', tasks: 20, cpuMsPerTask: 100, waitMsPerTask: 0 };

const server = await startServer(new URL('../src/server.js', import.meta.url), ADVISE_PORT, {}, { path: '/ready', status: 200 });
// The bare server has only POST /advise: a 404 to a GET says it listens.
const bare = await startServer(new URL('./bare-server.js', import.meta.url), BARE_PORT, {}, { path: '/', status: 404 });
const fixed = await startServer(new URL('./fixed-reply-server.js', import.meta.url), FIXED_PORT, {}, { path: '/ready', status: 200 });
const routes = {
  'POST /advise': { url: `${server.url}/advise`, body: BODY },
  'GET /health': { url: `${server.url}/health`, body: undefined },
};

/** Each run of distinct profiles starts past every task count sent before, so none is in the cache. */
let offset = 1_000_000;
const distinct = (url: string, connections: number) => {
  offset += 10_000_000;
  return wrk(url, connections, SECONDS, BODY, 'bench/post-distinct.lua', { OFFSET: String(offset) });
};
const VARIANTS = {
  'advise, distinct profiles': (connections: number) => distinct(`${server.url}/advise`, connections),
  'advise, cache hits': (connections: number) => wrk(`${server.url}/advise`, connections, SECONDS, BODY),
  'full app, fixed reply': (connections: number) => wrk(`${fixed.url}/fixed`, connections, SECONDS, BODY),
  'bare route': (connections: number) => distinct(`${bare.url}/advise`, connections),
} as const;
type Variant = keyof typeof VARIANTS;

// Warm every server's JIT (and the cache's one repeated profile) before anything is timed.
for (const run of Object.values(VARIANTS)) await run(10);

const vsBare: Array<{ connections: number; runs: Record<Variant, WrkResult[]> }> = [];
for (const connections of [10, 100]) {
  const runs = Object.fromEntries(Object.keys(VARIANTS).map((name) => [name, [] as WrkResult[]])) as Record<Variant, WrkResult[]>;
  // Interleaved, twice each, so drift on the shared machine hits every variant alike.
  for (let round = 0; round < 2; round++) {
    for (const [name, run] of Object.entries(VARIANTS) as Array<[Variant, (c: number) => Promise<WrkResult>]>) runs[name].push(await run(connections));
  }
  vsBare.push({ connections, runs });
}
await bare.stop();
await fixed.stop();

const jobs = { ok: 0, failed: 0 };

/** Posts CPU jobs back to back until the returned stop() is awaited; one job runs at a time, as the service allows. */
function startCpuJobs(): () => Promise<void> {
  let running = true;
  const done = (async () => {
    while (running) {
      const res = await fetch(`${server.url}/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(CPU_JOB) });
      await res.arrayBuffer();
      if (res.ok) jobs.ok++;
      else jobs.failed++;
    }
  })();
  return async () => {
    running = false;
    await done;
  };
}

/** idle, busy, busy, idle, idle, busy: each pair back to back, with the job loop started only twice per route. */
const PLAN: Array<[number, 'idle' | 'busy']> = [[1, 'idle'], [1, 'busy'], [10, 'busy'], [10, 'idle'], [100, 'idle'], [100, 'busy']];
const whileBusy: Array<{ route: string; connections: number; idle: LoadResult; busy: LoadResult }> = [];
for (const [route, { url, body }] of Object.entries(routes)) {
  const runs: Record<string, LoadResult> = {};
  let stopJobs: (() => Promise<void>) | undefined;
  for (const [connections, state] of PLAN) {
    if (state === 'busy') stopJobs ??= startCpuJobs();
    else {
      await stopJobs?.();
      stopJobs = undefined;
    }
    runs[`${connections} ${state}`] = await load(url, server.pid, connections, SECONDS, body);
  }
  await stopJobs?.();
  for (const connections of new Set(PLAN.map(([c]) => c))) {
    whileBusy.push({ route, connections, idle: runs[`${connections} idle`]!, busy: runs[`${connections} busy`]! });
  }
}
await server.stop();

const result = { date: new Date().toISOString(), seconds: SECONDS, vsBare, cpuJob: CPU_JOB, jobs, whileBusy };
mkdirSync('bench/out', { recursive: true });
writeFileSync('bench/out/load.json', JSON.stringify(result, null, 2));

const mean = <T>(runs: T[], key: keyof T) => runs.reduce((sum, run) => sum + Number(run[key]), 0) / runs.length;
const f0 = (x: number) => x.toFixed(0);
const f1 = (x: number) => x.toFixed(1);
const f2 = (x: number) => x.toFixed(2);
const failures = (runs: Array<{ non2xx: number; timeouts: number; errors?: number }>): string => {
  const failed = runs.reduce((sum, run) => sum + run.non2xx + run.timeouts + (run.errors ?? 0), 0);
  return failed === 0 ? '' : `; ${failed} FAILED (non-2xx, errors or timeouts: bench/out/load.json)`;
};
console.log(`POST /advise beside a bare fastify route with the same validation returning a same-size real advice (wrk, ${SECONDS} s x 2 each, interleaved)`);
for (const { connections, runs } of vsBare) {
  const bareRps = mean(runs['bare route'], 'rps');
  const cells = (Object.keys(runs) as Variant[]).map(
    (name) => `${name} ${f0(mean(runs[name], 'rps'))} req/s (${f2(mean(runs[name], 'rps') / bareRps)}), p99 ${f1(mean(runs[name], 'p99Ms'))} ms${failures(runs[name])}`,
  );
  console.log(`  ${connections} connections: ${cells.join('; ')}`);
}
console.log(`While ${JSON.stringify(CPU_JOB)} jobs run back to back (${jobs.ok} ok, ${jobs.failed} failed), autocannon, ${SECONDS} s each, busy beside idle:`);
for (const { route, connections, idle, busy } of whileBusy) {
  console.log(
    `  ${route}, ${connections} connection${connections > 1 ? 's' : ''}: p99 ${f1(busy.p99Ms)} / ${f1(idle.p99Ms)} ms = ${f2(busy.p99Ms / idle.p99Ms)}x, ` +
      `${f0(busy.rps)} / ${f0(idle.rps)} req/s = ${f2(busy.rps / idle.rps)}; ` +
      `server cores ${f2(busy.serverCores)} / ${f2(idle.serverCores)}, its main thread ${f2(busy.mainThreadCores)} / ${f2(idle.mainThreadCores)}${failures([idle, busy])}`,
  );
}
