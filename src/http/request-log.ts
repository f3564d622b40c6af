import { randomUUID } from 'node:crypto';
import { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/** The header that carries a request's id: taken from the client when sent, echoed on every reply. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** A fresh id for a request that came without one. */
export const genReqId = () => randomUUID();

/** One log line per request, written when it completes, with its id, route, status and time. */
export class OneLinePerRequest extends LogController {
  incomingRequest(): void {}

  requestCompleted(error: Error | null, request: FastifyRequest, reply: FastifyReply): void {
    const line = { method: request.method, url: request.url, statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime * 100) / 100 };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request');
  }
}

/** Every reply names its request's id, so a client can quote it and the log line be found. */
async function requestId(app: FastifyInstance) {
  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
}

export const requestIdPlugin = fp(requestId, { name: 'request-id' });
