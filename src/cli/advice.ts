import { availableParallelism } from 'node:os';
import { advise } from '../advisor/advise.js';
import type { Advice } from '../advisor/advice.js';
import { ProfileSchema } from '../advisor/profile.js';
import { toFieldIssues } from '../http/validation-issues.js';
import { CliError, EXIT } from './errors.js';
import type { Io } from './io.js';
import { renderAdvice } from './render.js';

/** How long --url waits for the server before giving up. */
export const SERVER_TIMEOUT_MS = 10_000;

/** Validates locally either way, so an invalid profile is reported field by field before any request is sent. */
export function validate(input: unknown, source: string) {
  const parsed = ProfileSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = toFieldIssues(parsed.error.issues);
  throw new CliError(
    `${source} is not a valid profile (${issues.length} issue${issues.length === 1 ? '' : 's'}):`,
    EXIT.profile,
    issues.map((issue) => `  ${issue.path}: ${issue.message}${issue.allowed ? ` (allowed: ${issue.allowed.join(', ')})` : ''}`),
  );
}

export async function askServer(url: URL, input: unknown): Promise<Advice> {
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

export async function adviceFor(input: unknown, source: string, url: URL | undefined): Promise<Advice> {
  const profile = validate(input, source);
  return url ? askServer(url, input) : advise(profile, { defaultCores: availableParallelism() });
}

export function print(advice: Advice, json: boolean, io: Io): void {
  io.stdout(json ? `${JSON.stringify(advice, null, 2)}\n` : renderAdvice(advice, io.style));
}
