import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import type { ExampleOptions } from './examples.js';
import { openapiTransformObject } from './openapi.js';

/** Statuses that carry no body (RFC 9110), however their schema was written for the type provider. */
const BODILESS = ['204', '304'];

/**
 * zod's transform, with a bodiless reply documented as such: @fastify/swagger writes no content for type null.
 * A HEAD reply has no body whatever its status; it is documented with GET's statuses and headers only.
 */
const withoutBodies: typeof jsonSchemaTransform = (input) => {
  const output = jsonSchemaTransform(input);
  const response = output.schema.response as Record<string, { description?: string }> | undefined;
  const methods = [input.route.method].flat();
  const bodiless = methods.includes('HEAD') ? Object.keys(response ?? {}) : BODILESS;
  for (const status of bodiless) {
    if (response?.[status]) response[status] = { type: 'null', description: response[status].description } as { description?: string };
  }
  return output;
};

/** The OpenAPI document, built from the routes' zod schemas, at /docs/json, and Swagger UI at /docs. */
async function swagger(app: FastifyInstance, options: ExampleOptions) {
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
      components: {
        securitySchemes: {
          jobsToken: {
            type: 'http',
            scheme: 'bearer',
            description: 'Needed by the routes that run jobs only when the server sets JOBS_TOKEN; other servers take no token.',
          },
        },
      },
    },
    // fastify answers HEAD on every GET route: documented beside it (operationId + "-head"), not left out.
    exposeHeadRoutes: true,
    transform: withoutBodies,
    transformObject: openapiTransformObject(options),
  });
  // BaseLayout: Swagger UI without its top bar, whose SVG logo carries an inline <style> the content security
  // policy refuses, and whose only other use is loading some other document.
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', uiConfig: { layout: 'BaseLayout' } });
}

export const swaggerPlugin = fp(swagger, { name: 'swagger' });
