import { mkdirSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { footprint, startServer, type Footprint } from './server-process.js';

/**
 * Waves of concurrent small POST /jobs, far beyond the job queue, against the server run as a real process.
 * Counts 200s and 503s (each 503 must carry Retry-After), checks that every 200 ran all its tasks, and reads
 * the server's memory, threads and child processes before, after every wave, and after a pause: a leak grows
 * wave after wave, a warm-up does not. Writes bench/out/flood.json and prints the figures.
 */
const PORT = 3102;
const QUEUE_SIZE = 4;
/** FLOOD_WAVES (e.g. "200,200,200") runs other waves, such as many more to tell a leak from a warm-up. */
const WAVES = (process.env.FLOOD_WAVES ?? '50,100,200,200,200').split(',').map(Number);
const PAUSE_MS = 5_000;

/**
 * Every pool, on the resident pool sizes (2 workers; one task per message), so that no pool is started for
 * the flood. With 5 tasks a full run waits at least ceil(5 / workers) times in a row; a run that skipped a
 * task waits once less (the reply has no count of tasks done, so its wall time is the check).
 */
const work = { tasks: 5, cpuMsPerTask: 1, waitMsPerTask: 50 };
const BODIES = [
  { pool: 'sequential', ...work },
  { pool: 'async', workers: 2, ...work },
  { pool: 'threads', ...work },
  { pool: 'processes', chunkSize: 1, ...work },
  { pool: 'hybrid', chunkSize: 1, ...work },
].map((body) => JSON.stringify(body));

interface Wave {
  concurrent: number;
  ok: number;
  queueFull: number;
  /** 503s (for any reason) without a usable Retry-After: a positive whole number of seconds. */
  withoutRetryAfter: number;
  retryAfterSeconds: number[];
  /** 200s whose wall time is too short for all their tasks to have run. */
  incomplete: number;
  other: Record<string, number>;
  errors: number;
  timeouts: number;
  after: Snapshot;
}

/** The footprint from /proc, with the V8 heap in use from /metrics: RSS alone cannot tell a leak from heap growth. */
type Snapshot = Footprint & { heapUsedMb: number };

// The flood comes from one address: lift the per-client limit so that it is the queue that refuses.
const server = await startServer(
  new URL('../src/server.js', import.meta.url),
  PORT,
  { JOB_QUEUE_SIZE: String(QUEUE_SIZE), JOB_RATE_LIMIT_PER_MINUTE: '1000000' },
  { path: '/ready', status: 200 },
);

async function wave(concurrent: number): Promise<Wave> {
  const result: Omit<Wave, 'after' | 'errors' | 'timeouts'> = { concurrent, ok: 0, queueFull: 0, withoutRetryAfter: 0, retryAfterSeconds: [], incomplete: 0, other: {} };
  let sent = 0;
  // One request per connection, all at once; the pools take turns across the wave.
  const run = await autocannon({
    url: `${server.url}/jobs`,
    connections: concurrent,
    amount: concurrent,
    timeout: 60,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, body: BODIES[sent++ % BODIES.length] }),
        onResponse: (status, body, _context, headers) => {
          const reply = JSON.parse(body);
          if (status === 200) {
            result.ok++;
            // A timer may fire up to 1 ms early by performance.now(); a missing wait is 50 ms.
            const leastMs = Math.ceil(reply.tasks / reply.workers) * (work.waitMsPerTask - 1);
            if (reply.tasks !== work.tasks || reply.wallMs < leastMs) result.incomplete++;
            return;
          }
          if (status === 503) {
            const retryAfter = Number(headers?.['retry-after']);
            if (Number.isInteger(retryAfter) && retryAfter > 0) result.retryAfterSeconds.push(retryAfter);
            else result.withoutRetryAfter++;
          }
          if (status === 503 && reply.code === 'QUEUE_FULL') result.queueFull++;
          else {
            const key = `${status} ${reply.code ?? ''}`.trim();
            result.other[key] = (result.other[key] ?? 0) + 1;
          }
        },
      },
    ],
  });
  return { ...result, errors: run.errors, timeouts: run.timeouts, after: await snapshot() };
}

