import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { createGilMemory } from '../../src/jobs/gil.js';

/** The module as this test runs: compiled under dist/, or the source under tsx (whose loader the workers inherit). */
const GIL_MODULE = new URL(`../../src/jobs/gil.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url).href;

/** Threads that read, think, then write a shared counter: without mutual exclusion, updates are lost. */
const CONTENDER = `
  import { workerData, parentPort } from 'node:worker_threads';
  const { EmulatedGil } = await import(workerData.gilModule);
  const gil = new EmulatedGil(workerData.gil);
  const counter = new Int32Array(workerData.counter);
  for (let i = 0; i < workerData.rounds; i++) {
    gil.acquire();
    const seen = counter[0];
    for (let spin = 0; spin < 2000; spin++) Math.sqrt(spin);
    counter[0] = seen + 1;
    gil.release();
  }
  parentPort.postMessage('done');
`;

test('the emulated GIL lets one thread at a time hold it: no update of a shared counter is lost', async () => {
  const gil = createGilMemory();
  const counter = new SharedArrayBuffer(4);
  const threads = 4;
  const rounds = 300;
  const workers = Array.from(
    { length: threads },
    () => new Worker(new URL(`data:text/javascript,${encodeURIComponent(CONTENDER)}`), { workerData: { gil, counter, rounds, gilModule: GIL_MODULE } }),
  );
  await Promise.all(workers.map((worker) => new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject))));
  await Promise.all(workers.map((worker) => worker.terminate()));
  assert.equal(new Int32Array(counter)[0], threads * rounds);
});
