import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { ProfileSchema } from '../src/advisor/profile.js';
import { FIXED_ADVICE } from './fixed-advice.js';

/**
 * The yardstick for POST /advise: bare fastify with the same body validation, answering a real advice of
 * the same size through the same serializer as /advise (JSON.stringify of the advice, sent as JSON), with
 * no model, no cache and none of the app's plugins. The ratio to it is what the rest costs per request.
 */
const app = Fastify({ logger: false }).withTypeProvider<ZodTypeProvider>();
app.setValidatorCompiler(validatorCompiler);
app.setSerializerCompiler(serializerCompiler);
app.post('/advise', { schema: { body: ProfileSchema } }, async (_request, reply) =>
  reply.type('application/json; charset=utf-8').send(JSON.stringify(FIXED_ADVICE)),
);
await app.listen({ port: Number(process.env.PORT ?? 3101), host: '127.0.0.1' });
