import type { Advice } from '../../advisor/advice.js';
import { adviceFor } from '../advice.js';
import { parse, positiveInteger, serverUrl } from '../args.js';
import { CliError, EXIT, UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { parseJsonText } from '../json-position.js';
import { readProfileText } from './advise.js';
import { renderProbe, renderVerification } from '../probe-render.js';
import { startProbe, type ProbeReport } from '../probe-runner.js';
import { plansToVerify, verification, type Verification } from '../probe-verify.js';
import { renderAdvice } from '../render.js';

const INTERPRETERS = { cpython: 'python3', pypy: 'pypy3' } as const;
const DEFAULT_TIMEOUT_S = 60;
/** Each verified plan runs this many times, in alternating order, and the median is kept: the machine drifts. */
const VERIFY_ROUNDS = 3;
/** The GIL measurement needs two tasks side by side. */
const MIN_SAMPLE = 2;

export const PROBE_USAGE = `Usage: task-advisor probe [options] FILE.py:FUNCTION
       task-advisor probe [options] -m MODULE:FUNCTION

Runs a sample of your own tasks locally and measures what the advice needs: CPU and wait per task (no
interpreter start-up in them), the share of CPU that releases the GIL (the same tasks on threads against
one after another), native threads per task, payload (pickled argument and result), a worker process's
peak memory and the spread of task times. Then advises on that profile ("basis": "probed").

  --inputs FILE            a JSON array: one element per task, passed as the function's single argument
  --inputs-py FILE.py:NAME a list in a Python file, or a function returning one (inputs JSON cannot hold)
  --tasks N                tasks in the whole batch (default: the number of inputs)
  --sample K               tasks to run (default: about 1.5 s of them one after another; at least ${MIN_SAMPLE})
  --runtime cpython|pypy   run with python3 (default) or pypy3
  --python PATH            run with this interpreter; its implementation sets the runtime
  --profile FILE           profile fields to add to the probed ones, or override (a JSON object: e.g.
                           maxConcurrency, memoryLimitMb, needsIsolation, cores of the machine the batch runs on)
  --verify                 run the sample on the recommended plan and the runner-up with real pools
                           (ThreadPoolExecutor, ProcessPoolExecutor with the advised chunk size, asyncio for
                           async functions, processes each with a thread pool) against their predictions
  --timeout S              stop when a call does not return within S seconds (default ${DEFAULT_TIMEOUT_S})
  --json                   print the advice with a "probe" object (the figures, the profile, the verification)
  --url URL                ask a task-advisor server for the advice instead of advising in-process

The module is also usable on its own: PYTHONPATH=<task-advisor>/python python3 -m task_advisor_probe --help.
`;

async function readInputsArray(path: string, io: Io): Promise<void> {
  const { text, source } = await readProfileText(path, io);
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') throw new CliError(`${source} is empty: expected a JSON array of inputs, one per task`, EXIT.json);
  const value = parseJsonText(body, source);
  if (!Array.isArray(value)) {
    const kind = value === null ? 'null' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
    throw new CliError(
      `${source} holds ${kind}, not a JSON array: give one element per task, each passed as the function's single argument`,
      EXIT.profile,
    );
  }
  if (value.length === 0) throw new CliError(`${source} is an empty array: give at least one input`, EXIT.profile);
}

async function readProfileFields(path: string, io: Io): Promise<Record<string, unknown>> {
  const { text, source } = await readProfileText(path, io);
  const value = parseJsonText(text, source);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CliError(`${source} must hold a JSON object of profile fields`, EXIT.profile);
  }
  return value as Record<string, unknown>;
}

