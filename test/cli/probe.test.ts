import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { serverForTests } from '../helpers/app.js';
import { AdviceSchema } from '../../src/advisor/advice.js';
import { ProfileSchema } from '../../src/advisor/profile.js';
import { ProbeReportSchema } from '../../src/cli/probe-runner.js';
import { taskFolder } from './probe-tasks.js';

/**
 * The probe on real Python functions, through the compiled CLI. This machine has 2 cores shared with
 * other work, so every tolerance below holds under load: CPU figures come from thread CPU time (the
 * fixtures burn a set CPU time), waits have the machine's run-queue delay taken out, and the GIL share
 * is read from each thread's own account. What stays noisy (pool wall times) is not asserted.
 */
const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function run(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd, env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - started }));
  });
}

const ProbedAdviceSchema = AdviceSchema.extend({ probe: ProbeReportSchema.passthrough() });

async function probe(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const r = await run(['probe', '--json', ...args], options);
  assert.equal(r.code, 0, r.stderr);
  const reply = ProbedAdviceSchema.parse(JSON.parse(r.stdout));
  assert.equal(reply.classification.basis, 'probed');
  ProfileSchema.parse(reply.probe.profile);
  return { reply, figures: reply.probe.figures, stderr: r.stderr };
}

function within(value: number | null, low: number, high: number, what: string): void {
  assert.ok(value !== null && value >= low && value <= high, `${what}: ${value}, expected ${low} to ${high}`);
}

let tasks: Awaited<ReturnType<typeof taskFolder>>;
let fn: (name: string) => string;
before(async () => {
  tasks = await taskFolder();
  fn = (name) => `${tasks.file}:${name}`;
});
after(async () => {
  await rm(tasks.dir, { recursive: true, force: true });
});

