import { mkdirSync, writeFileSync } from 'node:fs';
import { load, SECONDS, wrk, type LoadResult, type WrkResult } from './load-tools.js';
import { startServer } from './server-process.js';

/**
 * POST /advise under load against the server run as a real process: beside a bare fastify route with the
 * same validation (wrk and autocannon in turn), then idle against busy while back-to-back CPU jobs keep both
 * cores on the pools (autocannon). Every pair is measured back to back in this run (the machine is shared:
 * only ratios inside one run hold). Writes bench/out/load.json and prints the figures.
 */
const ADVISE_PORT = 3100;
const BARE_PORT = 3101;
const BODY = JSON.stringify({ tasks: 500, cpuMsPerTask: 100, waitMsPerTask: 200, cores: 8 });
/** About 1 s per job on 2 idle threads: long enough to hold both cores, short enough to stop the loop quickly. */
const CPU_JOB = { pool: 'threads', tasks: 20, cpuMsPerTask: 100, waitMsPerTask: 0 };

const server = await startServer(new URL('../src/server.js', import.meta.url), ADVISE_PORT, {}, { path: '/ready', status: 200 });
// The bare server has only POST /advise: a 404 to a GET says it listens.
const bare = await startServer(new URL('./bare-server.js', import.meta.url), BARE_PORT, {}, { path: '/', status: 404 });
const routes = {
  'POST /advise': { url: `${server.url}/advise`, body: BODY },
  'GET /health': { url: `${server.url}/health`, body: undefined },
};

// Warm both servers' JIT before anything is timed.
await load(routes['POST /advise'].url, server.pid, 10, 1, BODY);
await load(`${bare.url}/advise`, bare.pid, 10, 1, BODY);

interface VsBare<T> {
  advise: T[];
  bare: T[];
}
const vsBare: Array<{ connections: number; autocannon: VsBare<LoadResult>; wrk: VsBare<WrkResult> }> = [];
for (const connections of [10, 100]) {
  const row = { connections, autocannon: { advise: [] as LoadResult[], bare: [] as LoadResult[] }, wrk: { advise: [] as WrkResult[], bare: [] as WrkResult[] } };
  // Interleaved, twice each, so drift on the shared machine hits both routes and both tools alike.
  for (let round = 0; round < 2; round++) {
    row.autocannon.advise.push(await load(routes['POST /advise'].url, server.pid, connections, SECONDS, BODY));
    row.autocannon.bare.push(await load(`${bare.url}/advise`, bare.pid, connections, SECONDS, BODY));
    row.wrk.advise.push(await wrk(routes['POST /advise'].url, connections, SECONDS, BODY));
    row.wrk.bare.push(await wrk(`${bare.url}/advise`, connections, SECONDS, BODY));
  }
  vsBare.push(row);
}
await bare.stop();

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
const failures = (runs: Array<{ non2xx: number; timeouts: number; errors?: number }>) => {
  const failed = runs.reduce((sum, run) => sum + run.non2xx + run.timeouts + (run.errors ?? 0), 0);
  return failed === 0 ? '' : `; ${failed} FAILED (non-2xx, errors or timeouts: bench/out/load.json)`;
};
console.log(`POST /advise vs a bare fastify route with the same validation (${SECONDS} s x 2 each, interleaved, wrk and autocannon in turn)`);
for (const { connections, wrk: w, autocannon: a } of vsBare) {
  const ratio = <T extends { rps: number }>(side: VsBare<T>) => f2(mean(side.advise, 'rps') / mean(side.bare, 'rps'));
  console.log(
    `  ${connections} connections, wrk:        advise ${f0(mean(w.advise, 'rps'))} req/s, bare ${f0(mean(w.bare, 'rps'))} req/s, ratio ${ratio(w)}; ` +
      `p99 ${f1(mean(w.advise, 'p99Ms'))} / ${f1(mean(w.bare, 'p99Ms'))} ms; client CPU ${f0(mean(w.advise, 'clientUsPerRequest'))} / ${f0(mean(w.bare, 'clientUsPerRequest'))} us per request${failures([...w.advise, ...w.bare])}`,
  );
  console.log(
    `  ${connections} connections, autocannon: advise ${f0(mean(a.advise, 'rps'))} req/s, bare ${f0(mean(a.bare, 'rps'))} req/s, ratio ${ratio(a)}; ` +
      `p99 ${f1(mean(a.advise, 'p99Ms'))} / ${f1(mean(a.bare, 'p99Ms'))} ms (${f1(mean(a.advise, 'p99AllMs'))} / ${f1(mean(a.bare, 'p99AllMs'))} with first replies); ` +
      `client CPU ${f0(mean(a.advise, 'clientUsPerRequest'))} / ${f0(mean(a.bare, 'clientUsPerRequest'))} us per request; ` +
      `slowest first reply ${f0(Math.max(...a.advise.map((run) => run.slowestFirstMs)))} / ${f0(Math.max(...a.bare.map((run) => run.slowestFirstMs)))} ms${failures([...a.advise, ...a.bare])}`,
  );
}
console.log(`While ${JSON.stringify(CPU_JOB)} jobs run back to back (${jobs.ok} ok, ${jobs.failed} failed), autocannon, ${SECONDS} s each, busy beside idle:`);
for (const { route, connections, idle, busy } of whileBusy) {
  console.log(
    `  ${route}, ${connections} connection${connections > 1 ? 's' : ''}: p99 ${f1(busy.p99Ms)} / ${f1(idle.p99Ms)} ms = ${f2(busy.p99Ms / idle.p99Ms)}x, ` +
      `${f0(busy.rps)} / ${f0(idle.rps)} req/s = ${f2(busy.rps / idle.rps)}; ` +
      `server cores ${f2(busy.serverCores)} / ${f2(idle.serverCores)}, its main thread ${f2(busy.mainThreadCores)} / ${f2(idle.mainThreadCores)}${failures([idle, busy])}`,
  );
}
