import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { adviceOptionsFrom, jobLimitsFrom, loadConfig } from './config.js';

const config = loadConfig();
const app = await buildApp({
  logger: { level: config.LOG_LEVEL },
  bodyLimit: config.BODY_LIMIT_BYTES,
  maxEventLoopDelayMs: config.MAX_EVENT_LOOP_DELAY_MS,
  shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
  trustProxy: config.TRUST_PROXY,
  jobs: { limits: jobLimitsFrom(config), cores: config.POOL_CORES, hybridThreads: config.HYBRID_THREADS, token: config.JOBS_TOKEN },
  advice: adviceOptionsFrom(config),
});

closeWithGrace({ delay: config.SHUTDOWN_GRACE_MS }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'closing after an error');
  else app.log.info({ signal }, 'closing');
  await app.close();
});

await app.listen({ port: config.PORT, host: config.HOST });