function timeoutMs(value: string | undefined): number {
  if (value === undefined) return DEFAULT_TIMEOUT_S * 1000;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--timeout must be a number of seconds above 0, got ${JSON.stringify(value)}`);
  return seconds * 1000;
}

function interpreter(runtime: string | undefined, python: string | undefined): string {
  if (python !== undefined) {
    if (runtime !== undefined) throw new UsageError('give --runtime or --python, not both: the interpreter sets the runtime');
    return python;
  }
  const key = (runtime ?? 'cpython') as keyof typeof INTERPRETERS;
  if (!(key in INTERPRETERS)) throw new UsageError(`--runtime ${JSON.stringify(runtime)}: probe runs cpython or pypy (or --python PATH)`);
  return INTERPRETERS[key];
}

export interface ProbeOutput {
  report: ProbeReport;
  advice: Advice;
  verification?: Verification;
}

export async function runProbe(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      module: { type: 'string', short: 'm' },
      inputs: { type: 'string' },
      'inputs-py': { type: 'string' },
      tasks: { type: 'string' },
      sample: { type: 'string' },
      runtime: { type: 'string' },
      python: { type: 'string' },
      profile: { type: 'string' },
      verify: { type: 'boolean' },
      timeout: { type: 'string' },
      json: { type: 'boolean' },
      url: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  if (values.help) {
    io.stdout(PROBE_USAGE);
    return EXIT.ok;
  }
  if (positionals.length > 1) throw new UsageError(`probe takes one FILE.py:FUNCTION, got ${positionals.length}: ${positionals.join(' ')}`);
  const target = positionals[0];
  if ((target === undefined) === (values.module === undefined)) {
    throw new UsageError('probe needs the function: FILE.py:FUNCTION, or -m MODULE:FUNCTION (one of them)');
  }
  if ((values.inputs === undefined) === (values['inputs-py'] === undefined)) {
    throw new UsageError('probe needs the inputs: --inputs FILE.json or --inputs-py FILE.py:NAME (one of them)');
  }
  const tasks = values.tasks === undefined ? undefined : positiveInteger(values.tasks, '--tasks', 1);
  const sample = values.sample === undefined ? undefined : positiveInteger(values.sample, '--sample', MIN_SAMPLE);
  if (sample !== undefined && sample < MIN_SAMPLE) throw new UsageError(`--sample must be at least ${MIN_SAMPLE}: the GIL is measured on two tasks side by side`);
  const python = interpreter(values.runtime, values.python);
  const url = serverUrl(values.url);
  const limitMs = timeoutMs(values.timeout);
  if (values.inputs !== undefined) await readInputsArray(values.inputs, io);
  const extra = values.profile === undefined ? {} : await readProfileFields(values.profile, io);

  const session = await startProbe({
    python,
    timeoutMs: limitMs,
    verify: values.verify === true,
    args: [
      ...(target !== undefined ? [target] : ['-m', values.module!]),
      ...(values.inputs !== undefined ? ['--inputs', values.inputs] : ['--inputs-py', values['inputs-py']!]),
      ...(tasks !== undefined ? ['--tasks', String(tasks)] : []),
      ...(sample !== undefined ? ['--sample', String(sample)] : []),
    ],
  });
  let output: ProbeOutput;
  try {
    const report = session.report;
    const profile = { ...report.profile, ...extra };
    const advice = await adviceFor(profile, 'the probed profile', url);
    output = { report, advice };
    if (values.verify) {
      // The sample is a batch of its own on this machine: predicted for it, at the sizes advised for it.
      const sampleAdvice = await adviceFor({ ...profile, tasks: report.sample.size, cores: report.cores }, 'the sample profile', url);
      const checks = plansToVerify(advice, sampleAdvice);
      const measured = await session.verify(
        checks.map((c) => c.plan),
        VERIFY_ROUNDS,
      );
      output.verification = verification(checks, measured, report.sample.size, VERIFY_ROUNDS, report.cores);
    }
  } finally {
    await session.close();
  }

  if (values.json) {
    io.stdout(`${JSON.stringify({ ...output.advice, probe: { ...output.report, verification: output.verification } }, null, 2)}\n`);
  } else {
    io.stdout(`${renderProbe(output.report)}\n${renderAdvice(output.advice)}`);
    if (output.verification) io.stdout(`\n${renderVerification(output.verification)}`);
  }
  return EXIT.ok;
}