describe('task-advisor probe: what it measures', () => {
  test('pure-Python CPU: CPU near its 30 ms, no wait, GIL released near 0, advised processes', async () => {
    const inputs = await tasks.inputs('cpu.json', [30, 30, 30, 30]);
    const { reply, figures } = await probe([fn('pure_cpu'), '--inputs', inputs, '--tasks', '200', '--sample', '8']);
    // The task burns 30 ms of its thread's CPU; the timers and the loop around it add well under 2 ms.
    within(figures.cpuMsPerTask.value, 29, 33, 'CPU ms per task');
    within(figures.waitMsPerTask.value, 0, 2, 'wait ms per task');
    within(figures.gilReleasedShare.value, 0, 0.2, 'GIL released share');
    assert.equal(figures.gilReleasedShare.threads, 2, 'no wait: measured on 2 threads');
    assert.equal(figures.threadsPerTask.value, 1);
    within(figures.payloadBytesPerTask.value, 10, 100, 'payload bytes');
    within(figures.memoryMbPerWorker.value, 5, 500, 'worker MB');
    assert.equal(reply.probe.sample.size, 8);
    assert.equal(reply.resolved.tasks, 200);
    assert.equal(reply.recommendation.model, 'processes');
  });

  test('sha256 over 1 MiB buffers: GIL released near 1, advised threads', async () => {
    const inputs = await tasks.inputs('hash.json', [30, 30, 30, 30]);
    const { reply, figures } = await probe([fn('hash_big'), '--inputs', inputs, '--tasks', '200', '--sample', '8']);
    within(figures.cpuMsPerTask.value, 29, 34, 'CPU ms per task');
    // Threads queued for a core (the other helpers' load) are not counted as queued for the GIL.
    within(figures.gilReleasedShare.value, 0.8, 1, 'GIL released share');
    assert.equal(reply.recommendation.model, 'threads');
  });

  test('sleeps: wait near the 50 ms sleep, CPU near 0, advised threads', async () => {
    const inputs = await tasks.inputs('nap.json', [0.05, 0.05]);
    const { reply, figures } = await probe([fn('nap'), '--inputs', inputs, '--tasks', '200', '--sample', '10']);
    // time.sleep wakes late by the timer slack; run-queue delay is taken out, so 10 ms covers the rest.
    within(figures.waitMsPerTask.value, 49.5, 60, 'wait ms per task');
    within(figures.cpuMsPerTask.value, 0, 2, 'CPU ms per task');
    assert.match(figures.gilReleasedShare.how, /^not measured: the tasks spend under 5% of their time on CPU/);
    // time.sleep blocks: a plain function cannot run on an event loop as it is.
    assert.equal(reply.probe.profile.blockingWaits, true);
    assert.equal(reply.recommendation.model, 'threads');
    assert.ok(reply.recommendation.threadsPerProcess >= 50, `threads ${reply.recommendation.threadsPerProcess}`);
  });

  test('a mix of 20 ms pure-Python CPU and a 30 ms sleep: both figures, GIL near 0, advised a hybrid', async () => {
    const inputs = await tasks.inputs('mix.json', [
      [20, 0.03],
      [20, 0.03],
    ]);
    const { reply, figures } = await probe([fn('cpu_then_nap'), '--inputs', inputs, '--tasks', '200', '--sample', '10']);
    within(figures.cpuMsPerTask.value, 19, 23, 'CPU ms per task');
    within(figures.waitMsPerTask.value, 29.5, 40, 'wait ms per task');
    // 0 on a quiet machine; up to 0.3 was read under a load of 8 on the 2 cores (5 threads each waking from
    // its sleep), and the advice stays a hybrid up to 0.4.
    within(figures.gilReleasedShare.value, 0, 0.4, 'GIL released share');
    // More threads than 2, or the waits would hide the queueing for the GIL: round(2 (1 + 30/20)) = 5.
    assert.equal(figures.gilReleasedShare.threads, 5);
    assert.equal(reply.recommendation.model, 'hybrid');
  });

  test('a large return value: the payload is its pickled size, and moving it makes processes lose', async () => {
    const inputs = await tasks.inputs('big.json', [2_000_000]);
    const { reply, figures } = await probe([fn('big_result'), '--inputs', inputs, '--tasks', '100', '--sample', '8']);
    // pickle adds a few bytes of framing to a bytes object.
    within(figures.payloadBytesPerTask.outBytes, 2_000_000, 2_000_100, 'result bytes');
    within(figures.payloadBytesPerTask.inBytes, 5, 50, 'argument bytes');
    within(figures.payloadBytesPerTask.value, 2_000_005, 2_000_150, 'payload bytes');
    assert.equal(reply.resolved.payloadBytesPerTask, figures.payloadBytesPerTask.value);
    // Sequential and threads tie within noise here (glibc gives threads their own arena, so building the
    // 2 MB result costs less off the main thread); a process pool must send every result back.
    assert.ok(['sequential', 'threads'].includes(reply.recommendation.model), reply.recommendation.model);
    for (const model of ['processes', 'hybrid'] as const) {
      const estimate = reply.estimates.find((e) => e.model === model)!;
      assert.equal(estimate.bottleneck, 'dispatcher', `${model} is bound by moving the results`);
      assert.ok(estimate.predictedWallMs > 3 * reply.recommendation.predictedWallMs, `${model} ${estimate.predictedWallMs} ms`);
    }
  });

  test('an async function: waits are what await took, and its plans say tasks in flight', async () => {
    const inputs = await tasks.inputs('anap.json', [0.03]);
    const r = await run(['probe', fn('async_nap'), '--inputs', inputs, '--tasks', '200', '--sample', '8']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^wait per task\s+(29\.[5-9]|3\d(\.\d+)?) ms /m);
    assert.match(r.stdout, /An async function: the async plans run it on an asyncio event loop/);
    assert.doesNotMatch(r.stdout, /blockingWaits/);
    // 200 awaits of 30 ms with 0.3-0.4 ms of CPU each: an event loop holds them in flight within a few tens of
    // ms of every pool (a 6 s batch, so the choice rule may keep a simpler plan); the loop's plans are weighed.
    // Which bound the loop's plan names (the loop, the GIL, the cores) turns on a tenth of a ms of measured CPU.
    assert.match(r.stdout, /^[ *] async {10}\d+ in flight .* yes {5}[a-z-]+$/m);
    assert.match(r.stdout, /^[ *] hybrid\+async {3}\d+ process(es)? x \d+ in flight/m);
    assert.match(r.stdout, /^Work: io-bound \([\d.]+% CPU, probed\)/m);
  });
});

