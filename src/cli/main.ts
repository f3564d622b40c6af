#!/usr/bin/env node
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { advise } from '../advise.js';
import { START_METHODS, type StartMethod } from '../costs/cpython-calibration.js';
import { fmt, fmtMs } from '../format.js';
import type { Advice } from '../schemas/advice.js';
import { CostsOverrideSchema, ProfileSchema, RUNTIMES, type Runtime } from '../schemas/profile.js';
import { toFieldIssues } from '../validation-issues.js';
import { CALIBRATED_RUNTIMES, costsObject, type CalibratedRuntime } from './calibrate.js';
import { calibrateNode } from './calibrate-node.js';
import { calibratePython } from './calibrate-python.js';
import { CliError, EXIT, UsageError } from './errors.js';
import { jsonErrorOffset, lineColumn } from './json-position.js';
import { measureCommand } from './measure.js';
import { renderAdvice, renderCalibration } from './render.js';

/** How long --url waits for the server before giving up. */
export const SERVER_TIMEOUT_MS = 10_000;

const USAGE = `Usage: task-advisor <command> [options]

Commands:
  advise <profile.json | ->     Advice for a task profile read from a file, or from stdin with "-".
  measure [options] -- <cmd...> Run a command once, measure its wall and CPU time (children included),
                                and advise on a profile built from that measurement.
  calibrate [options]           Measure this machine's costs that the model uses and print them as a
                                profile's "costs" object.

Options:
  --json          Print the advice (calibrate: the costs object) as JSON instead of a table.
  --url <url>     Ask a task-advisor server (e.g. http://127.0.0.1:3000) instead of advising in-process.
  --tasks <n>     measure: how many tasks the measured run did (default 1).
  --runtime <r>   measure: ${RUNTIMES.join(', ')} (default cpython); calibrate: ${CALIBRATED_RUNTIMES.join(', ')}.
  --start-method <m>
                  calibrate, cpython and pypy: the start method whose process start-up goes into the
                  costs: ${START_METHODS.join(', ')} (default: the interpreter's).
  -h, --help      Print this help.

Exit codes: 0 ok, 1 the measuring harness could not run (e.g. python3 missing), 2 usage, 3 unreadable file,
4 bad JSON, 5 invalid profile, 6 server error; measure exits with the command's own code when the command fails.
`;

const ADVISE_USAGE = `Usage: task-advisor advise <profile.json | -> [--json] [--url <url>]

Reads a task profile (JSON) from a file, or from stdin with "-", validates it and prints the advice.
`;

const MEASURE_USAGE = `Usage: task-advisor measure [--tasks N] [--runtime R] [--json] [--url <url>] -- <command...>

Runs the command once (its stdout is sent to stderr so stdout carries only the advice), measures its
wall time and the user + sys CPU time of it and every child it waits for, then advises on
{ tasks: N, measurement: { wallMs, cpuMs }, runtime: R }.
Runtimes: ${RUNTIMES.join(', ')}.
`;

const CALIBRATE_USAGE = `Usage: task-advisor calibrate [--runtime ${CALIBRATED_RUNTIMES.join('|')}] [--start-method ${START_METHODS.join('|')}] [--json]

Measures this machine's costs that the model uses and prints them as a profile's "costs" object, so advice
fits the machine the work will run on; each replaces the runtime's default (see GET /costs).
  cpython, pypy  python/calibrate.py --quick run by python3 or pypy3 (standard library only, about 10 s):
                 thread and process pool start-up (each start method), per-task dispatch, payload
                 transfer, the GIL convoy. --start-method picks whose process start-up figures are printed
                 (default: the interpreter's default start method).
  node           measured in this process (a few seconds): worker thread and forked child start-up,
                 message round trips, a 1 MiB payload to each.
--json prints only the costs object; the table shows each cost beside its default and how it was measured.
`;

interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readStdin: () => Promise<string>;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function parse<T extends ParseArgsConfig['options']>(args: string[], options: T, allowPositionals: boolean) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function serverUrl(value: string | undefined): URL | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--url ${JSON.stringify(value)} is not a URL; give one like http://127.0.0.1:3000`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--url ${JSON.stringify(value)} must be http:// or https://`);
  }
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/advise`;
  return url;
}

/** Where in the text a JSON.parse error points, as line and column. */
function jsonErrorWhere(text: string, message: string): string {
  const given = /line (\d+) column (\d+)/.exec(message);
  if (given) return ` (line ${given[1]}, column ${given[2]})`;
  const position = /position (\d+)/.exec(message);
  const offset = position ? Number(position[1]) : jsonErrorOffset(text);
  if (offset === undefined) return '';
  const { line, column } = lineColumn(text, offset);
  return ` at line ${line}, column ${column}${offset >= text.length ? ' (end of input)' : ''}`;
}

function parseJson(text: string, source: string): unknown {
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') throw new CliError(`${source} is empty: expected a JSON task profile`, EXIT.json);
  try {
    return JSON.parse(body);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new CliError(`${source} is not valid JSON${jsonErrorWhere(body, message)}: ${message}`, EXIT.json);
  }
}

async function readProfileText(path: string, io: Io): Promise<{ text: string; source: string }> {
  if (path === '-') return { text: await io.readStdin(), source: 'stdin' };
  try {
    return { text: await readFile(path, 'utf8'), source: path };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'it is a directory'
            : error instanceof Error
              ? error.message
              : String(error);
    throw new CliError(`cannot read ${path}: ${why}`, EXIT.file);
  }
}

/** Validates locally either way, so an invalid profile is reported field by field before any request is sent. */
function validate(input: unknown, source: string) {
  const parsed = ProfileSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = toFieldIssues(parsed.error.issues);
  throw new CliError(
    `${source} is not a valid profile (${issues.length} issue${issues.length === 1 ? '' : 's'}):`,
    EXIT.profile,
    issues.map((issue) => `  ${issue.path}: ${issue.message}${issue.allowed ? ` (allowed: ${issue.allowed.join(', ')})` : ''}`),
  );
}

async function askServer(url: URL, input: unknown): Promise<Advice> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(input),
      signal: AbortSignal.timeout(SERVER_TIMEOUT_MS),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why =
      error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
        ? `no answer within ${SERVER_TIMEOUT_MS / 1000} s`
        : (cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error)));
    throw new CliError(`server ${url.href} did not answer: ${why}`, EXIT.server);
  }
  const text = await response.text().catch(() => '');
  if (!response.ok) {
    let detail = text.trim().slice(0, 500);
    try {
      const body = JSON.parse(text) as { message?: unknown };
      if (typeof body.message === 'string') detail = body.message;
    } catch {
      // not JSON: the raw text (trimmed) is the detail
    }
    throw new CliError(
      `server ${url.href} answered ${response.status} ${response.statusText}${detail ? `: ${detail}` : ''}`,
      EXIT.server,
    );
  }
  try {
    return JSON.parse(text) as Advice;
  } catch {
    throw new CliError(`server ${url.href} answered ${response.status} but not with JSON`, EXIT.server);
  }
}

async function adviceFor(input: unknown, source: string, url: URL | undefined): Promise<Advice> {
  const profile = validate(input, source);
  return url ? askServer(url, input) : advise(profile, { defaultCores: availableParallelism() });
}

function print(advice: Advice, json: boolean, io: Io): void {
  io.stdout(json ? `${JSON.stringify(advice, null, 2)}\n` : renderAdvice(advice));
}

async function runAdvise(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(
    args,
    { json: { type: 'boolean' }, url: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    true,
  );
  if (values.help) {
    io.stdout(ADVISE_USAGE);
    return EXIT.ok;
  }
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? 'advise needs a profile file, or - for stdin'
        : `advise takes one profile, got ${positionals.length}: ${positionals.join(' ')}`,
    );
  }
  const url = serverUrl(values.url);
  const { text, source } = await readProfileText(positionals[0]!, io);
  print(await adviceFor(parseJson(text, source), source, url), values.json === true, io);
  return EXIT.ok;
}

function positiveInteger(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a whole number of at least 1, got ${JSON.stringify(value)}`);
  return n;
}

