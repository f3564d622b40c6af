import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AdviceSchema } from '../../src/advisor/advice.js';
import { BatchReplySchema } from '../../src/http/batch.js';
import { ErrorReplySchema } from '../../src/http/errors.js';
import { EXAMPLE_PROFILE } from '../../src/advisor/profile.js';
import { adviceFor } from '../helpers/advice.js';
import { startApp } from '../helpers/app.js';

let ctx: Awaited<ReturnType<typeof startApp>>;
before(async () => {
  ctx = await startApp({ bodyLimit: 64 * 1024 });
});
after(async () => {
  await ctx.app.close();
});

function issuePaths(body: unknown): string[] {
  return ErrorReplySchema.parse(body).issues?.map((issue) => issue.path) ?? [];
}

describe('POST /advise', () => {
  test('answers the example profile with advice that matches the schema', async () => {
    const res = await ctx.http.post('/advise').send({ ...EXAMPLE_PROFILE, name: 'nightly thumbnail job' }).expect(200).expect('content-type', /json/);
    const advice = AdviceSchema.parse(res.body);
    assert.equal(advice.name, 'nightly thumbnail job');
    assert.equal(advice.classification.kind, 'mixed');
    // sequential, async and threads, processes, and a hybrid each way: an event loop alone or handing its CPU to
    // threads, and processes each running threads or an event loop.
    assert.deepEqual(
      advice.estimates.map((e) => `${e.model}${e.inner ? ` ${e.inner}` : ''}`),
      ['sequential', 'async async', 'async threads', 'threads threads', 'processes', 'hybrid threads', 'hybrid async'],
    );
    assert.ok(advice.rationale.length >= 3);
    assert.ok(advice.practices.some((p) => p.id === 'measure-baseline-first'));
    assert.equal(advice.snippet.language, 'python');
    assert.ok(res.headers['x-request-id'], 'a request id header');
  });

  test('takes defaults from the server: runtime cpython and the server cores', async () => {
    const res = await ctx.http.post('/advise').send({ tasks: 10, cpuMsPerTask: 100, waitMsPerTask: 0 }).expect(200);
    const advice = AdviceSchema.parse(res.body);
    assert.equal(advice.resolved.runtime, 'cpython');
    assert.equal(advice.resolved.cores, 2);
    assert.ok(advice.warnings.some((w) => w.includes('cores was not given')));
  });

  test('a workload category reports the numbers it assumed', async () => {
    const res = await ctx.http.post('/advise').send({ tasks: 300, workload: 'web-scraping', cores: 4 }).expect(200);
    const advice = AdviceSchema.parse(res.body);
    assert.equal(advice.classification.basis, 'workload');
    assert.ok(advice.warnings.some((w) => w.includes('Workload "web-scraping" assumes 5 ms of CPU and 300 ms of wait')));
    assert.equal(advice.resolved.waitMsPerTask, 300);
  });

  test('names every bad field with what is wrong and the limit', async () => {
    const res = await ctx.http
      .post('/advise')
      .send({ tasks: 2e9, cpuMsPerTask: -1, waitMsPerTask: 'slow', runtime: 'jython', gilReleasedShare: 1.5, cores: 0, colour: 'red' })
      .expect(400);
    const body = ErrorReplySchema.parse(res.body);
    const byPath = new Map(body.issues?.map((issue) => [issue.path, issue]));
    assert.equal(byPath.get('tasks')?.limit, 1e9);
    assert.equal(byPath.get('cpuMsPerTask')?.limit, 0);
    assert.equal(byPath.get('gilReleasedShare')?.limit, 1);
    assert.equal(byPath.get('cores')?.limit, 1);
    assert.equal(byPath.get('waitMsPerTask')?.code, 'invalid_type');
    assert.deepEqual(byPath.get('runtime')?.allowed, ['cpython', 'cpython-free-threaded', 'pypy', 'node']);
    assert.match(byPath.get('colour')?.message ?? '', /Unknown field "colour"/);
    assert.match(body.message, /tasks: Too big/);
  });

  test('refuses two cost sources at once and says which to drop', async () => {
    const res = await ctx.http
      .post('/advise')
      .send({ tasks: 10, cpuMsPerTask: 5, waitMsPerTask: 1, workload: 'hashing' })
      .expect(400);
    const body = ErrorReplySchema.parse(res.body);
    assert.deepEqual(issuePaths(body), ['workload']);
    assert.match(body.issues?.[0]?.message ?? '', /given twice.*drop/);
  });

  test('a probed profile says so in the reply, and is advised as its numbers say', async () => {
    const numbers = { tasks: 200, cpuMsPerTask: 30, waitMsPerTask: 0, gilReleasedShare: 0.97, cores: 2 };
    const probed = AdviceSchema.parse((await ctx.http.post('/advise').send({ ...numbers, basis: 'probed' }).expect(200)).body);
    const declared = AdviceSchema.parse((await ctx.http.post('/advise').send(numbers).expect(200)).body);
    assert.equal(probed.classification.basis, 'probed');
    assert.equal(declared.classification.basis, 'declared');
    assert.deepEqual(probed.recommendation, declared.recommendation);
  });

  test('refuses basis "probed" without measured per-task numbers, naming basis', async () => {
    for (const body of [
      { tasks: 10, workload: 'hashing', basis: 'probed' },
      { tasks: 10, measurement: { wallMs: 100, cpuMs: 50 }, basis: 'probed' },
      { tasks: 10, cpuMsPerTask: 5, basis: 'probed' },
    ]) {
      const res = await ctx.http.post('/advise').send(body).expect(400);
      const reply = ErrorReplySchema.parse(res.body);
      assert.deepEqual(issuePaths(reply), ['basis'], JSON.stringify(body));
      assert.match(reply.issues?.[0]?.message ?? '', /give both/);
    }
    const res = await ctx.http.post('/advise').send({ tasks: 10, cpuMsPerTask: 5, waitMsPerTask: 0, basis: 'guessed' }).expect(400);
    assert.deepEqual(ErrorReplySchema.parse(res.body).issues?.[0]?.allowed, ['probed']);
  });

  test('refuses a profile with no cost source', async () => {
    const res = await ctx.http.post('/advise').send({ tasks: 10 }).expect(400);
    assert.match(ErrorReplySchema.parse(res.body).message, /per-task cost is missing/);
  });

  test('names nested fields by their path', async () => {
    const res = await ctx.http
      .post('/advise')
      .send({ tasks: 10, measurement: { wallMs: 0, cpuMs: 1, extra: true }, costs: { processStartMs: -5 } })
      .expect(400);
    assert.deepEqual(issuePaths(res.body).sort(), ['costs.processStartMs', 'measurement.extra', 'measurement.wallMs']);
  });

  test('a body that is not an object is a 400 naming the body', async () => {
    const res = await ctx.http.post('/advise').set('content-type', 'application/json').send('[1,2]').expect(400);
    assert.deepEqual(issuePaths(res.body), ['(body)']);
  });

  test('415 for a body that is not JSON', async () => {
    const res = await ctx.http.post('/advise').set('content-type', 'text/plain').send('tasks=10').expect(415);
    assert.match(ErrorReplySchema.parse(res.body).message, /must be JSON/);
  });

  test('400 for malformed or empty JSON', async () => {
    const bad = await ctx.http.post('/advise').set('content-type', 'application/json').send('{"tasks":').expect(400);
    assert.match(ErrorReplySchema.parse(bad.body).message, /not valid JSON/);
    const empty = await ctx.http.post('/advise').set('content-type', 'application/json').send('').expect(400);
    assert.match(ErrorReplySchema.parse(empty.body).message, /empty/);
  });

  test('413 over the body limit, naming the limit', async () => {
    const res = await ctx.http.post('/advise').send({ tasks: 1, cpuMsPerTask: 1, name: 'x'.repeat(70 * 1024) }).expect(413);
    assert.match(ErrorReplySchema.parse(res.body).message, /65536 bytes/);
  });

  test('404 in the same error shape', async () => {
    const res = await ctx.http.get('/advice').expect(404);
    assert.equal(ErrorReplySchema.parse(res.body).code, 'NOT_FOUND');
  });
});

