import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { startServer } from './server-process.js';

/**
 * The accept ramp: 100 new connections at once, each posting one profile, on Node 20 (this process's) and
 * Node 24 (scripts/node24.sh), to the bare route and to /advise with distinct profiles and with a cached one.
 * libuv 1.45+ accepts one connection per event-loop turn, so turn k serves the k connections accepted so far:
 * the last first reply waits about the per-request cost x 100^2 / 2. Figure: when the last of the 100 was
 * answered (target: 200 ms). Median of 5 bursts each, after a warm-up. Writes bench/out/ramp.json.
 */
const CONNECTIONS = 100;
const BURSTS = 5;
const node24 = `${execFileSync('bash', ['scripts/node24.sh'], { encoding: 'utf8' }).trim()}/node`;

/** One burst: every request on a connection of its own, all sent at once; ms until the last reply. */
function burst(url: string, body: (i: number) => string): Promise<number> {
  const started = performance.now();
  return Promise.all(
    Array.from(
      { length: CONNECTIONS },
      (_, i) =>
        new Promise<void>((resolve, reject) => {
          const req = request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
            res.resume();
            res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${url}: ${res.statusCode}`))));
          });
          req.on('error', reject);
          req.end(body(i));
        }),
    ),
  ).then(() => performance.now() - started);
}

let tasks = 1_000;
const distinctBody = () => JSON.stringify({ tasks: tasks++, cpuMsPerTask: 100, waitMsPerTask: 200, cores: 8 });
const sameBody = () => JSON.stringify({ tasks: 500, cpuMsPerTask: 100, waitMsPerTask: 200, cores: 8 });
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const rows = [];
for (const [label, node] of [['node 20', process.execPath], ['node 24', node24]] as const) {
  const version = execFileSync(node, ['-p', 'process.version + " (libuv " + process.versions.uv + ")"'], { encoding: 'utf8' }).trim();
  // No load shedding: a burst's event-loop delay is what is measured here, not a reason to answer 503.
  const server = await startServer(new URL('../src/server.js', import.meta.url), 3105, { MAX_EVENT_LOOP_DELAY_MS: '0' }, { path: '/ready', status: 200 }, node);
  const bare = await startServer(new URL('./bare-server.js', import.meta.url), 3106, {}, { path: '/', status: 404 }, node);
  const cases: Array<[string, string, () => string]> = [
    ['bare route', `${bare.url}/advise`, distinctBody],
    ['/advise, distinct profiles', `${server.url}/advise`, distinctBody],
    ['/advise, cache hits', `${server.url}/advise`, sameBody],
  ];
  for (const [, url, body] of cases) await burst(url, body);
  const times: Record<string, number[]> = {};
  for (let round = 0; round < BURSTS; round++) {
    for (const [name, url, body] of cases) (times[name] ??= []).push(await burst(url, body));
  }
  for (const [name] of cases) rows.push({ node: label, version, case: name, lastReplyMs: Math.round(median(times[name]!)), bursts: times[name]!.map(Math.round) });
  await server.stop();
  await bare.stop();
}
mkdirSync('bench/out', { recursive: true });
writeFileSync('bench/out/ramp.json', JSON.stringify(rows, null, 2));
console.log(`${CONNECTIONS} new connections at once, one POST each; ms until the last reply (median of ${BURSTS} bursts; target 200):`);
for (const row of rows) console.log(`  ${row.node} ${row.version}, ${row.case}: ${row.lastReplyMs} ms (${row.bursts.join(', ')})`);
