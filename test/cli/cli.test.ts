import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { advise } from '../../src/advisor/advise.js';
import { serverForTests } from '../helpers/app.js';
import { jsonErrorOffset } from '../../src/cli/json-position.js';
import { AdviceSchema, type Advice } from '../../src/advisor/advice.js';
import { CostsOverrideSchema, ProfileSchema, type Runtime } from '../../src/advisor/profile.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the compiled CLI as a child process, asynchronously so an in-process server can answer it. */
function run(args: string[], stdin?: string, env?: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

/** A profile with a known answer: CPU-bound work that releases the GIL runs best on threads. */
const THREADS_PROFILE = { tasks: 64, cpuMsPerTask: 200, waitMsPerTask: 0, gilReleasedShare: 0.95, cores: 8 };
/** Advice as JSON carries it, which the CLI prints: a field the reply leaves undefined is absent. */
const asJson = (advice: Advice): Advice => JSON.parse(JSON.stringify(advice)) as Advice;
const expected = asJson(advise(ProfileSchema.parse(THREADS_PROFILE), { defaultCores: 2 }));

let dir: string;
let profilePath: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'task-advisor-cli-'));
  profilePath = join(dir, 'profile.json');
  await writeFile(profilePath, JSON.stringify(THREADS_PROFILE, null, 2));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function assertTable(out: string, model: string): void {
  assert.match(out, new RegExp(`^Recommendation: ${model} `, 'm'));
  for (const m of ['sequential', 'threads', 'processes', 'hybrid']) assert.match(out, new RegExp(`^[* ] ${m} `, 'm'));
  assert.match(out, new RegExp(`^\\* ${model} `, 'm'), 'the recommended row is marked');
  assert.match(out, /^\s+model\s+sizes\s+wall\s+speed-up\s+viable\s+bottleneck$/m);
  assert.match(out, /^Rationale:$/m);
  assert.match(out, /^Practices:\n {2}- Measure a sequential baseline first$/m);
  assert.match(out, /^Snippet \(python\):$/m);
  assert.match(out, /ThreadPoolExecutor/);
}

