import { spawn } from 'node:child_process';
import { fmtMs } from '../../advisor/format.js';
import { RUNTIMES, type Runtime } from '../../advisor/profile.js';
import { adviceFor, print } from '../advice.js';
import { parse, positiveInteger, serverUrl } from '../args.js';
import { CliError, EXIT, UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { pythonScript } from '../python-scripts.js';

export interface Measurement {
  /** Wall time from starting the command to its exit, in ms. */
  wallMs: number;
  /** User + system CPU time of the command and every descendant it waited for, in ms. */
  cpuMs: number;
  /** The command's exit code; 128 + n when a signal n ended it. */
  exitCode: number;
  /** The signal that ended the command, if one did. */
  signal?: string;
}

/**
 * Runs the command under python/measure.py, because node cannot read the CPU time of a child's descendants:
 * wait4() returns the rusage of the child including every descendant it reaped, which is what `time` prints
 * as user + sys. The harness reports on fd 3 so the command's own output is left alone.
 */
const HARNESS = pythonScript('measure.py');

export interface MeasureOptions {
  /** The interpreter that runs the harness; python3 on the PATH by default. */
  python?: string;
}

/**
 * Runs `command` once and measures it. Its stdin and stderr are the CLI's; its stdout goes to the CLI's stderr
 * so that the CLI's stdout carries only the advice (and stays parseable with --json). Nothing is captured.
 */
export function measureCommand(command: readonly string[], options: MeasureOptions = {}): Promise<Measurement> {
  if (command.length === 0) return Promise.reject(new CliError('measure needs a command after --', EXIT.usage));
  const python = options.python ?? 'python3';
  return new Promise((resolve, reject) => {
    const child = spawn(python, [HARNESS, ...command], { stdio: ['inherit', 2, 'inherit', 'pipe'] });
    const chunks: Buffer[] = [];
    const report = child.stdio[3];
    report?.on('data', (chunk: Buffer) => chunks.push(chunk));
    // Ctrl-C reaches the whole foreground group: the command decides what to do; this process waits to report.
    const ignoreInterrupt = () => {};
    process.on('SIGINT', ignoreInterrupt);
    child.on('error', (error: NodeJS.ErrnoException) => {
      process.off('SIGINT', ignoreInterrupt);
      reject(
        new CliError(
          error.code === 'ENOENT'
            ? `cannot measure: ${python} is not on the PATH (it runs the command and reads its CPU time)`
            : `cannot measure: starting ${python} failed: ${error.message}`,
          EXIT.harness,
        ),
      );
    });
    child.on('close', (code, signal) => {
      process.off('SIGINT', ignoreInterrupt);
      const text = Buffer.concat(chunks).toString('utf8');
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        reject(
          new CliError(
            `cannot measure: the harness (${python}) ended with ${signal ?? `code ${code}`} and no report`,
            EXIT.harness,
          ),
        );
        return;
      }
      const result = parsed as Partial<Measurement> & { error?: string; message?: string };
      if (result.error !== undefined) {
        const notFound = result.error === 'FileNotFoundError' || result.error === 'PermissionError';
        reject(
          new CliError(
            `cannot run ${JSON.stringify(command[0])}: ${result.message ?? result.error}`,
            notFound ? EXIT.commandNotFound : EXIT.harness,
          ),
        );
        return;
      }
      if (typeof result.wallMs !== 'number' || typeof result.cpuMs !== 'number' || typeof result.exitCode !== 'number') {
        reject(new CliError(`cannot measure: the harness sent an unexpected report: ${text}`, EXIT.harness));
        return;
      }
      resolve({
        wallMs: result.wallMs,
        cpuMs: result.cpuMs,
        exitCode: result.exitCode,
        ...(result.signal !== undefined ? { signal: result.signal } : {}),
      });
    });
  });
}

const MEASURE_USAGE = `Usage: task-advisor measure [--tasks N] [--runtime R] [--json] [--url <url>] -- <command...>

Runs the command once (its stdout is sent to stderr so stdout carries only the advice), measures its
wall time and the user + sys CPU time of it and every child it waits for, then advises on
{ tasks: N, measurement: { wallMs, cpuMs }, runtime: R }.
Runtimes: ${RUNTIMES.join(', ')}.
`;

export async function runMeasure(args: string[], io: Io): Promise<number> {
  const separator = args.indexOf('--');
  const optionArgs = separator === -1 ? args : args.slice(0, separator);
  const { values, positionals } = parse(
    optionArgs,
    {
      tasks: { type: 'string' },
      runtime: { type: 'string' },
      json: { type: 'boolean' },
      url: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    separator === -1,
  );
  if (values.help) {
    io.stdout(MEASURE_USAGE);
    return EXIT.ok;
  }
  const command = separator === -1 ? positionals : args.slice(separator + 1);
  if (command.length === 0) throw new UsageError('measure needs a command: task-advisor measure -- <command...>');
  const tasks = positiveInteger(values.tasks, '--tasks', 1);
  const runtime = (values.runtime ?? 'cpython') as Runtime;
  if (!RUNTIMES.includes(runtime)) {
    throw new UsageError(`--runtime ${JSON.stringify(values.runtime)} is not one of ${RUNTIMES.join(', ')}`);
  }
  const url = serverUrl(values.url);

  const measured = await measureCommand(command);
  const failed = measured.exitCode !== 0;
  io.stderr(
    `measured ${JSON.stringify(command.join(' '))}: wall ${fmtMs(measured.wallMs)}, CPU ${fmtMs(measured.cpuMs)} (user + sys, children included)${
      failed ? `; the command FAILED with ${measured.signal ?? `exit code ${measured.exitCode}`}, so the advice below is for a run that did not finish normally` : ''
    }\n`,
  );
  const profile = {
    tasks,
    // The schema refuses a wall time of 0; a command that fast rounds up to a microsecond.
    measurement: { wallMs: Math.max(measured.wallMs, 0.001), cpuMs: measured.cpuMs },
    runtime,
  };
  if (values.tasks === undefined) {
    // Said before the advice and in --json mode too: advice on one task is rarely what was meant.
    io.stderr(
      `task-advisor: WARNING: --tasks was not given, so this advice is for ONE task of ${fmtMs(measured.wallMs)} (the whole run). ` +
        'Pass --tasks N for a batch of N. The wall time also counts the command\'s start-up (interpreter, imports) as waiting; ' +
        '"task-advisor probe" times each task of a Python function without it.\n',
    );
  }
  const advice = await adviceFor(profile, 'the measured profile', url);
  print(advice, values.json === true, io);
  return failed ? measured.exitCode : EXIT.ok;
}
