import { buildApp } from '../src/app.js';
import { ProfileSchema } from '../src/advisor/profile.js';
import { FIXED_ADVICE } from './fixed-advice.js';

/**
 * The full app (every plugin and hook, pools started) with one more route, POST /fixed, that validates a
 * profile as /advise does and answers a real advice of the same size through the same serializer, with no
 * model and no cache: what the app's own plugins cost per request, against the bare route.
 */
const app = await buildApp({ logger: { level: process.env.LOG_LEVEL ?? 'warn' } });
app.post('/fixed', { schema: { body: ProfileSchema } }, async (_request, reply) =>
  reply.type('application/json; charset=utf-8').send(JSON.stringify(FIXED_ADVICE)),
);
await app.listen({ port: Number(process.env.PORT ?? 3104), host: '127.0.0.1' });
