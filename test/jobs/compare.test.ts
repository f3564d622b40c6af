import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { adviseSample, plannedRuns, poolRuns, sampleFromProfile, verdict } from '../../src/jobs/compare.js';
import { JOB_DEFAULTS } from '../../src/jobs/defaults.js';
import type { CompareRow } from '../../src/jobs/schema.js';
import { ProfileSchema } from '../../src/advisor/profile.js';

const limits = JOB_DEFAULTS.limits;

describe('scaling a profile down to a sample', () => {
  test('a long IO batch keeps its CPU-to-wait ratio and runs sequentially in about the sample time', () => {
    const { sample, notes } = sampleFromProfile(ProfileSchema.parse({ tasks: 1000, cpuMsPerTask: 2, waitMsPerTask: 300 }), limits, 2);
    assert.equal(sample.tasks, 256);
    assert.ok(Math.abs(sample.tasks * (sample.cpuMsPerTask + sample.waitMsPerTask) - limits.compareSampleMs) < 1e-6);
    assert.ok(Math.abs(sample.waitMsPerTask / sample.cpuMsPerTask - 150) < 1e-9);
    assert.equal(sample.gil, true, 'cpython samples run under the emulated GIL');
    assert.match(notes[0]!, /scaled to 256 tasks/);
  });

  test('tiny tasks stay as they are: shrinking them further would time the timer', () => {
    const { sample } = sampleFromProfile(ProfileSchema.parse({ runtime: 'node', tasks: 100_000, cpuMsPerTask: 0.005, waitMsPerTask: 0 }), limits, 2);
    assert.equal(sample.cpuMsPerTask, 0.005);
    assert.equal(sample.gil, false);
  });

  test('maxConcurrency and the GIL-released share go with the sample', () => {
    const { sample } = sampleFromProfile(ProfileSchema.parse({ tasks: 50, cpuMsPerTask: 10, waitMsPerTask: 10, maxConcurrency: 10, gilReleasedShare: 0.5 }), limits, 2);
    assert.equal(sample.maxConcurrency, 10);
    assert.equal(sample.gilReleasedShare, 0.5);
  });
});

describe('planning the compare rows', () => {
  test("every viable estimate the pools run becomes a run within the pools' limits, and a held-back one is marked", () => {
    const { advice } = adviseSample({ tasks: 256, cpuMsPerTask: 0.1, waitMsPerTask: 7.7, payloadBytesPerTask: 0, gilReleasedShare: 0, gil: false }, 2);
    const runs = plannedRuns(advice, { ...limits, maxThreads: 8 });
    const runnable = advice.estimates.filter((e) => e.viable && poolRuns(e));
    assert.deepEqual(runs.map((run) => run.plan.model), runnable.map((e) => e.model));
    // One row per model: the pools have an event loop that computes its own tasks and a hybrid of thread pools.
    assert.equal(new Set(runs.map((run) => run.plan.model)).size, runs.length);
    assert.deepEqual(
      runs.filter((run) => run.plan.model === 'async' || run.plan.model === 'hybrid').map((run) => `${run.plan.model} ${run.plan.inner}`),
      ['async async', 'hybrid threads'],
    );
    const threads = runs.find((run) => run.plan.model === 'threads');
    assert.ok(threads);
    assert.ok(threads.plan.threadsPerProcess <= 8);
    assert.equal(threads.clamped, advice.estimates.find((e) => e.model === 'threads')!.threadsPerProcess > 8);
  });
});

describe('the verdict', () => {
  const row = (model: CompareRow['model'], measuredWallMs: number): CompareRow => ({
    model,
    processes: 1,
    threadsPerProcess: 1,
    chunkSize: 1,
    predictedWallMs: 1,
    predictedSpeedup: 1,
    measuredWallMs,
    measuredSpeedup: 1,
    predictionError: 0,
  });

  test('the recommendation agrees when it measured within 10% of the fastest, and not beyond', () => {
    const rows = [row('sequential', 1000), row('threads', 105), row('processes', 100)];
    assert.deepEqual(verdict(rows, 'threads'), { fastest: 'processes', agree: true });
    assert.deepEqual(verdict([...rows.slice(0, 2), row('processes', 90)], 'threads'), { fastest: 'processes', agree: false });
  });
});
