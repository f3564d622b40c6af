import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';

const { server, app: settings } = loadConfig();
const app = await buildApp({ logger: { level: server.logLevel }, ...settings });

closeWithGrace({ delay: server.shutdownGraceMs }, async ({ signal, err }) => {
  if (err) app.log.error({ err }, 'closing after an error');
  else app.log.info({ signal }, 'closing');
  await app.close();
});

await app.listen({ port: server.port, host: server.host });