describe('task-advisor advise', () => {
  test('reads a file and prints a table', async () => {
    const r = await run(['advise', profilePath]);
    assert.equal(r.code, 0, r.stderr);
    assertTable(r.stdout, 'threads');
    assert.match(r.stdout, /^\* threads\s+8 threads\s+1\.64 s\s+7\.81x\s+yes\s+workers$/m);
  });

  test('reads a file and prints JSON with --json', async () => {
    const r = await run(['advise', profilePath, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const advice = AdviceSchema.parse(JSON.parse(r.stdout));
    assert.equal(advice.recommendation.model, 'threads');
    assert.deepEqual(advice, expected);
  });

  test('reads stdin with -, as a table and as JSON', async () => {
    const table = await run(['advise', '-'], JSON.stringify(THREADS_PROFILE));
    assert.equal(table.code, 0, table.stderr);
    assertTable(table.stdout, 'threads');
    const json = await run(['advise', '--json', '-'], JSON.stringify(THREADS_PROFILE));
    assert.equal(json.code, 0, json.stderr);
    assert.equal(JSON.parse(json.stdout).recommendation.model, 'threads');
  });

  test('--help prints usage and exits 0', async () => {
    const r = await run(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Usage: task-advisor <command>/);
    assert.match(r.stdout, /advise <profile\.json \| ->/);
    assert.match(r.stdout, /measure \[options\] -- <cmd\.\.\.>/);
    assert.match(r.stdout, /calibrate \[options\]/);
    const sub = await run(['advise', '--help']);
    assert.equal(sub.code, 0);
    assert.match(sub.stdout, /Usage: task-advisor advise/);
  });
});

describe('task-advisor errors', () => {
  test('a missing file exits 3 and names it', async () => {
    const missing = join(dir, 'nope.json');
    const r = await run(['advise', missing]);
    assert.equal(r.code, 3);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`cannot read ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: no such file`));
  });

  test('a directory is unreadable as a profile: exit 3', async () => {
    const r = await run(['advise', dir]);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /it is a directory/);
  });

  test('bad JSON exits 4 and says the line and column', async () => {
    const r = await run(['advise', '-'], '{"tasks": 3,\n "x": }');
    assert.equal(r.code, 4);
    assert.match(r.stderr, /stdin is not valid JSON at line 2, column 7/);
    const truncated = await run(['advise', '-'], '{"tasks": 3');
    assert.equal(truncated.code, 4);
    assert.match(truncated.stderr, /line 1, column 12 \(end of input\)/);
    const empty = await run(['advise', '-'], '  \n');
    assert.equal(empty.code, 4);
    assert.match(empty.stderr, /stdin is empty/);
  });

  test('an invalid profile exits 5 and lists every issue by path', async () => {
    const r = await run(['advise', '-'], JSON.stringify({ tasks: 0, cpuMsPerTask: 5, runtime: 'java', colour: 'red' }));
    assert.equal(r.code, 5);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /is not a valid profile \(3 issues\)/);
    assert.match(r.stderr, /^ {2}tasks: .*>=1/m);
    assert.match(r.stderr, /^ {2}runtime: .*\(allowed: cpython, cpython-free-threaded, pypy, node\)/m);
    assert.match(r.stderr, /^ {2}colour: Unknown field "colour"/m);
  });

  test('a profile with no per-task cost exits 5 naming cpuMsPerTask', async () => {
    const r = await run(['advise', '-'], JSON.stringify({ tasks: 10 }));
    assert.equal(r.code, 5);
    assert.match(r.stderr, /^ {2}cpuMsPerTask: The per-task cost is missing/m);
  });

  test('usage errors exit 2: unknown command, unknown flag, no profile, no command', async () => {
    const unknown = await run(['frobnicate']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "frobnicate"/);
    const flag = await run(['advise', profilePath, '--bogus']);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /Unknown option '--bogus'/);
    const none = await run(['advise']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /advise needs a profile file/);
    const nothing = await run([]);
    assert.equal(nothing.code, 2);
    assert.match(nothing.stderr, /Usage: task-advisor/);
    const calibrateRuntime = await run(['calibrate', '--runtime', 'cpython-free-threaded']);
    assert.equal(calibrateRuntime.code, 2);
    assert.match(calibrateRuntime.stderr, /calibrate measures cpython, pypy, node/);
    const startMethod = await run(['calibrate', '--start-method', 'vfork']);
    assert.equal(startMethod.code, 2);
    assert.match(startMethod.stderr, /--start-method "vfork" is not one of fork, forkserver, spawn/);
    const nodeStartMethod = await run(['calibrate', '--runtime', 'node', '--start-method', 'spawn']);
    assert.equal(nodeStartMethod.code, 2);
    const badUrl = await run(['advise', profilePath, '--url', 'ftp://x']);
    assert.equal(badUrl.code, 2);
    const badTasks = await run(['measure', '--tasks', '0', '--', 'true']);
    assert.equal(badTasks.code, 2);
    assert.match(badTasks.stderr, /--tasks must be a whole number/);
    const badRuntime = await run(['measure', '--runtime', 'java', '--', 'true']);
    assert.equal(badRuntime.code, 2);
    const noCommand = await run(['measure', '--']);
    assert.equal(noCommand.code, 2);
  });

  test('--url to a closed port exits 6 and names the URL', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const url = `http://127.0.0.1:${port}`;
    const r = await run(['advise', profilePath, '--url', url]);
    assert.equal(r.code, 6);
    assert.ok(r.stderr.includes(`server ${url}/advise did not answer`), r.stderr);
    assert.match(r.stderr, /ECONNREFUSED/);
  });
});

describe('task-advisor --url against a real server', () => {
  const base = serverForTests();

  test('prints the same advice as in-process, as JSON and as a table', async () => {
    const json = await run(['advise', profilePath, '--json', '--url', base()]);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(AdviceSchema.parse(JSON.parse(json.stdout)), expected);
    const table = await run(['advise', '-', '--url', `${base()}/`], JSON.stringify(THREADS_PROFILE));
    assert.equal(table.code, 0, table.stderr);
    assertTable(table.stdout, 'threads');
    const local = await run(['advise', profilePath]);
    assert.equal(table.stdout, local.stdout);
  });

  test('a non-2xx answer exits 6 with the URL and the status', async () => {
    const r = await run(['advise', profilePath, '--url', `${base()}/no-such-prefix`]);
    assert.equal(r.code, 6);
    assert.ok(r.stderr.includes(`server ${base()}/no-such-prefix/advise answered 404`), r.stderr);
  });

  test('measure sends its profile to the server', async () => {
    const r = await run(['measure', '--json', '--tasks', '3', '--url', base(), '--', 'sleep', '0.1']);
    assert.equal(r.code, 0, r.stderr);
    const advice = AdviceSchema.parse(JSON.parse(r.stdout));
    assert.equal(advice.classification.basis, 'measured');
    assert.equal(advice.resolved.tasks, 3);
    assert.equal(advice.resolved.cores, 2, 'cores default to the server\'s');
  });
});

