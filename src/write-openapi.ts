import { mkdir, writeFile } from 'node:fs/promises';
import { buildApp } from './app.js';

/** Writes the OpenAPI document the running app serves at /docs/json; paths are from the working directory. */
export const OPENAPI_PATH = 'openapi/openapi.json';

export async function openapiDocument(): Promise<string> {
  const app = await buildApp({ defaultCores: 1, jobs: { startPools: false } });
  await app.ready();
  const text = `${JSON.stringify(app.swagger(), null, 2)}\n`;
  await app.close();
  return text;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await mkdir('openapi', { recursive: true });
  await writeFile(OPENAPI_PATH, await openapiDocument());
  console.log(`wrote ${OPENAPI_PATH}`);
}
