import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { responseTime, type ClosedNetwork } from '../../../src/advisor/model/queueing.js';

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

test('each population gets what solving it afresh gives, in whatever order populations are asked', () => {
  fc.assert(
    fc.property(network, fc.array(fc.integer({ min: 1, max: 256 }), { minLength: 1, maxLength: 8 }), (net, populations) => {
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
