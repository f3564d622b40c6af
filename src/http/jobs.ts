import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Gauge } from 'prom-client';
import type { JobLimits } from '../jobs/defaults.js';
import { JobService } from '../jobs/service.js';
import { HTTP_DEFAULTS } from './defaults.js';

/** As buildApp resolved them: every default is filled in there (JOB_DEFAULTS, HTTP_DEFAULTS). */
export interface JobsPluginOptions {
  limits: JobLimits;
  /** Cores the pools may use (the resident pools' size). */
  cores: number;
  hybridThreads: number;
  /** Start the pools with the app; off for the OpenAPI writer and tests that need no pools. */
  startPools: boolean;
  /** Running jobs may finish within this share of the grace period; then they are cancelled. */
  shutdownGraceMs: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    jobs: JobService;
  }
}

/** Jobs get this share of the grace period to finish, leaving the rest to reply and close the pools. */
const GRACE_SHARE_FOR_JOBS = 0.8;

/** The sample-job service as a shared plugin: pools, queue, metrics, and shutdown in one place. */
async function jobs(app: FastifyInstance, options: JobsPluginOptions) {
  const service = new JobService({
    limits: options.limits,
    cores: options.cores,
    hybridThreads: options.hybridThreads,
    unavailableRetryAfterSeconds: HTTP_DEFAULTS.retryAfterSeconds,
    onPoolError: (error) => app.log.warn({ err: error }, 'a pool worker died while idle and was replaced'),
  });
  app.decorate('jobs', service);

  const registers = [app.metrics.registry];
  const poolLabels = ['kind', 'shape'] as const;
  const poolGauge = (name: string, help: string, read: (stats: ReturnType<typeof service.pools>['pools'][number]) => number) =>
    new Gauge({
      name,
      help,
      labelNames: poolLabels,
      registers,
      collect() {
        this.reset();
        for (const stats of service.pools().pools) {
          this.set({ kind: stats.kind, shape: `${stats.processes}x${stats.threadsPerProcess}` }, read(stats));
        }
      },
    });
  poolGauge('pool_workers', 'Workers of each started pool.', (stats) => stats.size);
  poolGauge('pool_busy_workers', 'Workers running a task.', (stats) => stats.busy);
  poolGauge('pool_queued_tasks', 'Tasks handed to the pool and waiting for a worker.', (stats) => stats.queued);
  poolGauge('pool_utilization_ratio', "Share of the pool's worker time spent on tasks since it started.", (stats) => stats.utilization);
  new Gauge({
    name: 'jobs_queued',
    help: 'Sample jobs waiting behind the running one.',
    registers,
    collect() {
      this.set(service.pools().jobs.queued);
    },
  });

  if (options.startPools) await service.start();

  let cancelTimer: NodeJS.Timeout | undefined;
  app.addHook('preClose', async () => {
    // New jobs are refused from here on; running ones may finish within the grace period.
    service.beginShutdown();
    cancelTimer = setTimeout(() => service.cancelAll(), options.shutdownGraceMs * GRACE_SHARE_FOR_JOBS);
    cancelTimer.unref();
  });
  app.addHook('onClose', async () => {
    clearTimeout(cancelTimer);
    await service.close();
  });
}

export const jobsPlugin = fp(jobs, { name: 'jobs', dependencies: ['metrics'] });
