/**
 * Why a job did not complete. Each says what happened in words a client can act on; the error handler
 * sends the message as it is (`expose`), with Retry-After where retrying helps.
 */
export class JobError extends Error {
  readonly expose = true;

  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'JobError';
  }
}

/** A worker's own message may name files on the server; a client has no use for them. */
function withoutPaths(message: string): string {
  return message.replace(/(?:file:\/\/)?\/[^\s'"():]+/g, '<path>');
}

/**
 * Retry-After for a refused job, spread over [seconds, 1.5 x seconds + 1): clients refused together are
 * told different times, so they do not all come back at once and be refused again.
 */
export function jittered(seconds: number, random: () => number = Math.random): number {
  return seconds + Math.floor(random() * (Math.ceil(seconds / 2) + 1));
}

export const JobErrors = {
  queueFull: (queued: number, retryAfterSeconds: number) =>
    new JobError(
      503,
      'QUEUE_FULL',
      `The job queue is full (${queued} waiting behind the running job); retry in about ${retryAfterSeconds} s.`,
      retryAfterSeconds,
    ),
  deadlineExceeded: (timeoutMs: number, done: number, tasks: number) =>
    new JobError(
      504,
      'DEADLINE_EXCEEDED',
      `The job passed its deadline of ${timeoutMs} ms with ${done} of ${tasks} tasks done; it was cancelled and its workers freed. Raise timeoutMs or send less work.`,
    ),
  workerFailed: (pool: string, cause: string) =>
    new JobError(
      502,
      'WORKER_FAILED',
      `A ${pool} pool worker failed mid-job (${withoutPaths(cause)}); the job was stopped, and a worker that exited was replaced. Retry the job.`,
      1,
    ),
  rateLimited: (perMinute: number, retryAfterSeconds: number) =>
    new JobError(
      429,
      'RATE_LIMITED',
      `This client has sent more than ${perMinute} job requests in a minute; retry in ${retryAfterSeconds} s.`,
      retryAfterSeconds,
    ),
  unavailable: (why: string, retryAfterSeconds: number) =>
    new JobError(503, 'POOLS_UNAVAILABLE', `Sample jobs cannot run: ${why}.`, jittered(retryAfterSeconds)),
};
