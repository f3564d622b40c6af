import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { OPENAPI_PATH } from '../../src/write-openapi.js';
import { startApp } from '../helpers/app.js';

let ctx: Awaited<ReturnType<typeof startApp>>;
before(async () => {
  ctx = await startApp();
});
after(async () => {
  await ctx.app.close();
});

test('/docs/json is the committed openapi/openapi.json (run `npm run openapi` when this fails)', async () => {
  const served = (await ctx.http.get('/docs/json').expect(200)).body;
  const committed = JSON.parse(await readFile(OPENAPI_PATH, 'utf8'));
  assert.deepEqual(served, committed);
});

test('the document is OpenAPI 3 with an operation id and a request example for every body', async () => {
  const doc = (await ctx.http.get('/docs/json').expect(200)).body;
  assert.match(doc.openapi, /^3\./);
  const schemas = doc.components?.schemas ?? {};
  const resolve = (schema: { $ref?: string }) =>
    schema.$ref ? schemas[schema.$ref.replace('#/components/schemas/', '')] : schema;
  for (const [path, methods] of Object.entries<Record<string, any>>(doc.paths)) {
    for (const [method, operation] of Object.entries<any>(methods)) {
      assert.ok(operation.operationId, `${method} ${path} has an operationId`);
      const body = operation.requestBody?.content?.['application/json']?.schema;
      if (body) assert.ok(resolve(body).example, `${method} ${path} has a request example`);
    }
  }
});

test('Swagger UI is served at /docs', async () => {
  const res = await ctx.http.get('/docs/').expect(200);
  assert.match(res.text, /swagger-ui/i);
});
