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

  test("a measured run's CPU takes the wall time its native threads allow: under a GIL, only the released share spreads", () => {
    // 100 tasks of 40 ms CPU on 4 native threads in 3 s: native code spreads its 40 ms to 10 ms, leaving 20 ms of wait.
    const measurement = { wallMs: 3000, cpuMs: 4000 };
    const native = work({ cpuMsPerTask: undefined, waitMsPerTask: undefined, threadsPerTask: 4, gilReleasedShare: 1, measurement });
    assert.equal(native.waitMs, 20);
    // Pure Python holds the GIL and runs its 40 ms on one thread whatever threadsPerTask says: no time is left to wait.
    const python = work({ cpuMsPerTask: undefined, waitMsPerTask: undefined, threadsPerTask: 4, gilReleasedShare: 0, measurement });
    assert.equal(python.waitMs, 0);
    assert.ok(python.assumptions.some((a) => a.includes('on 4 threads a task, 100% of it holding the GIL on one')), python.assumptions.join(' | '));
    // Node has no GIL: its CPU spreads as native code's does.
    assert.equal(work({ runtime: 'node', cpuMsPerTask: undefined, waitMsPerTask: undefined, threadsPerTask: 4, measurement }).waitMs, 20);
  });

  test('a measured run with more CPU than wall says the run was not sequential', () => {
    const w = work({ cpuMsPerTask: undefined, waitMsPerTask: undefined, measurement: { wallMs: 1000, cpuMs: 3000 } });
    assert.equal(w.waitMs, 0);
    assert.ok(w.assumptions.some((a) => a.startsWith('The measured CPU time (3,000 ms) does not fit in the wall time (1,000 ms) on 1 thread a task:')), w.assumptions.join(' | '));
  });

  test('a GIL share sent for a runtime without a GIL is said to be unused, not dropped in silence', () => {
    const node = work({ runtime: 'node', tasks: 2000, cpuMsPerTask: 40, waitMsPerTask: 5, gilReleasedShare: 0.9 });
    const said = node.assumptions.find((a) => a.startsWith('gilReleasedShare 0.9 is not used'));
    assert.ok(said, node.assumptions.join(' | '));
    assert.match(said, /Node has no GIL/);
    assert.ok(node.assumptions.some((a) => /^Node's async native calls .* run on libuv's pool, 4 threads a process unless UV_THREADPOOL_SIZE says more.*left at 4, such calls run 4 at a time and the batch takes longer than they show\.$/.test(a)), node.assumptions.join(' | '));
    // A named workload that is mostly native gets the same word about libuv, and no GIL share taken or said.
    const images = work({ runtime: 'node', tasks: 2000, workload: 'image-processing', cpuMsPerTask: undefined, waitMsPerTask: undefined });
    assert.equal(images.gilReleasedShare, 0);
    assert.ok(!images.assumptions.some((a) => /GIL|Pillow/.test(a)), images.assumptions.join(' | '));
    assert.ok(images.assumptions.some((a) => a.startsWith("Node's async native calls")));
    // A hash is computed where createHash is called, not on libuv's pool: no word of the pool for it.
    const hashes = work({ runtime: 'node', tasks: 2000, workload: 'hashing', cpuMsPerTask: undefined, waitMsPerTask: undefined });
    assert.ok(!hashes.assumptions.some((a) => a.startsWith("Node's async native calls")), hashes.assumptions.join(' | '));
    // Python hears which library releases the GIL.
    assert.ok(work({ tasks: 2000, workload: 'image-processing', cpuMsPerTask: undefined, waitMsPerTask: undefined }).assumptions.some((a) => a.includes('(~150 ms); Pillow releases the GIL in most filters.')));
    assert.match(work({ runtime: 'cpython-free-threaded', tasks: 10, cpuMsPerTask: 5, gilReleasedShare: 0.5 }).assumptions.join(' '), /free-threaded CPython has no GIL/);
    // Not sent, or where the runtime has a GIL: nothing to say.
    assert.ok(!work({ runtime: 'node', tasks: 10, cpuMsPerTask: 5 }).assumptions.some((a) => a.startsWith('gilReleasedShare')));
    assert.ok(!work({ tasks: 10, cpuMsPerTask: 5, gilReleasedShare: 0.5 }).assumptions.some((a) => a.startsWith('gilReleasedShare')));
  });

  test('explicit fields beat a workload\'s typical ones', () => {
    const w = work({ cpuMsPerTask: undefined, waitMsPerTask: undefined, workload: 'hashing', gilReleasedShare: 0.5 });
    assert.equal(w.gilReleasedShare, 0.5);
    assert.equal(w.payloadBytes, 4_000_000);
  });
});
