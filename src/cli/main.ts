#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { text } from 'node:stream/consumers';
import { fileURLToPath } from 'node:url';
import { START_METHODS } from '../advisor/costs/cpython-calibration.js';
import { RUNTIMES } from '../advisor/profile.js';
import { runAdvise } from './commands/advise.js';
import { CALIBRATED_RUNTIMES } from './calibration.js';
import { runCalibrate } from './commands/calibrate.js';
import { runMeasure } from './commands/measure.js';
import { runProbe } from './commands/probe.js';
import { CliError, EXIT, UsageError } from './errors.js';
import type { Io } from './io.js';

const USAGE = `Usage: task-advisor <command> [options]

Commands:
  advise <profile.json | ->     Advice for a task profile read from a file, or from stdin with "-".
  measure [options] -- <cmd...> Run a command once, measure its wall and CPU time (children included),
                                and advise on a profile built from that measurement.
  calibrate [options]           Measure this machine's costs that the model uses and print them as a
                                profile's "costs" object.
  probe [options] FILE.py:FUNC  Run a sample of your own Python tasks, measure every number the profile
                                needs, and advise on it (--verify: try the advice on the sample). See
                                "task-advisor probe --help".

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
4 bad JSON, 5 invalid profile (or inputs), 6 server error, 7 the probed function raised, 8 probe timeout;
measure exits with the command's own code when the command fails.
`;

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
      case 'probe':
        return await runProbe(rest, io);
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
    style: {
      color: process.stdout.isTTY === true && process.stdout.hasColors(),
      width: (process.stdout.isTTY === true && process.stdout.columns) || 80,
    },
    stderr: (text) => process.stderr.write(text),
    readStdin: () => text(process.stdin),
  });
  // exitCode rather than exit(): a large table piped to another program is flushed before node exits.
  process.exitCode = exitCode;
}