async function runMeasure(args: string[], io: Io): Promise<number> {
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
  const advice = await adviceFor(profile, 'the measured profile', url);
  print(advice, values.json === true, io);
  if (!values.json && tasks === 1) {
    io.stderr(`note: --tasks was not given, so the run is taken as 1 task of ${fmt(measured.wallMs)} ms; pass --tasks N for a batch of N.\n`);
  }
  return failed ? measured.exitCode : EXIT.ok;
}

async function runCalibrate(args: string[], io: Io): Promise<number> {
  const { values } = parse(
    args,
    {
      runtime: { type: 'string' },
      'start-method': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    false,
  );
  if (values.help) {
    io.stdout(CALIBRATE_USAGE);
    return EXIT.ok;
  }
  const runtime = (values.runtime ?? 'cpython') as CalibratedRuntime;
  if (!CALIBRATED_RUNTIMES.includes(runtime)) {
    throw new UsageError(`--runtime ${JSON.stringify(values.runtime)}: calibrate measures ${CALIBRATED_RUNTIMES.join(', ')}`);
  }
  const startMethod = values['start-method'] as StartMethod | undefined;
  if (startMethod !== undefined && !START_METHODS.includes(startMethod)) {
    throw new UsageError(`--start-method ${JSON.stringify(startMethod)} is not one of ${START_METHODS.join(', ')}`);
  }
  if (startMethod !== undefined && runtime === 'node') throw new UsageError('--start-method is for cpython and pypy');

  io.stderr(`task-advisor: measuring ${runtime}'s costs on this machine...\n`);
  const started = performance.now();
  const result = runtime === 'node' ? await calibrateNode() : await calibratePython(runtime, startMethod);
  const costs = costsObject(result);
  // A figure a noisy run pushed out of range must not reach a profile that the server would then refuse.
  const valid = CostsOverrideSchema.safeParse(costs);
  if (!valid.success) {
    throw new CliError(
      'a measurement came out of range (a noisy run?); run calibrate again',
      EXIT.harness,
      toFieldIssues(valid.error.issues).map((issue) => `  ${issue.path}: ${issue.message}`),
    );
  }
  io.stderr(`task-advisor: calibrated ${runtime} in ${fmtMs(performance.now() - started)}\n`);
  io.stdout(values.json ? `${JSON.stringify(costs, null, 2)}\n` : renderCalibration(result));
  return EXIT.ok;
}

/** Runs the CLI on `argv` (without node and the script) and returns the exit code; never throws. */
export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      if (command === undefined) {
        io.stderr(USAGE);
        return EXIT.usage;
      }
      io.stdout(USAGE);
      return EXIT.ok;
    }
    switch (command) {
      case 'advise':
        return await runAdvise(rest, io);
      case 'measure':
        return await runMeasure(rest, io);
      case 'calibrate':
        return await runCalibrate(rest, io);
      default:
        throw new UsageError(
          command.startsWith('-') ? `unknown option ${command}: give a command first` : `unknown command ${JSON.stringify(command)}`,
        );
    }
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr(`task-advisor: ${error.message}\n`);
      for (const line of error.details) io.stderr(`${line}\n`);
      if (error instanceof UsageError) io.stderr('Run "task-advisor --help" for usage.\n');
      return error.exitCode;
    }
    io.stderr(`task-advisor: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  const exitCode = await main(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readStdin: () => readAll(process.stdin),
  });
  // exitCode rather than exit(): a large table piped to another program is flushed before node exits.
  process.exitCode = exitCode;
}
