import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { snippetFor, snippetKind, type SnippetKind } from '../../../src/advisor/explain/snippets.js';
import type { Plan } from '../../../src/advisor/plan.js';
import { ProfileSchema, type ProfileInput } from '../../../src/advisor/profile.js';
import { resolveWork } from '../../../src/advisor/work.js';

const run = promisify(execFile);
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'snippets-'));
  // The Node snippets import piscina as a user's project would: from a node_modules beside the file.
  const modules = join(process.cwd(), 'node_modules');
  assert.ok(existsSync(join(modules, 'piscina')), 'run the tests from the repository root, after npm ci');
  await symlink(modules, join(dir, 'node_modules'), 'dir');
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

type SnippetPlan = Plan & { inner?: 'threads' | 'async' };

/** One plan of every kind the snippets are written for, at small sizes. */
const PLANS: Record<SnippetKind, SnippetPlan> = {
  sequential: { model: 'sequential', processes: 1, threadsPerProcess: 1, chunkSize: 1 },
  threads: { model: 'threads', inner: 'threads', processes: 1, threadsPerProcess: 3, chunkSize: 1 },
  processes: { model: 'processes', processes: 2, threadsPerProcess: 1, chunkSize: 4 },
  async: { model: 'async', inner: 'async', processes: 1, threadsPerProcess: 5, chunkSize: 1 },
  'async+threads': { model: 'async', inner: 'threads', processes: 1, threadsPerProcess: 5, chunkSize: 1 },
  'hybrid+threads': { model: 'hybrid', inner: 'threads', processes: 2, threadsPerProcess: 3, chunkSize: 4 },
  'hybrid+async': { model: 'hybrid', inner: 'async', processes: 2, threadsPerProcess: 3, chunkSize: 4 },
};

function snippet(runtime: 'cpython' | 'pypy' | 'node', plan: SnippetPlan, extra: Partial<ProfileInput> = {}) {
  const work = resolveWork(ProfileSchema.parse({ runtime, tasks: 12, cpuMsPerTask: 1, waitMsPerTask: 20, cores: 2, ...extra }), 2);
  return snippetFor(work, plan);
}

async function runSnippet(language: 'python' | 'javascript', name: string, code: string): Promise<string> {
  const file = join(dir, `${name}.${language === 'python' ? 'py' : 'mjs'}`);
  await writeFile(file, code);
  const { stdout } = await run(language === 'python' ? 'python3' : process.execPath, [file], { cwd: dir, timeout: 60_000 });
  return stdout;
}

describe('every snippet kind runs as given and does every task', () => {
  for (const [kind, plan] of Object.entries(PLANS) as Array<[SnippetKind, SnippetPlan]>) {
    test(`python: ${kind}`, async () => {
      assert.equal(snippetKind(plan), kind);
      const { language, code } = snippet('cpython', plan, { threadsPerTask: 2 });
      assert.equal(language, 'python');
      assert.match(await runSnippet(language, `py-${kind.replace('+', '-')}`, code), /^12 tasks in \d+\.\d+ s$/m);
      if (kind !== 'sequential') assert.match(code, /OMP_NUM_THREADS/);
    });

    test(`node: ${kind}`, async () => {
      const { language, code } = snippet('node', plan);
      assert.equal(language, 'javascript');
      assert.match(code.split('\n')[0]!, /run `node advise\.mjs`/, 'the first line says how to run it');
      assert.match(await runSnippet(language, `node-${kind.replace('+', '-')}`, code), /^12 tasks in \d+ ms$/m);
    });
  }
});

