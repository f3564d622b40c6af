import type { CrashMode, SampleTaskResult, SampleTaskSpec } from './protocol.js';
import { burn } from './burn.js';
import { EmulatedGil } from './gil.js';

const sleepCell = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));

/** Blocks the thread as one blocked on IO would: it holds no CPU and (emulated) no GIL while it waits. */
export function blockingWait(ms: number): void {
  if (ms > 0) Atomics.wait(sleepCell, 0, 0, ms);
}

function compute(spec: SampleTaskSpec): void {
  if (!spec.gil) {
    burn(spec.cpuIterations);
    return;
  }
  const gil = new EmulatedGil(spec.gil);
  const held = Math.round(spec.cpuIterations * spec.gilHeldShare);
  const slice = Math.max(1, spec.sliceIterations);
  for (let done = 0; done < held; done += slice) {
    gil.acquire();
    try {
      burn(Math.min(slice, held - done));
    } finally {
      gil.release();
    }
  }
  // Native code that releases the GIL (NumPy, hashlib, zlib) runs beside the other threads.
  burn(spec.cpuIterations - held);
}

/** Fails as asked: an error the pool hands back, or the end of the thread or process that runs the task. */
export function crash(how: CrashMode): never {
  if (how === 'exit') process.exit(1);
  throw new Error('the sample task failed on purpose (crash.how "throw")');
}

/** Waits, then computes, as a task that fetches its input and then works on it. */
export function runSampleTask(spec: SampleTaskSpec): SampleTaskResult {
  if (spec.crash) crash(spec.crash);
  const started = performance.now();
  blockingWait(spec.waitMs);
  compute(spec);
  return { ms: performance.now() - started, returned: new Uint8Array(spec.returnBytes) };
}
