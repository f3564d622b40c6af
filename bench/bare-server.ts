import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { ProfileSchema } from '../src/advisor/profile.js';

/**
 * The yardstick for POST /advise: fastify with the same body validation and no advice, so the ratio
 * between the two is what the advice itself costs per request.
 */
const app = Fastify({ logger: false }).withTypeProvider<ZodTypeProvider>();
app.setValidatorCompiler(validatorCompiler);
app.setSerializerCompiler(serializerCompiler);
app.post('/advise', { schema: { body: ProfileSchema } }, async (request) => ({ tasks: request.body.tasks }));
await app.listen({ port: Number(process.env.PORT ?? 3101), host: '127.0.0.1' });