/** Sample jobs the server counted, by outcome (its own tally, to set beside the client's), and its heap in use. */
async function serverMetrics(): Promise<{ outcomes: Record<string, number>; heapUsedMb: number }> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const outcomes: Record<string, number> = {};
  for (const [, outcome, count] of text.matchAll(/^job_duration_seconds_count\{[^}]*outcome="([^"]+)"[^}]*\} (\d+)$/gm)) {
    outcomes[outcome!] = (outcomes[outcome!] ?? 0) + Number(count);
  }
  return { outcomes, heapUsedMb: Number(/^nodejs_heap_size_used_bytes (\S+)$/m.exec(text)?.[1]) / 2 ** 20 };
}

async function snapshot(): Promise<Snapshot> {
  return { ...footprint(server.pid), heapUsedMb: (await serverMetrics()).heapUsedMb };
}

// A first wave warms the server (JIT, sockets, buffers); the baseline is taken after it.
const warmUp = await wave(WAVES[0]!);
const before = await snapshot();
const { outcomes: outcomesBefore } = await serverMetrics();
const waves: Wave[] = [];
for (const concurrent of WAVES) waves.push(await wave(concurrent));
const { outcomes: outcomesAfter } = await serverMetrics();
await sleep(PAUSE_MS);
const afterPause = await snapshot();
await server.stop();

const counted = Object.fromEntries(Object.entries(outcomesAfter).map(([outcome, count]) => [outcome, count - (outcomesBefore[outcome] ?? 0)]));
const total = (key: 'ok' | 'queueFull' | 'withoutRetryAfter' | 'incomplete' | 'errors' | 'timeouts') => waves.reduce((sum, w) => sum + w[key], 0);
const result = { date: new Date().toISOString(), queueSize: QUEUE_SIZE, work, pauseMs: PAUSE_MS, warmUp, before, waves, afterPause, serverCounted: counted };
mkdirSync('bench/out', { recursive: true });
writeFileSync('bench/out/flood.json', JSON.stringify(result, null, 2));

const mb = (x: number) => x.toFixed(1);
const shape = (f: Snapshot) =>
  `RSS ${mb(f.rssMb)} MB (heap in use ${mb(f.heapUsedMb)} MB), ${f.threads} threads, ${f.children} child processes (${f.childThreads} threads, RSS ${mb(f.childRssMb)} MB)`;
const retryAfter = waves.flatMap((w) => w.retryAfterSeconds);
console.log(`POST /jobs floods against JOB_QUEUE_SIZE=${QUEUE_SIZE} (autocannon, one request per connection, waves of ${WAVES.join(', ')}; ${JSON.stringify(work)} on every pool)`);
for (const w of waves) {
  const other = Object.entries(w.other).map(([key, count]) => `, ${count} x ${key}`).join('');
  console.log(`  ${w.concurrent} at once: ${w.ok} x 200, ${w.queueFull} x 503 QUEUE_FULL${other}${w.errors + w.timeouts ? `, ${w.errors} errors, ${w.timeouts} timeouts` : ''}; then RSS ${mb(w.after.rssMb)} MB, heap in use ${mb(w.after.heapUsedMb)} MB`);
}
console.log(
  `  503s without Retry-After: ${total('withoutRetryAfter')} of ${retryAfter.length + total('withoutRetryAfter')} (Retry-After ${Math.min(...retryAfter)}-${Math.max(...retryAfter)} s); ` +
    `200s that did not run all their tasks: ${total('incomplete')} of ${total('ok')}; the server counted ${counted.ok ?? 0} ok and ${counted.QUEUE_FULL ?? 0} QUEUE_FULL`,
);
console.log(`  before:            ${shape(before)}`);
console.log(`  after the waves:   ${shape(waves[waves.length - 1]!.after)}`);
console.log(`  after ${PAUSE_MS / 1000} s pause: ${shape(afterPause)}`);
