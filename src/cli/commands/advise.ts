import { readFile } from 'node:fs/promises';
import { adviceFor, print } from '../advice.js';
import { parse, serverUrl } from '../args.js';
import { CliError, EXIT, UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { parseJsonText } from '../json-position.js';

const ADVISE_USAGE = `Usage: task-advisor advise <profile.json | -> [--json] [--url <url>]

Reads a task profile (JSON) from a file, or from stdin with "-", validates it and prints the advice.
`;

function parseJson(text: string, source: string): unknown {
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') throw new CliError(`${source} is empty: expected a JSON task profile`, EXIT.json);
  return parseJsonText(body, source);
}

export async function readProfileText(path: string, io: Io): Promise<{ text: string; source: string }> {
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

export async function runAdvise(args: string[], io: Io): Promise<number> {
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
