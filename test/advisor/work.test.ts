import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { workFor as work } from '../helpers/advice.js';

describe('resolving a profile', () => {
  test('a measured run is split into CPU and wait per task', () => {
    const w = work({ cpuMsPerTask: undefined, waitMsPerTask: undefined, measurement: { wallMs: 5000, cpuMs: 1000, tasks: 50 } });
    assert.equal(w.cpuMs, 20);
    assert.equal(w.waitMs, 80);
    assert.equal(w.basis, 'measured');
  });

  test('a measured run with more CPU than wall says the run was not sequential', () => {
    const w = work({ cpuMsPerTask: undefined, waitMsPerTask: undefined, measurement: { wallMs: 1000, cpuMs: 3000 } });
    assert.equal(w.waitMs, 0);
    assert.ok(w.assumptions.some((a) => a.includes('exceeds wall time')));
  });

  test('explicit fields beat a workload\'s typical ones', () => {
    const w = work({ cpuMsPerTask: undefined, waitMsPerTask: undefined, workload: 'hashing', gilReleasedShare: 0.5 });
    assert.equal(w.gilReleasedShare, 0.5);
    assert.equal(w.payloadBytes, 4_000_000);
  });
});
