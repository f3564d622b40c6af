import underPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { HTTP_DEFAULTS } from './defaults.js';
import type { ErrorReply } from './errors.js';

export interface UnderPressureOptions {
  /** Event-loop delay past which requests get 503 with Retry-After; 0 turns the check off. */
  maxEventLoopDelayMs: number;
}

/**
 * What every route but /health answers while a measure of the server is past its limit. under-pressure reports
 * Infinity when the loop took no turn in a whole sample (Node 24's delay histogram then holds no sample): the
 * delay was at least the sample interval.
 */
export function overloadedReply(measure: string, value: number): ErrorReply {
  const atLeastMs = Number.isFinite(value) ? Math.round(value) : HTTP_DEFAULTS.pressureSampleIntervalMs;
  return {
    statusCode: 503,
    error: 'Service Unavailable',
    code: 'OVERLOADED',
    message: `The server is overloaded (${measure} at least ${atLeastMs} ms); retry in ${HTTP_DEFAULTS.retryAfterSeconds} s.`,
  };
}

/** Sheds load while the event loop lags: every route but /health answers 503 with Retry-After. */
async function sheddingLoad(app: FastifyInstance, options: UnderPressureOptions) {
  await app.register(underPressure, {
    maxEventLoopDelay: options.maxEventLoopDelayMs,
    sampleInterval: HTTP_DEFAULTS.pressureSampleIntervalMs,
    // Liveness must answer while the server sheds load, or an orchestrator restarts a busy but healthy process.
    pressureHandler: (request, reply, type, value) => {
      if (request.url === '/health') return;
      const body = overloadedReply(type, Number(value));
      void reply.code(503).header('retry-after', HTTP_DEFAULTS.retryAfterSeconds);
      // Returned, not sent: under-pressure then sends it and ends the request there. Sent here, the request
      // would go on, and a GET route's handler would run beside the 503 (/metrics put its text/plain on it).
      // Its README says a returned value is sent; its types allow only void, hence the cast.
      return body as unknown as void;
    },
  });
}

export const underPressurePlugin = fp(sheddingLoad, { name: 'under-pressure' });
