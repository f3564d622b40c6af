import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Piscina } from 'piscina';
import { threadsLoaded } from '../../src/jobs/thread-loading.js';

const LOAD_MS = 300;
const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
const slowWorker = new URL(`./fixtures/slow-loading-worker${extension}`, import.meta.url).href;

test('a pool is stopped only once the thread it started for a task has loaded its module', async () => {
  const pool = new Piscina<undefined, string>({ filename: slowWorker, minThreads: 0, maxThreads: 1, workerData: LOAD_MS });
  const untilLoaded = threadsLoaded(pool);
  const answer = pool.run(undefined);
  assert.equal(pool.threads.length, 1, 'the task started a thread');
  const started = performance.now();
  await untilLoaded();
  const waitedMs = performance.now() - started;
  assert.ok(waitedMs >= LOAD_MS * 0.8, `waited ${waitedMs.toFixed(0)} ms for a thread that takes ${LOAD_MS} ms to load`);
  assert.equal(await answer, 'loaded');
  const again = performance.now();
  await untilLoaded();
  assert.ok(performance.now() - again < LOAD_MS / 2, 'a loaded pool is not waited for');
  await pool.destroy();
});
