import { spawn } from 'node:child_process';
import { CliError, EXIT } from './errors.js';

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
 * Runs the command under a small python3 harness, because node cannot read the CPU time of a child's
 * descendants: wait4() returns the rusage of the child including every descendant it reaped, which is what
 * `time` prints as user + sys. The harness reports on fd 3 so the command's own output is left alone.
 */
const HARNESS = String.raw`
import json, os, signal, sys, time
os.set_inheritable(3, False)
report = os.fdopen(3, "w")
argv = sys.argv[1:]
signal.signal(signal.SIGINT, signal.SIG_IGN)
start = time.monotonic()
try:
    pid = os.posix_spawnp(argv[0], argv, os.environ, setsigdef=(signal.SIGINT,))
except OSError as error:
    json.dump({"error": type(error).__name__, "message": str(error)}, report)
    sys.exit(0)
_, status, usage = os.wait4(pid, 0)
wall = time.monotonic() - start
result = {"wallMs": wall * 1000, "cpuMs": (usage.ru_utime + usage.ru_stime) * 1000}
if os.WIFSIGNALED(status):
    result["exitCode"] = 128 + os.WTERMSIG(status)
    result["signal"] = signal.Signals(os.WTERMSIG(status)).name
else:
    result["exitCode"] = os.WEXITSTATUS(status)
json.dump(result, report)
`;

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
    const child = spawn(python, ['-c', HARNESS, ...command], { stdio: ['inherit', 2, 'inherit', 'pipe'] });
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
