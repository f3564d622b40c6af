import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  advice: Counter<'model'>;
  jobDuration: Histogram<'pool' | 'outcome'>;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics;
  }
}

/**
 * Prometheus metrics, one registry per app so that apps built side by side (tests) do not share counters:
 * requests and their durations per route and status, advice per recommended model, sample jobs per pool
 * and outcome, and Node's own
 * (event-loop lag, heap, GC) from prom-client's defaults.
 */
async function metrics(app: FastifyInstance) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by route, method and status, with their duration.',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const advice = new Counter({
    name: 'advice_total',
    help: 'Advice given, by the recommended model.',
    labelNames: ['model'] as const,
    registers: [registry],
  });

  const jobDuration = new Histogram({
    name: 'job_duration_seconds',
    help: 'Sample jobs by pool and outcome (ok, or the error code), with their duration.',
    labelNames: ['pool', 'outcome'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });

  app.decorate('metrics', { registry, advice, jobDuration });
  app.addHook('onResponse', async (request, reply) => {
    // The route's pattern, not the raw URL, so that labels stay few; unmatched URLs share one label.
    const route = request.routeOptions.url ?? 'unmatched';
    requestDuration.observe(
      { route, method: request.method, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
}

export const metricsPlugin = fp(metrics, { name: 'metrics' });