describe('task-advisor measure', () => {
  test('a sleeping command: wall at least 300 ms, CPU near 0', async () => {
    const r = await run(['measure', '--json', '--', 'sleep', '0.3']);
    assert.equal(r.code, 0, r.stderr);
    const advice = AdviceSchema.parse(JSON.parse(r.stdout));
    const { cpuMsPerTask, waitMsPerTask, tasks, runtime } = advice.resolved;
    assert.equal(tasks, 1);
    assert.equal(runtime, 'cpython');
    assert.equal(advice.classification.basis, 'measured');
    assert.ok(cpuMsPerTask + waitMsPerTask >= 295, `wall ${cpuMsPerTask + waitMsPerTask} ms`);
    assert.ok(cpuMsPerTask + waitMsPerTask < 5000, `wall ${cpuMsPerTask + waitMsPerTask} ms`);
    assert.ok(cpuMsPerTask < 100, `cpu ${cpuMsPerTask} ms`);
    assert.equal(advice.classification.kind, 'io-bound');
    assert.match(r.stderr, /measured "sleep 0\.3": wall [\d.]+ ms, CPU [\d.]+ ms/);
    // Without --tasks the advice is for one task: said on stderr even with --json, before the advice.
    assert.match(r.stderr, /WARNING: --tasks was not given, so this advice is for ONE task of [\d.]+ ms \(the whole run\)/);
    assert.match(r.stderr, /start-up \(interpreter, imports\) as waiting/);
  });

  test('with --tasks there is no one-task warning', async () => {
    const r = await run(['measure', '--tasks', '1', '--', 'true']);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /WARNING/);
  });

  test('counts the CPU time of a grandchild', async () => {
    // sh stays the parent (the `; true` stops it exec-ing python), so the burner is a grandchild of the harness.
    const burn = "python3 -c 'x=0\nfor i in range(3*10**6): x+=i'; true";
    const r = await run(['measure', '--json', '--tasks', '2', '--', 'sh', '-c', burn]);
    assert.equal(r.code, 0, r.stderr);
    const advice = AdviceSchema.parse(JSON.parse(r.stdout));
    const { cpuMsPerTask, waitMsPerTask, tasks } = advice.resolved;
    assert.equal(tasks, 2);
    const cpuMs = cpuMsPerTask * 2;
    const wallMs = (cpuMsPerTask + waitMsPerTask) * 2;
    assert.ok(cpuMs >= 80, `cpu ${cpuMs} ms`);
    assert.ok(cpuMs < 30_000, `cpu ${cpuMs} ms`);
    // One busy thread: CPU about equals wall (noisy machine, so generous).
    assert.ok(cpuMs >= wallMs * 0.4, `cpu ${cpuMs} ms of wall ${wallMs} ms`);
    assert.ok(cpuMs <= wallMs * 1.5 + 50, `cpu ${cpuMs} ms of wall ${wallMs} ms`);
    // Uncounted, the grandchild's CPU would read as waiting: io-bound. Counted, it is cpu-bound on an idle
    // machine, and mixed where other work slows the burner's wall time past 1.25x its CPU.
    assert.notEqual(advice.classification.kind, 'io-bound');
  });

  test('prints a table by default; the command\'s stdout goes to stderr', async () => {
    const r = await run(['measure', '--', 'sh', '-c', 'echo from-the-command']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Recommendation: sequential/m);
    assert.doesNotMatch(r.stdout, /from-the-command/);
    assert.match(r.stderr, /from-the-command/);
  });

  test('a failing command: says so and exits with its code', async () => {
    const r = await run(['measure', '--json', '--', 'sh', '-c', 'echo partial; exit 3']);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /FAILED with exit code 3/);
    assert.equal(AdviceSchema.parse(JSON.parse(r.stdout)).classification.basis, 'measured');
  });

  test('a command that does not exist exits 127', async () => {
    const r = await run(['measure', '--', 'no-such-command-task-advisor']);
    assert.equal(r.code, 127);
    assert.match(r.stderr, /cannot run "no-such-command-task-advisor"/);
  });
});

