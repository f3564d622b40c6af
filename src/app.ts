import fastifyRateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { adviseRoutes } from '../routes/advise.js';
import { costsRoutes } from '../routes/costs.js';
import { healthRoutes } from '../routes/health.js';
import { jobsRoutes } from '../routes/jobs.js';
import { metricsRoutes } from '../routes/metrics.js';
import { advicePlugin } from './http/advice.js';
import type { AdviceOptions } from './http/advice-options.js';
import { charsetPlugin } from './http/charset.js';
import { closingPlugin } from './http/closing.js';
import { clientErrorHandler, errorHandler } from './http/error-handler.js';
import { helmetPlugin } from './http/helmet.js';
import { jobsPlugin } from './http/jobs.js';
import { metricsPlugin } from './http/metrics.js';
import { pagePlugin } from './http/page.js';
import { genReqId, OneLinePerRequest, REQUEST_ID_HEADER, requestIdPlugin } from './http/request-log.js';
import { swaggerPlugin } from './http/swagger.js';
import { underPressurePlugin } from './http/under-pressure.js';
import { HTTP_DEFAULTS } from './http/defaults.js';
import { JOB_DEFAULTS, type JobLimits } from './jobs/defaults.js';
import { usableCores } from './platform/cpu-quota.js';

export interface AppOptions {
  /** pino options, or false for none (tests). */
  logger?: FastifyServerOptions['logger'];
  bodyLimit?: number;
  /** Cores assumed for a profile that does not say; the serving machine's (within its cgroup CPU quota) by default. */
  defaultCores?: number;
  /** Event-loop delay past which requests get 503 with Retry-After; 0 turns the check off. */
  maxEventLoopDelayMs?: number;
  /** Sample jobs: limits, pool sizes, and whether to start the pools (off for the OpenAPI writer and most tests). */
  jobs?: {
    limits?: Partial<JobLimits>;
    /** Cores the pools use; defaultCores when not given. */
    cores?: number;
    hybridThreads?: number;
    startPools?: boolean;
    /** When set, POST /jobs and /jobs/compare need `Authorization: Bearer <token>`. */
    token?: string;
  };
  /** fastify's trustProxy: true, or the addresses and CIDRs of the proxies in front. */
  trustProxy?: boolean | string;
  /** Grace period of a shutdown: running jobs are cancelled before it ends. */
  shutdownGraceMs?: number;
  /** Advice: the reply cache (0 entries: off), how long a client may reuse a reply, the pool for heavy requests. */
  advice?: Partial<AdviceOptions>;
}

/** The options with every default filled in, once: the plugins take them as they are. */
function withDefaults(options: AppOptions) {
  const defaultCores = options.defaultCores ?? usableCores();
  return {
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? HTTP_DEFAULTS.bodyLimit,
    trustProxy: options.trustProxy ?? HTTP_DEFAULTS.trustProxy,
    maxEventLoopDelayMs: options.maxEventLoopDelayMs ?? HTTP_DEFAULTS.maxEventLoopDelayMs,
    shutdownGraceMs: options.shutdownGraceMs ?? HTTP_DEFAULTS.shutdownGraceMs,
    defaultCores,
    jobs: {
      limits: { ...JOB_DEFAULTS.limits, ...options.jobs?.limits },
      cores: options.jobs?.cores ?? defaultCores,
      hybridThreads: options.jobs?.hybridThreads ?? JOB_DEFAULTS.hybridThreads,
      startPools: options.jobs?.startPools ?? JOB_DEFAULTS.startPools,
      token: options.jobs?.token,
    },
    advice: {
      ...HTTP_DEFAULTS.advice,
      threads: Math.max(1, Math.floor(defaultCores / 2)),
      ...options.advice,
    } satisfies AdviceOptions,
  };
}

export async function buildApp(options: AppOptions = {}) {
  const settings = withDefaults(options);
  const app = Fastify({
    logger: settings.logger,
    bodyLimit: settings.bodyLimit,
    trustProxy: settings.trustProxy,
    requestIdHeader: REQUEST_ID_HEADER,
    genReqId,
    logController: new OneLinePerRequest(),
    clientErrorHandler,
  }).withTypeProvider<ZodTypeProvider>();

  // The API speaks JSON only: a text body is refused with 415 rather than validated as a string.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(requestIdPlugin);
  await app.register(closingPlugin);
  await app.register(errorHandler, { bodyLimit: settings.bodyLimit });
  await app.register(charsetPlugin);
  await app.register(metricsPlugin);
  await app.register(underPressurePlugin, { maxEventLoopDelayMs: settings.maxEventLoopDelayMs });
  // The document's example replies are this server's: its body limit, job limits and default cores.
  await app.register(swaggerPlugin, { defaultCores: settings.defaultCores, bodyLimit: settings.bodyLimit, jobLimits: settings.jobs.limits });
  await app.register(helmetPlugin);
  // Only the routes that spend the server's CPU are limited per client (routes/jobs.ts).
  await app.register(fastifyRateLimit, { global: false });

  const { token, ...jobs } = settings.jobs;
  await app.register(jobsPlugin, { ...jobs, shutdownGraceMs: settings.shutdownGraceMs });
  await app.register(advicePlugin, { defaultCores: settings.defaultCores, ...settings.advice });
  await app.register(adviseRoutes, { maxAgeSeconds: settings.advice.maxAgeSeconds });
  await app.register(jobsRoutes, { limits: settings.jobs.limits, token });
  await app.register(costsRoutes);
  await app.register(healthRoutes);
  await app.register(metricsRoutes);
  await app.register(pagePlugin);
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
