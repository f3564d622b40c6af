import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { batchTime, responseTime, solve, type ClosedNetwork } from '../../../src/advisor/model/queueing.js';

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
    assert.equal(batchTime(solve(net({ serialMs: 2 })), 0, 4), 0);
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
    close(batchTime(solve(mixed), 10, 4), 2 * responseTime(mixed, 4) + responseTime(mixed, 2));
    close(batchTime(solve(mixed), 8, 4), 2 * responseTime(mixed, 4));
  });

  test('processes running at once load the shared stations together', () => {
    const shared = net({ parallelMs: 10, servers: 4 });
    close(batchTime(solve(shared), 4, 4, 2), responseTime(shared, 8));
  });

  test('no faster than the serial station can serve every task, nor than the threads can cycle', () => {
    const mixed = net({ serialMs: 3, parallelMs: 4, servers: 8, delayMs: 10 });
    for (const [tasks, threads] of [[100, 4], [100, 64], [1_000, 300]] as const) {
      const wall = batchTime(solve(mixed), tasks, threads);
      assert.ok(wall >= tasks * 3 - 1e-6, `${tasks} x ${threads}: ${wall} ms beats the serial station`);
      assert.ok(wall >= (tasks / threads) * 17 - 1e-6, `${tasks} x ${threads}: ${wall} ms beats the threads`);
    }
  });
});

/**
 * Exact MVA solved from scratch for one population, as the textbook writes it: the oracle for the solver,
 * which solves each network once and answers every population from that one solution.
 */
function solvedAfresh(net: ClosedNetwork, population: number): number {
  const stations = Math.max(1, net.serialStations);
  const servers = Math.max(1, net.servers);
  const convoyMs = net.delayMs > 0 ? Math.min(net.wakeDelayMs, net.serialMs) : 0;
  let queuePerStation = 0;
  let parallelQueue = 0;
  let utilisation = 0;
  let r = 0;
  for (let n = 1; n <= population; n++) {
    const serialR = net.serialMs * (1 + queuePerStation);
    const parallelR = net.parallelMs * Math.max(1, (1 + parallelQueue) / servers);
    r = serialR + parallelR + net.delayMs + convoyMs * utilisation;
    const share = (ms: number) => (r > 0 ? ms / r : 0);
    queuePerStation = (n * share(serialR)) / stations;
    parallelQueue = n * share(parallelR);
    utilisation = Math.min(1, (n * share(net.serialMs)) / stations);
  }
  return r;
}

const ms = fc.oneof(fc.constant(0), fc.double({ min: 0.001, max: 500, noNaN: true }));
const network: fc.Arbitrary<ClosedNetwork> = fc.record({
  serialMs: ms,
  serialStations: fc.integer({ min: 1, max: 64 }),
  parallelMs: ms,
  servers: fc.oneof(fc.integer({ min: 1, max: 1024 }), fc.double({ min: 0.5, max: 64, noNaN: true })),
  delayMs: ms,
  wakeDelayMs: fc.constantFrom(0, 5.1),
});

describe('one solution per network', () => {
  test('each population gets what solving it afresh gives, in whatever order populations are asked', () => {
    fc.assert(
      fc.property(network, fc.array(fc.integer({ min: 1, max: 256 }), { minLength: 1, maxLength: 8 }), (net, populations) => {
        // Tasks bound to one of several serial stations are solved otherwise: see the next describe.
        fc.pre(net.serialStations === 1 || net.serialMs === 0);
        for (const population of populations) {
          // A copy, as each plan builds its own network object: equal numbers must share one solution.
          assert.equal(responseTime({ ...net }, population), solvedAfresh(net, population));
        }
      }),
      { seed: 20_261_202, numRuns: 300 },
    );
  });

  test('networks with no serial time are one, whatever their serial stations and convoy', () => {
    const net: ClosedNetwork = { serialMs: 0, serialStations: 1, parallelMs: 10, servers: 4, delayMs: 30, wakeDelayMs: 0 };
    for (const population of [1, 7, 64, 300]) {
      const expected = responseTime(net, population);
      assert.equal(responseTime({ ...net, serialStations: 16, wakeDelayMs: 5.1 }, population), expected);
    }
    assert.equal(responseTime(net, 7), solvedAfresh(net, 7));
  });
});

describe("tasks bound to their own process's serial station", () => {
  test("a process's tasks queue only for its own station: n tasks of one GIL each take n turns, whatever the processes", () => {
    for (const stations of [2, 5, 16]) {
      for (const perProcess of [1, 2, 8]) {
        const net: ClosedNetwork = { serialMs: 250, serialStations: stations, parallelMs: 0, servers: 1, delayMs: 0, wakeDelayMs: 0 };
        const r = responseTime(net, stations * perProcess);
        assert.ok(Math.abs(r - 250 * perProcess) <= 1e-6 * r, `${stations} x ${perProcess}: ${r} ms`);
      }
    }
  });

  test("a task waits no longer than behind its process's other tasks at its station and every task at the cores, and no less than alone", () => {
    fc.assert(
      fc.property(network, fc.integer({ min: 2, max: 64 }), fc.integer({ min: 1, max: 32 }), (net, stations, perProcess) => {
        fc.pre(net.serialMs > 0);
        const population = stations * perProcess;
        const r = responseTime({ ...net, serialStations: stations }, population);
        const aloneMs = net.serialMs + net.parallelMs + net.delayMs;
        const convoyMs = net.delayMs > 0 ? Math.min(net.wakeDelayMs, net.serialMs) : 0;
        const worstMs = net.serialMs * perProcess + net.parallelMs * Math.max(1, population / Math.max(1, net.servers)) + net.delayMs + convoyMs;
        assert.ok(r >= aloneMs * (1 - 1e-12), `${r} ms under the task alone, ${aloneMs} ms`);
        assert.ok(r <= worstMs * (1 + 1e-12), `${r} ms over the worst queues, ${worstMs} ms`);
      }),
      { seed: 20_261_201, numRuns: 300 },
    );
  });
});
