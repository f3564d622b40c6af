import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { batchTime, responseTime, type ClosedNetwork } from '../../../src/advisor/model/queueing.js';

const net = (parts: Partial<ClosedNetwork>): ClosedNetwork => ({
  serialMs: 0,
  serialStations: 1,
  parallelMs: 0,
  servers: 1,
  delayMs: 0,
  wakeDelayMs: 0,
  ...parts,
});

const close = (actual: number, expected: number) =>
  assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, expected), `${actual} is not ${expected}`);

describe('mean-value analysis of a closed network', () => {
  test('one task alone queues nowhere: its time is the sum of the stations', () => {
    close(responseTime(net({ serialMs: 2, parallelMs: 3, delayMs: 5, wakeDelayMs: 4 }), 1), 10);
  });

  test('no tasks take no time', () => {
    assert.equal(responseTime(net({ serialMs: 2, delayMs: 5 }), 0), 0);
    assert.equal(batchTime(net({ serialMs: 2 }), 0, 4), 0);
  });

  test('waits overlap completely: a pure delay takes its time at any population', () => {
    for (const population of [1, 7, 256, 10_000]) close(responseTime(net({ delayMs: 300 }), population), 300);
  });

  test('one serial station serves one task at a time: n tasks each wait n services', () => {
    for (const population of [1, 2, 16, 256]) close(responseTime(net({ serialMs: 5 }), population), 5 * population);
  });

  test('above the exact population, the approximation still gives n services on one serial station', () => {
    for (const population of [257, 1_000, 100_000]) close(responseTime(net({ serialMs: 5 }), population), 5 * population);
  });

  test('m parallel servers: no wait up to m tasks, then the queue drains m at a time', () => {
    const cores = net({ parallelMs: 10, servers: 4 });
    for (const population of [1, 2, 4]) close(responseTime(cores, population), 10);
    close(responseTime(cores, 8), 20);
    close(responseTime(cores, 40), 100);
  });

  test('the convoy delay is paid only by tasks that wait, and grows with the serial station busy', () => {
    const noWait = net({ serialMs: 1, parallelMs: 1, wakeDelayMs: 5 });
    close(responseTime(noWait, 8), responseTime(net({ serialMs: 1, parallelMs: 1 }), 8));
    const waiting = (wakeDelayMs: number) => responseTime(net({ serialMs: 1, delayMs: 10, wakeDelayMs }), 8);
    assert.ok(waiting(5) > waiting(0), `${waiting(5)} vs ${waiting(0)}`);
  });

  test('response time never falls as tasks are added', () => {
    const mixed = net({ serialMs: 2, parallelMs: 6, servers: 2, delayMs: 20, wakeDelayMs: 5 });
    let last = 0;
    for (let population = 1; population <= 300; population++) {
      const r = responseTime(mixed, population);
      assert.ok(r >= last - 1e-9, `population ${population}: ${r} < ${last}`);
      last = r;
    }
  });
});

describe('the wall time of a batch', () => {
  test('full rounds at the full population, then the rest', () => {
    const mixed = net({ serialMs: 2, parallelMs: 6, servers: 2, delayMs: 20 });
    close(batchTime(mixed, 10, 4), 2 * responseTime(mixed, 4) + responseTime(mixed, 2));
    close(batchTime(mixed, 8, 4), 2 * responseTime(mixed, 4));
  });

  test('processes running at once load the shared stations together', () => {
    const shared = net({ parallelMs: 10, servers: 4 });
    close(batchTime(shared, 4, 4, 2), responseTime(shared, 8));
  });

  test('no faster than the serial station can serve every task, nor than the threads can cycle', () => {
    const mixed = net({ serialMs: 3, parallelMs: 4, servers: 8, delayMs: 10 });
    for (const [tasks, threads] of [[100, 4], [100, 64], [1_000, 300]] as const) {
      const wall = batchTime(mixed, tasks, threads);
      assert.ok(wall >= tasks * 3 - 1e-6, `${tasks} x ${threads}: ${wall} ms beats the serial station`);
      assert.ok(wall >= (tasks / threads) * 17 - 1e-6, `${tasks} x ${threads}: ${wall} ms beats the threads`);
    }
  });
});
