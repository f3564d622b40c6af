import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { startServer } from './server-process.js';

/**
 * The soak: mixed POST /advise traffic at 80% of the rate the server tops out at, for SOAK_SECONDS (600),
 * with sample jobs running back to back, measured minute by minute: rate, p50 and p99, failures, resident
 * memory and heap. The mix: distinct profiles (cache misses, each a new task count), repeated ones (hits),
 * and now and then a batch of 10 with deadline searches. Writes bench/out/soak.json and prints the table.
 */
const PORT = 3103;
const SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
const MINUTE = Math.min(60, SECONDS);
const CONNECTIONS = 20;
const SHARE_OF_MAX = 0.8;
const JOB = { pool: 'threads', tasks: 8, cpuMsPerTask: 50, waitMsPerTask: 20 };

const server = await startServer(new URL('../src/server.js', import.meta.url), PORT, {}, { path: '/ready', status: 200 });

let distinct = 0;
const REPEATED = Array.from({ length: 50 }, (_, i) => JSON.stringify({ tasks: 100 + i, cpuMsPerTask: 20, waitMsPerTask: 80, cores: 8 }));
/** A batch of 10 new profiles, two of which miss their deadline and run the scale-out search. */
const batch = () =>
  JSON.stringify({
    profiles: Array.from({ length: 10 }, (_, i) => ({
      tasks: 10_000 + distinct * 10 + i,
      cpuMsPerTask: 50,
      waitMsPerTask: 10,
      cores: 8,
      ...(i < 2 ? { deadlineMs: 60_000 } : {}),
    })),
  });

/** One request of the mix: 50% distinct profiles, 49% repeated ones, 1% batches. */
function nextRequest(): { path: string; body: string } {
  const draw = Math.random();
  distinct++;
  if (draw < 0.5) return { path: '/advise', body: JSON.stringify({ tasks: 500 + distinct, cpuMsPerTask: 100, waitMsPerTask: 200, cores: 8 }) };
  if (draw < 0.99) return { path: '/advise', body: REPEATED[distinct % REPEATED.length]! };
  return { path: '/advise/batch', body: batch() };
}

function run(seconds: number, overallRate?: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: server.url,
        connections: CONNECTIONS,
        duration: seconds,
        ...(overallRate ? { overallRate } : {}),
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            setupRequest: (request) => ({ ...request, ...nextRequest() }),
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([\\d.e+-]+)$`, 'm').exec(text)?.[1] ?? NaN);
}

const rssMb = () => Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))?.[1]) / 1024;

let jobsRunning = true;
/** Job replies by status (and error code): a refused job says why. */
const jobs: Record<string, number> = {};
const jobLoop = (async () => {
  while (jobsRunning) {
    const res = await fetch(`${server.url}/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(JOB) });
    const body = (await res.json()) as { code?: string };
    const key = res.ok ? '200' : `${res.status} ${body.code}`;
    jobs[key] = (jobs[key] ?? 0) + 1;
    // A refused job waits as told, as a client would.
    if (!res.ok) await new Promise((resolve) => setTimeout(resolve, 1000 * Number(res.headers.get('retry-after') ?? 1)));
  }
})();

// The most the mix gets, closed loop, with the jobs running: after a warm-up, 20 s.
await run(5);
const max = await run(20);
const rate = Math.round(max.requests.average * SHARE_OF_MAX);
console.log(`max ${Math.round(max.requests.average)} req/s (closed loop, ${CONNECTIONS} connections); soak at ${rate} req/s for ${SECONDS} s`);

interface Minute {
  minute: number;
  /** Replies by status other than 2xx, and errors and timeouts. */
  failed: Record<string, number>;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  failures: number;
  rssMb: number;
  heapUsedMb: number;
}
const minutes: Minute[] = [];
for (let elapsed = 0; elapsed < SECONDS; elapsed += MINUTE) {
  const result = await run(MINUTE, rate);
  const row: Minute = {
    minute: minutes.length + 1,
    rps: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
    failed: {
      ...Object.fromEntries(
        Object.entries(result.statusCodeStats as Record<string, { count: number }>)
          .filter(([status]) => !status.startsWith('2'))
          .map(([status, { count }]) => [status, count]),
      ),
      ...(result.errors ? { errors: result.errors } : {}),
      ...(result.timeouts ? { timeouts: result.timeouts } : {}),
    },
    rssMb: Math.round(rssMb()),
    heapUsedMb: Math.round((await metric('nodejs_heap_size_used_bytes')) / 2 ** 20),
  };
  minutes.push(row);
  console.log(JSON.stringify(row));
}
jobsRunning = false;
await jobLoop;
const hits = await metric('advice_cache_lookups_total\\{result="hit"\\}');
const misses = await metric('advice_cache_lookups_total\\{result="miss"\\}');
await server.stop();

const first = minutes[0]!;
const last = minutes[minutes.length - 1]!;
const result = {
  date: new Date().toISOString(),
  seconds: SECONDS,
  maxRps: Math.round(max.requests.average),
  rate,
  jobs,
  cache: { hits, misses },
  minutes,
  p99LastOverFirst: Number((last.p99Ms / first.p99Ms).toFixed(2)),
  rssGrowthMb: last.rssMb - first.rssMb,
  heapGrowthMb: last.heapUsedMb - first.heapUsedMb,
  failures: minutes.reduce((sum, row) => sum + row.failures, 0),
};
mkdirSync('bench/out', { recursive: true });
writeFileSync('bench/out/soak.json', JSON.stringify(result, null, 2));
console.log(
  `p99 last / first minute ${result.p99LastOverFirst} (target 1.5 or less); RSS ${first.rssMb} -> ${last.rssMb} MB, heap ${first.heapUsedMb} -> ${last.heapUsedMb} MB; ` +
    `${result.failures} failures; jobs ${JSON.stringify(jobs)}; cache ${hits} hits, ${misses} misses`,
);
