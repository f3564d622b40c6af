import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import { cpuSeconds, exitedChildrenCpuSeconds } from './server-process.js';

/** Seconds per load run: BENCH_SECONDS shortens (or lengthens) every run of the bench. */
export const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

export interface LoadResult {
  /** 2xx replies per second. */
  rps: number;
  /** p99 of 2xx replies after each connection's first one (the steady state). */
  p99Ms: number;
  /** autocannon's own p99: every 2xx reply, the connection ramp included. */
  p99AllMs: number;
  /** The slowest first reply on a connection: `connections` opened at once against a busy server. */
  slowestFirstMs: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** The load generator's own CPU per 2xx reply: what it takes from the cores the server runs on. */
  clientUsPerRequest: number;
  /** Cores the server process used during the run, and its main thread (the one that serves HTTP) alone. */
  serverCores: number;
  mainThreadCores: number;
}

export function percentile(values: number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(sorted.length * share) - 1)] ?? NaN;
}

/**
 * One closed-loop autocannon run. The first reply on each connection is kept out of p99Ms: opening 100
 * connections at once against a saturated server delays some first replies by seconds (docs/reliability.md),
 * and in a run of a few seconds those alone are the top 1%.
 */
export async function load(url: string, serverPid: number, connections: number, seconds: number, body?: string): Promise<LoadResult> {
  const steady: number[] = [];
  const firsts: number[] = [];
  const seen = new Set<unknown>();
  const client = process.cpuUsage();
  const server = cpuSeconds(serverPid);
  const main = cpuSeconds(serverPid, serverPid);
  const started = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const options: autocannon.Options = { url, connections, duration: seconds };
    if (body !== undefined) Object.assign(options, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const instance = autocannon(options, (error, done) => (error ? reject(error) : resolve(done)));
    instance.on('response', (connection, status, _bytes, ms) => {
      if (status < 200 || status > 299) return;
      if (seen.has(connection)) steady.push(ms);
      else {
        seen.add(connection);
        firsts.push(ms);
      }
    });
  });
  const wallSeconds = (performance.now() - started) / 1000;
  const clientCpu = process.cpuUsage(client);
  const replies = steady.length + firsts.length;
  return {
    rps: replies / result.duration,
    p99Ms: percentile(steady, 0.99),
    p99AllMs: result.latency.p99,
    slowestFirstMs: Math.max(...firsts),
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    clientUsPerRequest: (clientCpu.user + clientCpu.system) / replies,
    serverCores: (cpuSeconds(serverPid) - server) / wallSeconds,
    mainThreadCores: (cpuSeconds(serverPid, serverPid) - main) / wallSeconds,
  };
}

export interface WrkResult {
  rps: number;
  /** wrk's p99, the connection ramp included. */
  p99Ms: number;
  timeouts: number;
  non2xx: number;
  clientUsPerRequest: number;
}

const run = promisify(execFile);
const MS_PER_UNIT: Record<string, number> = { us: 0.001, ms: 1, s: 1000 };

/**
 * One wrk run posting `body` (bench/post.lua), 2 threads for the 2 cores. Its timeout is raised from 2 s to
 * autocannon's 10 s: wrk leaves timed-out requests out of its latencies, which would hide the slowest.
 */
export async function wrk(url: string, connections: number, seconds: number, body: string, script = 'bench/post.lua', env: Record<string, string> = {}): Promise<WrkResult> {
  const cpuBefore = exitedChildrenCpuSeconds();
  const { stdout } = await run('wrk', ['-t2', `-c${connections}`, `-d${seconds}s`, '--timeout', '10s', '--latency', '-s', script, url], {
    env: { ...process.env, BODY: body, ...env },
  });
  const cpu = exitedChildrenCpuSeconds() - cpuBefore;
  const number = (pattern: RegExp) => Number(pattern.exec(stdout)?.[1] ?? 0);
  const p99 = /^\s+99%\s+([\d.]+)(us|ms|s)\s*$/m.exec(stdout);
  const requests = number(/^\s+(\d+) requests in/m);
  return {
    rps: number(/^Requests\/sec:\s+([\d.]+)/m),
    p99Ms: p99 ? Number(p99[1]) * MS_PER_UNIT[p99[2]!]! : NaN,
    timeouts: number(/timeout (\d+)/),
    non2xx: number(/Non-2xx or 3xx responses: (\d+)/),
    clientUsPerRequest: (cpu * 1e6) / requests,
  };
}
