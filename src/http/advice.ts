import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AdviceService } from './advice-service.js';

export interface AdvicePluginOptions {
  defaultCores: number;
  cacheEntries: number;
  cacheBytes: number;
  threads: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    advice: AdviceService;
  }
}

/** The advice service (reply cache and pool) as a shared plugin, closed with the app. */
async function advice(app: FastifyInstance, options: AdvicePluginOptions) {
  const service = new AdviceService({ ...options, registry: app.metrics.registry });
  app.decorate('advice', service);
  app.addHook('onClose', async () => {
    await service.close();
  });
}

export const advicePlugin = fp(advice, { name: 'advice', dependencies: ['metrics'] });
