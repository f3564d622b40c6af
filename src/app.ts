import fastifyRateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { adviseRoutes } from '../routes/advise.js';
import { costsRoutes } from '../routes/costs.js';
import { healthRoutes } from '../routes/health.js';
import { jobsRoutes } from '../routes/jobs.js';
import { metricsRoutes } from '../routes/metrics.js';
import { advicePlugin } from './http/advice.js';
import { DEFAULT_ADVICE_OPTIONS, type AdviceOptions } from './http/advice-options.js';
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
import { DEFAULT_JOB_LIMITS, type JobLimits } from './jobs/defaults.js';
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


export async function buildApp(options: AppOptions = {}) {
  const bodyLimit = options.bodyLimit ?? 1024 * 1024;
  const defaultCores = options.defaultCores ?? usableCores();
  const jobLimits = { ...DEFAULT_JOB_LIMITS, ...options.jobs?.limits };
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit,
    trustProxy: options.trustProxy ?? false,
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
  await app.register(errorHandler);
  await app.register(charsetPlugin);
  await app.register(metricsPlugin);
  await app.register(underPressurePlugin, { maxEventLoopDelayMs: options.maxEventLoopDelayMs ?? 1000 });
  // The document's example replies are this server's: its body limit, job limits and default cores.
  await app.register(swaggerPlugin, { defaultCores, bodyLimit, jobLimits });
  await app.register(helmetPlugin);
  // Only the routes that spend the server's CPU are limited per client (routes/jobs.ts).
  await app.register(fastifyRateLimit, { global: false });

  await app.register(jobsPlugin, {
    limits: jobLimits,
    cores: options.jobs?.cores ?? defaultCores,
    hybridThreads: options.jobs?.hybridThreads,
    startPools: options.jobs?.startPools,
    shutdownGraceMs: options.shutdownGraceMs,
  });
  const advice = { ...DEFAULT_ADVICE_OPTIONS, threads: Math.max(1, Math.floor(defaultCores / 2)), ...options.advice };
  await app.register(advicePlugin, { defaultCores, ...advice });
  await app.register(adviseRoutes, { maxAgeSeconds: advice.maxAgeSeconds });
  await app.register(jobsRoutes, { limits: jobLimits, token: options.jobs?.token });
  await app.register(costsRoutes);
  await app.register(healthRoutes);
  await app.register(metricsRoutes);
  await app.register(pagePlugin);
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
