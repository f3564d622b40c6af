import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** Security headers on every reply; the policy admits Swagger UI's own inline script and style by hash. */
async function helmet(app: FastifyInstance) {
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
}

export const helmetPlugin = fp(helmet, { name: 'helmet', dependencies: ['swagger'] });