describe('task-advisor calibrate', () => {
  const NODE_COSTS = [
    'threadStartMs',
    'threadDispatchMs',
    'threadSerializeMsPerMB',
    'processStartMs',
    'processDispatchMs',
    'serializeMsPerMB',
    'deserializeMsPerMB',
    'sharedStateSyncMs',
    'asyncDispatchMs',
  ];
  const CPYTHON_COSTS = [
    'threadStartMs',
    'threadDispatchMs',
    'processPoolStartMs',
    'processStartMs',
    'processDispatchMs',
    'processItemMs',
    'serializeMsPerMB',
    'deserializeMsPerMB',
    'gilSwitchIntervalMs',
    'sharedStateSyncMs',
    'asyncDispatchMs',
  ];

  /** The printed object is a valid profile `costs`, with exactly the measured names, each a positive finite figure. */
  function measuredCosts(json: string, names: string[]) {
    const costs = CostsOverrideSchema.parse(JSON.parse(json));
    assert.deepEqual(Object.keys(costs).sort(), [...names].sort());
    for (const [name, value] of Object.entries(costs)) {
      assert.ok(typeof value === 'number' && Number.isFinite(value) && value > 0, `${name} = ${value}`);
    }
    return costs;
  }

  /** A profile carrying the costs is advised by the CLI exactly as in-process advice with those costs. */
  async function assertAdvisedWith(costs: object, runtime: Runtime) {
    const profile = { runtime, tasks: 200, cpuMsPerTask: 20, waitMsPerTask: 5, payloadBytesPerTask: 100_000, cores: 4, costs };
    const r = await run(['advise', '-', '--json'], JSON.stringify(profile));
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(AdviceSchema.parse(JSON.parse(r.stdout)), asJson(advise(ProfileSchema.parse(profile), { defaultCores: 4 })));
  }

  test('node --json: worker threads and forked children, measured in-process', async () => {
    const r = await run(['calibrate', '--runtime', 'node', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const costs = measuredCosts(r.stdout, NODE_COSTS);
    // A forked node process starts far slower than a no-op message goes there and back.
    assert.ok(costs.processStartMs! > 10 * costs.processDispatchMs!, JSON.stringify(costs));
    assert.match(r.stderr, /calibrated node in [\d.]+ (ms|s)/);
    await assertAdvisedWith(costs, 'node');
  });

  test('node as a table: each cost beside its default, then the object to paste', async () => {
    const r = await run(['calibrate', '--runtime', 'node']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.startsWith(`Costs measured on this machine for node: Node ${process.version}:`), r.stdout);
    assert.match(r.stdout, /^cost\s+measured\s+default\s+how$/m);
    assert.match(r.stdout, /^threadStartMs\s+[\d.]+\s+23\s+a Worker started/m);
    assert.match(r.stdout, /^Not measured, so the defaults stand \(GET \/costs\): processPoolStartMs, processItemMs, /m);
    const pasted = r.stdout.slice(r.stdout.indexOf('{'));
    measuredCosts(pasted, NODE_COSTS);
  });

  test('cpython --json: python/calibrate.py --quick, mapped as the defaults are', async () => {
    const r = await run(['calibrate', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const costs = measuredCosts(r.stdout, CPYTHON_COSTS);
    // Starting a process costs more than handing a task to one that runs; the convoy waits about a switch interval.
    assert.ok(costs.processStartMs! > costs.processDispatchMs!, JSON.stringify(costs));
    assert.ok(costs.gilSwitchIntervalMs! > 1 && costs.gilSwitchIntervalMs! < 50, JSON.stringify(costs));
    // What the event loop adds per task is a fraction of a millisecond: tens of microseconds here.
    assert.ok(costs.asyncDispatchMs! > 0.001 && costs.asyncDispatchMs! < 1, JSON.stringify(costs));
    assert.match(r.stderr, /\[calibrate\] serialization: /, 'the calibrator reports its progress on stderr');
    await assertAdvisedWith(costs, 'cpython');
  });

  test('without python3 on the PATH: a clear message and exit 1', async () => {
    const r = await run(['calibrate', '--json'], undefined, { ...process.env, PATH: '/nonexistent' });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /cannot calibrate: python3 is not on the PATH/);
  });
});

describe('jsonErrorOffset', () => {
  /** Where the CLI places JSON.parse's error in the text. */
  const offsetOf = (text: string) => {
    try {
      JSON.parse(text);
      return undefined;
    } catch (error) {
      return jsonErrorOffset(text, (error as Error).message);
    }
  };

  test('points at the first bad character, or nothing for valid JSON', () => {
    assert.equal(offsetOf('{"a": [1, 2.5e3, true, null, "x\\u00e9"]}'), undefined);
    assert.equal(offsetOf('{"a": }'), 6);
    assert.equal(offsetOf('{"a": 1,}'), 8);
    assert.equal(offsetOf('[1 2]'), 3);
    assert.equal(offsetOf('{"a": 01}'), 7);
    assert.equal(offsetOf('{} x'), 3);
  });
});