describe('POST /advise/batch', () => {
  test('answers each profile in order; a bad one gets its own error with its index', async () => {
    const res = await ctx.http
      .post('/advise/batch')
      .send({
        profiles: [
          { tasks: 100, cpuMsPerTask: 1, waitMsPerTask: 100 },
          { tasks: -1, cpuMsPerTask: 1 },
          { tasks: 50, workload: 'compression', runtime: 'node' },
        ],
      })
      .expect(200);
    const body = BatchReplySchema.parse(res.body);
    assert.deepEqual(body.results.map((r) => [r.index, r.ok]), [[0, true], [1, false], [2, true]]);
    assert.equal(body.succeeded, 2);
    assert.equal(body.failed, 1);
    const failed = body.results[1];
    assert.ok(failed && !failed.ok);
    assert.deepEqual(failed.error.issues?.map((i) => i.path), ['profiles.1.tasks']);
    const nodeResult = body.results[2];
    assert.ok(nodeResult?.ok && nodeResult.advice.snippet.language === 'javascript');
  });

  test('refuses more than 100 profiles, an empty list and a missing list', async () => {
    const many = Array.from({ length: 101 }, () => ({ tasks: 1, cpuMsPerTask: 1 }));
    const tooMany = await ctx.http.post('/advise/batch').send({ profiles: many }).expect(400);
    assert.equal(ErrorReplySchema.parse(tooMany.body).issues?.[0]?.limit, 100);
    await ctx.http.post('/advise/batch').send({ profiles: [] }).expect(400);
    const missing = await ctx.http.post('/advise/batch').send({ profile: [] }).expect(400);
    assert.deepEqual(issuePaths(missing.body).sort(), ['profile', 'profiles']);
  });
});

