import { after, before } from 'node:test';
import request from 'supertest';
import { buildApp, type App } from '../../src/app.js';

/**
 * The app as it serves, in-process, with a fixed core count so defaults do not depend on the test machine;
 * the sample pools start only when a test asks (`jobs: { startPools: true }`).
 */
export async function startApp(options: Parameters<typeof buildApp>[0] = {}): Promise<{ app: App; http: ReturnType<typeof request> }> {
  const app = await buildApp({ defaultCores: 2, ...options, jobs: { startPools: false, ...options.jobs } });
  await app.ready();
  return { app, http: request(app.server) };
}

/** The app started before the tests of this file and closed after them; call the result inside a test. */
export function appForTests(options: Parameters<typeof buildApp>[0] = {}): () => Awaited<ReturnType<typeof startApp>> {
  let ctx: Awaited<ReturnType<typeof startApp>> | undefined;
  before(async () => {
    ctx = await startApp(options);
  });
  after(async () => {
    await ctx?.app.close();
  });
  return () => {
    if (!ctx) throw new Error('the app is not started yet');
    return ctx;
  };
}

/**
 * The app listening on a free local port, started before the tests of this file and closed after them, for
 * clients that need a URL (the CLI's --url); call the result inside a test for the server's base URL.
 */
export function serverForTests(options: Parameters<typeof buildApp>[0] = {}): () => string {
  let app: App | undefined;
  let base: string | undefined;
  before(async () => {
    app = await buildApp({ defaultCores: 2, ...options });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  after(async () => {
    await app?.close();
  });
  return () => {
    if (base === undefined) throw new Error('the server is not listening yet');
    return base;
  };
}
