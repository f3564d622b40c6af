import { randomUUID } from 'node:crypto';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import underPressure from '@fastify/under-pressure';
import Fastify, { LogController, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { adviseRoutes } from '../routes/advise.js';
import { costsRoutes } from '../routes/costs.js';
import { healthRoutes } from '../routes/health.js';
import { jobsRoutes } from '../routes/jobs.js';
import { metricsRoutes } from '../routes/metrics.js';
import { usableCores } from './cpu-quota.js';
import { clientErrorHandler, errorHandler } from './error-handler.js';
import { DEFAULT_JOB_LIMITS, type JobLimits } from './jobs/defaults.js';
import { jobsPlugin } from './jobs/plugin.js';
import { metricsPlugin } from './metrics.js';
import type { ErrorReply } from './schemas/errors.js';

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
  };
  /** fastify's trustProxy: true, or the addresses and CIDRs of the proxies in front. */
  trustProxy?: boolean | string;
  /** Grace period of a shutdown: running jobs are cancelled before it ends. */
  shutdownGraceMs?: number;
}

/** Seconds a client is asked to wait when the server is overloaded. */
const OVERLOAD_RETRY_AFTER_SECONDS = 5;

const REQUEST_ID_HEADER = 'x-request-id';

/** One log line per request, written when it completes, with its id, route, status and time. */
class OneLinePerRequest extends LogController {
  incomingRequest(): void {}

  requestCompleted(error: Error | null, request: FastifyRequest, reply: FastifyReply): void {
    const line = { method: request.method, url: request.url, statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime * 100) / 100 };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request');
  }
}

export async function buildApp(options: AppOptions = {}) {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    trustProxy: options.trustProxy ?? false,
    requestIdHeader: REQUEST_ID_HEADER,
    genReqId: () => randomUUID(),
    logController: new OneLinePerRequest(),
    clientErrorHandler,
  }).withTypeProvider<ZodTypeProvider>();

  // The API speaks JSON only: a text body is refused with 415 rather than validated as a string.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });

  // Once closing, each reply ends its connection: a keep-alive client would otherwise hold the close
  // open until the keep-alive timeout, past the grace period.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) void reply.header('connection', 'close');
  });

  await app.register(errorHandler);
  await app.register(metricsPlugin);
  await app.register(underPressure, {
    maxEventLoopDelay: options.maxEventLoopDelayMs ?? 1000,
    // Liveness must answer while the server sheds load, or an orchestrator restarts a busy but healthy process.
    pressureHandler: (request, reply, type, value) => {
      if (request.url === '/health') return;
      const body: ErrorReply = {
        statusCode: 503,
        error: 'Service Unavailable',
        code: 'OVERLOADED',
        message: `The server is overloaded (${type} ${Math.round(Number(value))}); retry in ${OVERLOAD_RETRY_AFTER_SECONDS} s.`,
      };
      void reply.code(503).header('retry-after', OVERLOAD_RETRY_AFTER_SECONDS);
      // Returned, not sent: under-pressure then sends it and ends the request there. Sent here, the request
      // would go on, and a GET route's handler would run beside the 503 (/metrics put its text/plain on it).
      // Its README says a returned value is sent; its types allow only void, hence the cast.
      return body as unknown as void;
    },
  });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'task-advisor',
        version: '0.1.0',
        description:
          'Threads, processes, both, or neither? Send a task profile; get the execution model, pool sizes, predicted wall times, the reasons in numbers, practices and a code skeleton.',
      },
      tags: [
        { name: 'advice', description: 'Recommendations from the performance model' },
        { name: 'jobs', description: 'Sample jobs measured on real pools' },
        { name: 'operations', description: 'Health of the service' },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  // Security headers on every reply; the policy admits Swagger UI's own inline script and style by hash.
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'validator.swagger.io'],
        scriptSrc: ["'self'", ...app.swaggerCSP.script],
        styleSrc: ["'self'", 'https:', ...app.swaggerCSP.style],
        // The service speaks plain HTTP behind its load balancer; upgrading would break /docs there.
        upgradeInsecureRequests: null,
      },
    },
  });
  // Only the routes that spend the server's CPU are limited per client (routes/jobs.ts).
  await app.register(fastifyRateLimit, { global: false });

  const defaultCores = options.defaultCores ?? usableCores();
  const jobLimits = { ...DEFAULT_JOB_LIMITS, ...options.jobs?.limits };
  await app.register(jobsPlugin, {
    limits: jobLimits,
    cores: options.jobs?.cores ?? defaultCores,
    hybridThreads: options.jobs?.hybridThreads,
    startPools: options.jobs?.startPools,
    shutdownGraceMs: options.shutdownGraceMs,
  });
  await app.register(adviseRoutes, { defaultCores });
  await app.register(jobsRoutes, { limits: jobLimits });
  await app.register(costsRoutes);
  await app.register(healthRoutes);
  await app.register(metricsRoutes);
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
