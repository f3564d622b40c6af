import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

/** The OpenAPI document, built from the routes' zod schemas, at /docs/json, and Swagger UI at /docs. */
async function swagger(app: FastifyInstance) {
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
}

export const swaggerPlugin = fp(swagger, { name: 'swagger' });
