import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Once closing, each reply ends its connection: a keep-alive client would otherwise hold the close
 * open until the keep-alive timeout, past the grace period.
 */
async function closing(app: FastifyInstance) {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) void reply.header('connection', 'close');
  });
}

export const closingPlugin = fp(closing, { name: 'closing' });
