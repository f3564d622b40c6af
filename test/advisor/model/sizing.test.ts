import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { goetzThreads, hybridChunkSize, processChunkSize } from '../../../src/advisor/model/sizing.js';
import { workFor as work } from '../../helpers/advice.js';

describe('sizing', () => {
  test('Goetz: threads grow with the wait/compute ratio', () => {
    assert.equal(goetzThreads(work({ cpuMsPerTask: 10, waitMsPerTask: 90, runtime: 'node' }), 4), 40);
    // Under a GIL one process computes on about one core, whatever the machine.
    assert.equal(goetzThreads(work({ cpuMsPerTask: 10, waitMsPerTask: 90 }), 4), 10);
    assert.equal(goetzThreads(work({ cpuMsPerTask: 10, waitMsPerTask: 90, gilReleasedShare: 0.5 }), 4), 20);
  });

  test('a chunk holds about 50 ms of work, at least 4 chunks per process, shared out evenly', () => {
    assert.equal(processChunkSize(100_000, 2, 0.005), 10_000);
    assert.equal(processChunkSize(100, 2, 0.005), 12);
    // Chunks that share out evenly: 16 of 2 rather than 10 of 3 and a 2.
    assert.equal(processChunkSize(32, 2, 20), 2);
    // No more than 1 MiB of payload per message.
    const size = processChunkSize(1000, 2, 1, 300_000);
    assert.ok(size >= 1 && size * 300_000 <= 1 << 20, `chunk ${size}`);
    assert.equal(processChunkSize(1000, 4, 100), 1);
  });

  test('a hybrid chunk never holds fewer tasks than the threads of a process', () => {
    assert.equal(hybridChunkSize(1000, 2, 8), 125);
    assert.equal(hybridChunkSize(40, 2, 32), 20);
    assert.ok(hybridChunkSize(100, 4, 8) >= 8);
  });
});
