import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { PAGE_EXAMPLES } from '../../src/http/page.js';
import { ProfileSchema } from '../../src/advisor/profile.js';
import { startApp } from '../helpers/app.js';
import { servedDocument } from '../helpers/openapi-document.js';

let ctx: Awaited<ReturnType<typeof startApp>>;
before(async () => {
  ctx = await startApp();
});
after(async () => {
  await ctx.app.close();
});

describe('the page at /', () => {
  test('serves the HTML, its module, its CSS and the libraries, each with its type', async () => {
    for (const [url, type] of [
      ['/', /text\/html/],
      ['/page.js', /javascript/],
      ['/page.css', /text\/css/],
      ['/vendor/chart.umd.min.js', /javascript/],
      ['/vendor/highlight/core.min.js', /javascript/],
      ['/vendor/highlight/python.min.js', /javascript/],
      ['/vendor/highlight/typescript.min.js', /javascript/],
      ['/vendor/highlight/github.min.css', /text\/css/],
    ] as const) {
      const res = await ctx.http.get(url).expect(200);
      assert.match(String(res.headers['content-type']), type, url);
    }
  });

  test('every file the HTML loads is served, and none from another host', async () => {
    const html = (await ctx.http.get('/').expect(200)).text;
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    assert.ok(sources.length >= 5, sources.join(' '));
    for (const source of sources) {
      if (source.startsWith('data:') || source.startsWith('#')) continue;
      assert.match(source, /^\//, `${source} is on this server`);
      const res = await ctx.http.get(source);
      assert.ok(res.status < 400, `${source}: ${res.status}`);
    }
    assert.doesNotMatch(html, /<script>|<style|style="/, 'no inline script or style');
  });

  test('the content security policy holds on the page: no inline script or style admitted', async () => {
    const policy = String((await ctx.http.get('/').expect(200)).headers['content-security-policy']);
    assert.match(policy, /script-src 'self'/);
    assert.doesNotMatch(policy, /unsafe-inline|unsafe-eval/);
  });

  test('only the listed library files are served: other paths are the API\'s JSON 404', async () => {
    for (const url of ['/vendor/chart.js', '/vendor/highlight/../../package.json', '/node_modules/chart.js/package.json', '/nope']) {
      const res = await ctx.http.get(url).expect(404);
      assert.equal(res.body.code, 'NOT_FOUND', url);
    }
  });

  test('the page and its files stay out of the API document', () => {
    const paths = Object.keys(servedDocument(ctx.app).paths);
    assert.deepEqual(paths.filter((path) => path === '/' || path.startsWith('/vendor') || path.includes('profile-form') || path.includes('.')), []);
  });

  test('the form is built from the schema POST /advise checks: its bounds, defaults and descriptions', async () => {
    const form = (await ctx.http.get('/profile-form.json').expect(200)).body;
    assert.equal(form.profile.properties.tasks.minimum, 1);
    assert.equal(form.profile.properties.tasks.maximum, 1e9);
    assert.equal(form.profile.properties.runtime.default, 'cpython');
    assert.equal(form.profile.properties.measurement.properties.wallMs.exclusiveMinimum, 0);
    assert.match(form.profile.properties.gilReleasedShare.description, /GIL/);
    assert.deepEqual(form.examples, JSON.parse(JSON.stringify(PAGE_EXAMPLES)));
  });

  test('each example is a valid profile written in the README', async () => {
    const readme = (await readFile('README.md', 'utf8')).replace(/\s+/g, ' ');
    for (const { profile } of PAGE_EXAMPLES) {
      ProfileSchema.parse(profile);
      const written = JSON.stringify(profile).replace(/,"/g, ', "').replace(/":/g, '": ');
      assert.ok(readme.includes(written), `README has ${written}`);
    }
  });
});
