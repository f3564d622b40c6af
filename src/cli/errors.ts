/** Exit codes of the command line, one per kind of failure, so scripts can tell them apart. */
export const EXIT = {
  ok: 0,
  usage: 2,
  file: 3,
  json: 4,
  profile: 5,
  server: 6,
  /** probe: the probed function (or its module) raised. */
  raised: 7,
  /** probe: a call of the function did not return within --timeout. */
  timeout: 8,
  /** The measuring harness itself could not run (python3 missing, a broken report). */
  harness: 1,
  /** The measured command was not found (the shell's convention). */
  commandNotFound: 127,
} as const;

/** An error the CLI reports as one message on stderr and an exit code, with no stack trace. */
export class CliError extends Error {
  readonly exitCode: number;
  /** Extra lines printed after the message (e.g. one per invalid field). */
  readonly details: readonly string[];

  constructor(message: string, exitCode: number, details: readonly string[] = []) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
    this.details = details;
  }
}

export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT.usage);
    this.name = 'UsageError';
  }
}
