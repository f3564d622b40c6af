import { mkdirSync, writeFileSync } from 'node:fs';
import { startServer } from './server-process.js';

/**
 * Heavy requests off the event loop: 10 batches of 100 deadline profiles (each a scale-out search on 1,024
 * cores) posted at once, while GET /health is asked every 20 ms; the figure is the slowest /health answer
 * while the batches run (target: 50 ms), beside how long the batches took. Writes bench/out/heavy.json.
 */
// The pools of one core start soonest: sample jobs play no part here.
const server = await startServer(new URL('../src/server.js', import.meta.url), 3107, { POOL_CORES: '1' }, { path: '/ready', status: 200 });

const batches = Array.from({ length: 10 }, (_, b) =>
  JSON.stringify({ profiles: Array.from({ length: 100 }, (_, i) => ({ tasks: 1e9 - b * 1000 - i, cpuMsPerTask: 10, waitMsPerTask: 10, cores: 1024, deadlineMs: 1000 })) }),
);
let running = true;
const health: number[] = [];
const probe = (async () => {
  while (running) {
    const started = performance.now();
    const res = await fetch(`${server.url}/health`);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`/health answered ${res.status}`);
    health.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
})();
const started = performance.now();
const statuses = await Promise.all(
  batches.map(async (body) => {
    const res = await fetch(`${server.url}/advise/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const reply = (await res.json()) as { succeeded: number };
    return `${res.status}:${reply.succeeded}`;
  }),
);
const batchesMs = performance.now() - started;
running = false;
await probe;
await server.stop();

const sorted = [...health].sort((a, b) => a - b);
const result = {
  batchesMs: Math.round(batchesMs),
  statuses,
  healthProbes: health.length,
  healthMaxMs: Number(sorted[sorted.length - 1]!.toFixed(1)),
  healthP99Ms: Number(sorted[Math.ceil(sorted.length * 0.99) - 1]!.toFixed(1)),
};
mkdirSync('bench/out', { recursive: true });
writeFileSync('bench/out/heavy.json', JSON.stringify(result, null, 2));
console.log(
  `10 batches of 100 deadline profiles at once: done in ${result.batchesMs} ms (${statuses.join(' ')}); ` +
    `/health while they ran: ${result.healthProbes} answers, slowest ${result.healthMaxMs} ms, p99 ${result.healthP99Ms} ms (target: 50 ms)`,
);