describe('the advice cache', () => {
  const profile = { tasks: 4321, cpuMsPerTask: 3, waitMsPerTask: 40, cores: 4 };

  test('a repeated profile gets the same reply and ETag from the cache, with how long it holds', async () => {
    const first = await ctx.http.post('/advise').send(profile).expect(200).expect('content-type', /application\/json/);
    const second = await ctx.http.post('/advise').send(profile).expect(200);
    assert.match(first.headers.etag ?? '', /^"[\w-]{27}"$/);
    assert.equal(second.headers.etag, first.headers.etag);
    assert.equal(second.text, first.text);
    assert.equal(first.headers['cache-control'], 'max-age=3600');
    assert.equal(first.text, JSON.stringify(adviceFor(profile, 2)));
    const metrics = (await ctx.http.get('/metrics').expect(200)).text;
    assert.match(metrics, /^advice_cache_lookups_total\{result="hit"\} [1-9]/m);
    assert.match(metrics, /^advice_cache_entries [1-9]/m);
  });

  test('the key is the validated profile: field order and defaults written out give the same reply', async () => {
    const first = await ctx.http.post('/advise').send(profile).expect(200);
    const reordered = { cores: 4, waitMsPerTask: 40, runtime: 'cpython', sharedState: 'none', cpuMsPerTask: 3, tasks: 4321 };
    const same = await ctx.http.post('/advise').send(reordered).expect(200);
    assert.equal(same.headers.etag, first.headers.etag);
    const other = await ctx.http.post('/advise').send({ ...profile, tasks: 4322 }).expect(200);
    assert.notEqual(other.headers.etag, first.headers.etag);
  });

  test('If-None-Match with the reply\'s ETag gets 304 with no body; another tag or no-cache gets the reply', async () => {
    const { headers } = await ctx.http.post('/advise').send(profile).expect(200);
    const etag = headers.etag!;
    const notModified = await ctx.http.post('/advise').set('if-none-match', `"other", ${etag}`).send(profile).expect(304);
    assert.equal(notModified.text, '');
    assert.equal(notModified.headers.etag, etag);
    assert.equal(notModified.headers['cache-control'], 'max-age=3600');
    await ctx.http.post('/advise').set('if-none-match', '"other"').send(profile).expect(200);
    await ctx.http.post('/advise').set('if-none-match', etag).set('cache-control', 'no-cache').send(profile).expect(200);
    // A bad profile is refused whatever it matches.
    await ctx.http.post('/advise').set('if-none-match', '*').send({ tasks: 0 }).expect(400);
  });

  test('a batch takes cached replies and caches its own', async () => {
    const fresh = { tasks: 777, cpuMsPerTask: 1, waitMsPerTask: 9, cores: 2 };
    const batch = await ctx.http.post('/advise/batch').send({ profiles: [profile, fresh] }).expect(200);
    const single = await ctx.http.post('/advise').send(fresh).expect(200);
    const results = BatchReplySchema.parse(batch.body).results;
    assert.equal(JSON.stringify(results[1]?.ok && results[1].advice), single.text);
  });
});
