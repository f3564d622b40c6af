import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { ProfileSchema } from '../../src/advisor/profile.js';
import { taskFolder } from '../cli/probe-tasks.js';

/** python/task_advisor_probe used as a library, as a user imports it: standard library only, 3.9+. */
const PYTHON_DIR = fileURLToPath(new URL('../../../python', import.meta.url));

function python(interpreter: string, code: string, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(interpreter, ['-c', code], {
      cwd,
      env: { ...process.env, PYTHONPATH: PYTHON_DIR, PYTHONDONTWRITEBYTECODE: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (exit) => resolve({ code: exit, stdout, stderr }));
  });
}

function installed(command: string): boolean {
  try {
    execFileSync(command, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

let tasks: Awaited<ReturnType<typeof taskFolder>>;
before(async () => {
  tasks = await taskFolder();
});
after(async () => {
  await rm(tasks.dir, { recursive: true, force: true });
});

describe('task_advisor_probe as a library', () => {
  test('probe(fn, inputs, tasks=...) returns the figures and a profile for POST /advise', async () => {
    const r = await python(
      'python3',
      `import json
from probe_tasks import pure_cpu
from task_advisor_probe import probe
report = probe(pure_cpu, [5, 5, 5], tasks=1000, sample=4)
print(json.dumps(report))`,
      tasks.dir,
    );
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    const profile = ProfileSchema.parse(report.profile);
    assert.equal(profile.tasks, 1000);
    assert.equal(profile.basis, 'probed');
    assert.ok(profile.cpuMsPerTask! >= 4.8 && profile.cpuMsPerTask! <= 6.5, `CPU ${profile.cpuMsPerTask} ms`);
    for (const figure of Object.values(report.figures) as { how: string }[]) assert.ok(figure.how.length > 20, 'each figure says how');
  });

  test('run_plan runs every task exactly once on each model, async functions included', async () => {
    // Each task leaves a file named after its input, from whichever thread or process ran it.
    const r = await python(
      'python3',
      `import asyncio, os
from task_advisor_probe import run_plan

def touch(name):
    open(os.path.join("marks", name), "w").close()

async def atouch(name):
    await asyncio.sleep(0.001)
    touch(name)

plans = [
    {"model": "sequential"},
    {"model": "threads", "threadsPerProcess": 4},
    {"model": "processes", "processes": 2, "chunkSize": 3},
    {"model": "hybrid", "processes": 2, "threadsPerProcess": 3, "chunkSize": 5},
]
for fn in (touch, atouch):
    for plan in plans:
        os.makedirs("marks", exist_ok=True)
        ms = run_plan(fn, [f"{fn.__name__}-{plan['model']}-{i}" for i in range(17)], plan)
        assert ms > 0
print("ok")`,
      tasks.dir,
    );
    assert.equal(r.code, 0, r.stderr);
    const marks = await readdir(join(tasks.dir, 'marks'));
    for (const fn of ['touch', 'atouch']) {
      for (const model of ['sequential', 'threads', 'processes', 'hybrid']) {
        const made = marks.filter((m) => m.startsWith(`${fn}-${model}-`)).length;
        assert.equal(made, 17, `${fn} on ${model}`);
      }
    }
  });

  test('a function that raises: TaskFailed names the input and keeps the traceback from the user code', async () => {
    const r = await python(
      'python3',
      `from probe_tasks import fails_on_three
from task_advisor_probe import probe, TaskFailed
try:
    probe(fails_on_three, [1, 2, 3], sample=3)
except TaskFailed as error:
    print(error.index, error.exception)
    print("\\n".join(error.traceback))`,
      tasks.dir,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^2 ValueError: cannot take 3$/m);
    assert.match(r.stdout, /probe_tasks\.py", line \d+, in fails_on_three/);
  });

  test('runs under PyPy 3.9 and says so in the profile', { skip: !installed('pypy3') && 'pypy3 is not installed' }, async () => {
    const r = await python(
      'pypy3',
      `import json
from probe_tasks import hash_big
from task_advisor_probe import probe
print(json.dumps(probe(hash_big, [10, 10], tasks=100, sample=4)["profile"]))`,
      tasks.dir,
    );
    assert.equal(r.code, 0, r.stderr);
    const profile = ProfileSchema.parse(JSON.parse(r.stdout));
    assert.equal(profile.runtime, 'pypy');
    assert.ok(profile.gilReleasedShare! >= 0.8, `GIL released ${profile.gilReleasedShare}`);
  });
});
