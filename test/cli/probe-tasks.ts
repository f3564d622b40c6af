import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Real task functions for the probe's tests. CPU work runs for a set time of the calling thread's CPU
 * (time.thread_time), so a task costs the same on a fast machine, a slow one or a loaded one.
 */
export const PROBE_TASKS_PY = String.raw`
import asyncio
import hashlib
import time

BUFFER = b"\xa5" * (1 << 20)


def pure_cpu(ms):
    """Pure-Python bytecode: holds the GIL throughout."""
    end = time.thread_time() + ms / 1000
    x = 0
    while time.thread_time() < end:
        for i in range(200):
            x = (x + i * 7) % 1000003
    return x


def hash_big(ms):
    """sha256 over 1 MiB updates: hashlib releases the GIL for every update of 2048 bytes or more."""
    end = time.thread_time() + ms / 1000
    h = hashlib.sha256()
    while time.thread_time() < end:
        h.update(BUFFER)
    return h.hexdigest()[:16]


def nap(seconds):
    time.sleep(seconds)
    return seconds


def cpu_then_nap(arg):
    ms, seconds = arg
    pure_cpu(ms)
    time.sleep(seconds)
    return ms


def big_result(nbytes):
    return b"\x5a" * nbytes


def fails_on_three(x):
    if x == 3:
        raise ValueError(f"cannot take {x}")
    return x


def hangs(x):
    time.sleep(3600)


async def async_nap(seconds):
    await asyncio.sleep(seconds)
    return seconds


def inputs_for_nap():
    return [0.02] * 8
`;

/** A folder holding probe_tasks.py, and a helper to write JSON inputs beside it. */
export async function taskFolder(): Promise<{ dir: string; file: string; inputs: (name: string, value: unknown) => Promise<string> }> {
  const dir = await mkdtemp(join(tmpdir(), 'task-advisor-probe-test-'));
  const file = join(dir, 'probe_tasks.py');
  await writeFile(file, PROBE_TASKS_PY);
  return {
    dir,
    file,
    inputs: async (name, value) => {
      const path = join(dir, name);
      await writeFile(path, typeof value === 'string' ? value : JSON.stringify(value));
      return path;
    },
  };
}