describe('task-advisor probe --verify', () => {
  test('runs the recommended plan and the runner-up on the sample, at the sample advice sizes', async () => {
    const inputs = await tasks.inputs('hash-verify.json', [20, 20]);
    const { reply } = await probe([fn('hash_big'), '--inputs', inputs, '--tasks', '500', '--sample', '8', '--verify']);
    const verification = reply.probe.verification as {
      sampleTasks: number;
      rounds: number;
      held: boolean;
      plans: { role: string; plan: { model: string }; predictedWallMs: number; measuredWallMs: number; repeatsMs: number[] }[];
    };
    assert.equal(verification.sampleTasks, 8);
    assert.deepEqual(
      verification.plans.map((p) => p.role),
      ['recommended', 'runner-up'],
    );
    assert.equal(verification.plans[0]!.plan.model, reply.recommendation.model);
    assert.notEqual(verification.plans[1]!.plan.model, reply.recommendation.model);
    for (const plan of verification.plans) {
      assert.equal(plan.repeatsMs.length, 3);
      // 8 tasks of 20 ms CPU: no plan on 2 cores finishes in under 80 ms.
      assert.ok(plan.measuredWallMs >= 70, `${plan.plan.model} measured ${plan.measuredWallMs} ms`);
      assert.ok(plan.predictedWallMs >= 70, `${plan.plan.model} predicted ${plan.predictedWallMs} ms`);
    }
    assert.equal(typeof verification.held, 'boolean');
  });

  test('the table shows measured against predicted and says whether the recommendation held', async () => {
    const inputs = await tasks.inputs('nap-verify.json', [0.02]);
    const r = await run(['probe', fn('nap'), '--inputs', inputs, '--tasks', '100', '--sample', '8', '--verify']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Verified on the sample \(8 tasks, real pools started and shut down inside the time, median of 3 rounds/m);
    assert.match(r.stdout, /^\s+plan\s+role\s+predicted\s+measured\s+error\s+rounds \(ms\)$/m);
    // 100 waits of 20 ms in a plain function: a thread per task in flight (8 on the sample); an event loop would
    // need the function rewritten to await, and the probe says so.
    assert.match(r.stdout, /^\* threads \(8\)\s+recommended\s/m);
    assert.match(r.stdout, /^A plain function: it blocks in its waits, so the event-loop plans are weighed as not viable/m);
    assert.match(r.stdout, /^The recommendation (held|did NOT hold)/m);
    assert.match(r.stdout, /^Load average [\d.]+ before the runs and [\d.]+ after, on \d+ cores: the predictions assume the cores are free/m);
  });
});

describe('task-advisor probe: errors', () => {
  test('a function that raises: which input, the exception, the lines from the user file; exit 7', async () => {
    const inputs = await tasks.inputs('ints.json', [1, 2, 3, 4]);
    const r = await run(['probe', fn('fails_on_three'), '--inputs', inputs, '--sample', '4']);
    assert.equal(r.code, 7);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /the function raised on input #2 \(3\) in the sample run: ValueError: cannot take 3/);
    assert.ok(r.stderr.includes(`File "${tasks.file}", line `), r.stderr);
    assert.match(r.stderr, /raise ValueError\(f"cannot take \{x\}"\)/);
    assert.doesNotMatch(r.stderr, /task_advisor_probe/, 'no frames of the probe itself');
  });

  test('a function that hangs is stopped by --timeout with its pools; exit 8', async () => {
    const inputs = await tasks.inputs('hang.json', [1]);
    const r = await run(['probe', fn('hangs'), '--inputs', inputs, '--timeout', '2']);
    assert.equal(r.code, 8, r.stderr);
    assert.match(r.stderr, /the function did not return within 2 s on input #0 \(the warm-up\); stopped the probe \(--timeout 2\)/);
    assert.ok(r.ms < 15_000, `took ${r.ms} ms`);
    const left = await run(['probe', '--help']); // a process of our own, to let the kill land before looking
    assert.equal(left.code, 0);
    const ps = await new Promise<string>((resolve) => {
      const child = spawn('ps', ['-eo', 'args']);
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.on('close', () => resolve(out));
    });
    assert.ok(!ps.includes(`${tasks.file}:hangs`), 'no probe process is left running');
  });

  test('inputs that are not a JSON array exit 5, bad JSON 4, a missing file 3', async () => {
    const object = await tasks.inputs('object.json', { inputs: [1, 2] });
    const notArray = await run(['probe', fn('nap'), '--inputs', object]);
    assert.equal(notArray.code, 5);
    assert.match(notArray.stderr, /object\.json holds an object, not a JSON array: give one element per task/);
    const broken = await tasks.inputs('broken.json', '[1, 2');
    const badJson = await run(['probe', fn('nap'), '--inputs', broken]);
    assert.equal(badJson.code, 4);
    assert.match(badJson.stderr, /broken\.json is not valid JSON at line 1/);
    const missingInputs = await run(['probe', fn('nap'), '--inputs', `${tasks.dir}/none.json`]);
    assert.equal(missingInputs.code, 3);
    assert.match(missingInputs.stderr, /cannot read .*none\.json: no such file/);
    const good = await tasks.inputs('good.json', [0.01]);
    const missingFile = await run(['probe', `${tasks.dir}/nope.py:work`, '--inputs', good]);
    assert.equal(missingFile.code, 3);
    assert.match(missingFile.stderr, /cannot read .*nope\.py: no such file/);
    const missingName = await run(['probe', fn('no_such_function'), '--inputs', good]);
    assert.equal(missingName.code, 3);
    assert.match(missingName.stderr, /probe_tasks\.py has no 'no_such_function'/);
  });

  test('without python3 on the PATH: a clear message and exit 1', async () => {
    const good = await tasks.inputs('good.json', [0.01]);
    const r = await run(['probe', fn('nap'), '--inputs', good], { env: { ...process.env, PATH: '/nonexistent' } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot probe: python3 is not on the PATH/);
  });

  test('usage errors exit 2', async () => {
    const good = await tasks.inputs('good.json', [0.01]);
    for (const [args, message] of [
      [['probe', '--inputs', good], /probe needs the function/],
      [['probe', fn('nap')], /probe needs the inputs/],
      [['probe', fn('nap'), '--inputs', good, '--sample', '1'], /--sample must be at least 2/],
      [['probe', fn('nap'), '--inputs', good, '--timeout', '0'], /--timeout must be a number of seconds above 0/],
      [['probe', fn('nap'), '--inputs', good, '--runtime', 'node'], /probe runs cpython or pypy/],
    ] as const) {
      const r = await run([...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
  });
});

describe('task-advisor probe: other ways in', () => {
  const base = serverForTests();

  test('-m MODULE:FUNCTION, --inputs-py, --profile fields, and --url asks the server', async () => {
    const extra = await tasks.inputs('extra.json', { maxConcurrency: 4 });
    const { reply } = await probe(
      ['-m', 'probe_tasks:nap', '--inputs-py', `${tasks.file}:inputs_for_nap`, '--profile', extra, '--url', base(), '--sample', '4'],
      { cwd: tasks.dir },
    );
    assert.equal(reply.probe.inputs, 8);
    assert.equal(reply.resolved.tasks, 8, 'tasks default to the number of inputs');
    assert.equal(reply.resolved.maxConcurrency, 4);
    assert.equal(reply.recommendation.model, 'threads');
    assert.equal(reply.recommendation.threadsPerProcess, 4);
  });

  test('the module runs on its own with python3 -m, and its --profile pipes into advise', async () => {
    const inputs = await tasks.inputs('cpu-module.json', [10, 10]);
    const pythonDir = fileURLToPath(new URL('../../../python', import.meta.url));
    const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn('python3', ['-m', 'task_advisor_probe', fn('pure_cpu'), '--inputs', inputs, '--sample', '4', '--profile'], {
        env: { ...process.env, PYTHONPATH: pythonDir, PYTHONDONTWRITEBYTECODE: '1' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    assert.equal(out.code, 0, out.stderr);
    const profile = ProfileSchema.parse(JSON.parse(out.stdout));
    assert.equal(profile.basis, 'probed');
    within(profile.cpuMsPerTask ?? null, 9.5, 12, 'CPU ms per task');
    const piped = await new Promise<string>((resolve) => {
      const child = spawn(process.execPath, [CLI, 'advise', '--json', '-']);
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.on('close', () => resolve(stdout));
      child.stdin.end(out.stdout);
    });
    assert.equal(AdviceSchema.parse(JSON.parse(piped)).classification.basis, 'probed');
  });
});
