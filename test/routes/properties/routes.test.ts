import { Worker } from 'node:worker_threads';
import { describe, test, type TestContext } from 'node:test';
import { RUNS, type RouteOperation, type RouteReport } from './route-properties.js';

/**
 * The route properties of route-properties.ts, 10,000 generated requests per POST route, run in two
 * worker threads at once: in-process requests keep one core busy and the machine has two. The routes
 * are paired so that each thread has about the same work.
 */

const THREADS: RouteOperation[][] = [
  ['advise', 'compareJobs'],
  ['adviseBatch', 'runJob'],
];

type Outcome = { ok: true; report: RouteReport } | { ok: false; message: string };

/** Each route's outcome, as its worker reports it; a worker that crashes fails the routes it had not reported. */
function runInWorkers(): Map<RouteOperation, Promise<Outcome>> {
  const outcomes = new Map<RouteOperation, Promise<Outcome>>();
  for (const operations of THREADS) {
    const settle = new Map<RouteOperation, (outcome: Outcome) => void>();
    for (const operationId of operations) outcomes.set(operationId, new Promise((resolve) => settle.set(operationId, resolve)));
    const worker = new Worker(new URL('./route-worker.js', import.meta.url), { workerData: operations });
    worker.on('message', ({ operationId, ...outcome }: Outcome & { operationId: RouteOperation }) => settle.get(operationId)!(outcome));
    const failAll = (message: string) => settle.forEach((resolve) => resolve({ ok: false, message }));
    worker.once('error', (error) => failAll(`the worker crashed: ${error.stack ?? error}`));
    worker.once('exit', (code) => failAll(`the worker exited (${code}) before reporting this route`));
  }
  return outcomes;
}

describe('generated bodies against every POST route', () => {
  for (const [operationId, outcome] of runInWorkers()) {
    test(`${operationId}: ${RUNS} bodies, valid, at the bounds and broken`, async (t: TestContext) => {
      const result = await outcome;
      if (!result.ok) throw new Error(result.message);
      t.diagnostic(`POST ${result.report.url}: ${RUNS} cases in ${result.report.ms} ms; statuses ${JSON.stringify(result.report.statuses)}`);
    });
  }
});