describe("with the downstream's rate limit, every snippet paces its calls", () => {
  // 12 tasks at 40 a second: the 12th call starts 275 ms after the first, where unpaced they take about 100 ms.
  const timeOf = (stdout: string) => {
    const [, figure, unit] = /^12 tasks in (\d+(?:\.\d+)?) (s|ms)$/m.exec(stdout) ?? [];
    return Number(figure) * (unit === 's' ? 1000 : 1);
  };
  for (const [kind, plan] of Object.entries(PLANS) as Array<[SnippetKind, SnippetPlan]>) {
    for (const runtime of ['cpython', 'node'] as const) {
      test(`${runtime}: ${kind}`, async () => {
        const { language, code } = snippet(runtime, plan, { maxRatePerSecond: 40 });
        assert.match(code, /RATE = 40\b/);
        const ms = timeOf(await runSnippet(language, `paced-${runtime}-${kind.replace('+', '-')}`, code));
        assert.ok(ms >= 270, `12 tasks in ${ms} ms at 40 a second`);
      });
    }
  }

  test('without a rate limit there is no pacer', () => {
    for (const plan of Object.values(PLANS)) {
      for (const runtime of ['cpython', 'node'] as const) assert.doesNotMatch(snippet(runtime, plan).code, /RATE|pace\(/);
    }
  });
});

describe('where the tasks need isolation, a crashed worker costs its own task, not the batch', () => {
  // Task 7 kills its worker process and task 9 raises; the other 10 still finish, and both are named.
  const crashOnSeven = (language: 'python' | 'javascript', code: string) =>
    language === 'python'
      ? code.replace('    return i * i\n', '    if i == 7:\n        import os\n        os._exit(1)\n    if i == 9:\n        raise ValueError(i)\n    return i * i\n')
      : code.replace('  return i * i;\n', '  if (i === 7) process.exit(1);\n  if (i === 9) throw new Error(`bad ${i}`);\n  return i * i;\n');
  const isolated = { ...PLANS.processes, chunkSize: 1 };

  for (const runtime of ['cpython', 'node'] as const) {
    test(runtime, async () => {
      const { language, code } = snippet(runtime, isolated, { needsIsolation: true });
      const crashing = crashOnSeven(language, code);
      assert.notEqual(crashing, code, 'the stand-in task is where the crash goes');
      const stdout = await runSnippet(language, `isolated-${runtime}`, crashing);
      assert.match(stdout, /^10 tasks in /m);
      assert.match(stdout, /^1 crashed their worker: \[?7\]?$/m);
      assert.match(stdout, /^1 raised: \[\[?\(?9, ?["']?(ValueError\(9\)|Error: bad 9)/m);
      // Without a crash every task finishes and nothing is reported.
      const clean = await runSnippet(language, `isolated-clean-${runtime}`, code);
      assert.match(clean, /^12 tasks in /m);
      assert.doesNotMatch(clean, /crashed/);
    });
  }
});

describe('what the snippets hold', () => {
  test('waits are awaited in every Node snippet, never a blocking Atomics.wait', () => {
    for (const plan of Object.values(PLANS)) {
      const { code } = snippet('node', plan);
      assert.doesNotMatch(code, /Atomics\.wait/);
      assert.match(code, /await setTimeout\(20\)/);
    }
  });

  test('Python pools submit through a bounded window, never executor.map over the whole batch', () => {
    for (const plan of Object.values(PLANS)) {
      const { code } = snippet('cpython', plan, { tasks: 2_000_000 });
      assert.doesNotMatch(code, /\.map\(/);
      assert.match(code, /TASKS = 2_000_000/);
      if (plan.model !== 'sequential' && plan.model !== 'async') assert.match(code, /bounded_map\(pool, /);
    }
  });

  test('Python async sizes a TaskGroup of lanes to the plan and sends blocking parts to asyncio.to_thread', () => {
    const plain = snippet('cpython', PLANS.async, { gilReleasedShare: 0 }).code;
    assert.match(plain, /IN_FLIGHT = 5\b/);
    assert.match(plain, /asyncio\.TaskGroup\(\)/);
    assert.match(plain, /# A blocking call with no async client goes to a thread: await asyncio\.to_thread/);
    // Native code that releases the GIL computes on a thread beside the loop.
    assert.match(snippet('cpython', PLANS.async, { gilReleasedShare: 0.9 }).code, /return await asyncio\.to_thread\(blocking_part, i\)/);
    const withPool = snippet('cpython', PLANS['async+threads']).code;
    assert.match(withPool, /set_default_executor\(ThreadPoolExecutor\(max_workers=THREADS\)\)/);
    assert.match(withPool, /THREADS = 2\b/, 'no more threads than cores for the blocking parts');
  });

  test('a hybrid with an event loop inside runs asyncio in each process, and Node forks children each with a loop', () => {
    assert.match(snippet('cpython', PLANS['hybrid+async']).code, /asyncio\.run\(run_lanes\(chunk, IN_FLIGHT_PER_PROCESS/);
    const node = snippet('node', PLANS['hybrid+async']).code;
    assert.match(node, /fork\(fileURLToPath\(import\.meta\.url\)/);
    assert.match(node, /runLanes\(first, last, IN_FLIGHT_PER_PROCESS/);
    assert.doesNotMatch(node, /piscina/i);
  });

  test('Node async with a thread pool keeps the waits on the loop and the CPU part on a small piscina pool', () => {
    const { code } = snippet('node', PLANS['async+threads'], { cores: 8 });
    assert.match(code, /const IN_FLIGHT = 5;/);
    assert.match(code, /const CPU_THREADS = 5;/);
    assert.match(snippet('node', { ...PLANS['async+threads'], threadsPerProcess: 50 }, { cores: 8 }).code, /const CPU_THREADS = 8;/);
  });

  test('a Node stand-in wait off the timers\' whole milliseconds says what it stands for', () => {
    assert.match(snippet('node', PLANS.async, { waitMsPerTask: 0.5 }).code, /await setTimeout\(1\); \/\/ stands for the wait \(of 0\.5 ms: timers count whole ms\)/);
    assert.match(snippet('node', PLANS.async).code, /await setTimeout\(20\); \/\/ stands for the wait: /);
  });

  test("a pool's size names the downstream's limit only where there is one", () => {
    assert.match(snippet('cpython', PLANS.threads, { maxConcurrency: 40 }).code, /^THREADS = 3  # the advised pool size, within the downstream's limit of 40$/m);
    assert.match(snippet('node', PLANS.async, { tasks: 500 }).code, /^const IN_FLIGHT = 5; \/\/ tasks in flight on the event loop, within the assumed limit of 100$/m);
    // Work that computes has no downstream to spare.
    assert.match(snippet('cpython', PLANS.threads, { cpuMsPerTask: 50, waitMsPerTask: 0 }).code, /^THREADS = 3  # the advised pool size$/m);
  });

  test("PyPy's snippets keep to its Python 3.9: no TaskGroup or asyncio.timeout, and they run", async () => {
    for (const [kind, plan] of Object.entries(PLANS) as Array<[SnippetKind, SnippetPlan]>) {
      const { code } = snippet('pypy', plan);
      assert.doesNotMatch(code, /TaskGroup\(|asyncio\.timeout\(|except\*|^\s*match /m, kind);
      if (kind === 'async' || kind === 'hybrid+async') {
        assert.match(code, /await asyncio\.gather\(\*\(lane\(\) for _ in range\(in_flight\)\)\)/);
        // pypy3 may not be installed: the same code runs on CPython 3.11.
        assert.match(await runSnippet('python', `pypy-${kind.replace('+', '-')}`, code), /^12 tasks in /m);
      }
    }
  });

  test('native threads are capped in the words of the library that starts them', () => {
    // Declared numbers may be NumPy: the BLAS/OpenMP variables. An encoder is not reached by them.
    assert.match(snippet('cpython', PLANS.threads, { threadsPerTask: 2 }).code, /os\.environ\.setdefault\("OMP_NUM_THREADS", "1"\)/);
    const encoder = snippet('cpython', PLANS.threads, { workload: 'video-encoding', cpuMsPerTask: undefined, waitMsPerTask: undefined }).code;
    assert.doesNotMatch(encoder, /OMP_NUM_THREADS/);
    assert.match(encoder, /^# 3 workers share 2 cores: give each task's native code 1 thread with its own setting \(ffmpeg's -threads 1\)\.$/m);
    // A driver or a parser that releases the GIL on one thread a task starts no threads to cap.
    const driver = snippet('cpython', PLANS.threads, { workload: 'database-queries', cpuMsPerTask: undefined, waitMsPerTask: undefined }).code;
    assert.doesNotMatch(driver, /native code|OMP_NUM_THREADS/);
  });

  test('figures in the code are rounded: no 41.920899999999996', () => {
    const { code } = snippet('cpython', PLANS.threads, { cpuMsPerTask: 41.920899999999996, waitMsPerTask: 0.30000000000000004 });
    assert.match(code, /\(41\.9 ms CPU, 0\.3 ms wait per task\)/);
    assert.match(code, /time\.sleep\(0\.0003\)/);
  });
});
