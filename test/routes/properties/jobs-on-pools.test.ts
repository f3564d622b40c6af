import assert from 'node:assert/strict';
import { after, before, test, type TestContext } from 'node:test';
import fc from 'fast-check';
import type { OpenAPIBackend } from 'openapi-backend';
import type { JobLimits } from '../../../src/jobs/defaults.js';
import { JobResultSchema } from '../../../src/jobs/schema.js';
import { startApp } from '../../helpers/app.js';
import { documentValidator, refusedFields, requestBodySchema, servedDocument, type Json } from '../../helpers/openapi-document.js';
import { validJobBodies } from './bodies.js';
import { assertDocumented } from './checks.js';
import { jobRules } from './rules.js';

/**
 * Valid generated jobs run for real, on started pools held to tight limits so that each job is a few
 * milliseconds of CPU: every one is answered 200 with a result the document and the zod schema accept.
 */

const RUNS = 50;
const SEED = 20_260_513;
const LIMITS: Partial<JobLimits> = {
  maxTasks: 20,
  maxCpuMsPerTask: 2,
  maxWaitMsPerTask: 2,
  maxWorkMs: 50,
  maxPayloadBytesPerTask: 64 * 1024,
  maxThreads: 4,
  maxProcesses: 2,
  maxThreadsPerProcess: 2,
  perClientPerMinute: 1e9,
};

let ctx: Awaited<ReturnType<typeof startApp>>;
let api: OpenAPIBackend;
before(async () => {
  // Load shedding off, as in routes.test.ts: this process's own synchronous work is not the server's.
  ctx = await startApp({ jobs: { startPools: true, limits: LIMITS }, maxEventLoopDelayMs: 0 });
  api = await documentValidator(servedDocument(ctx.app));
});
after(async () => {
  await ctx.app.close();
});

test(`${RUNS} valid generated jobs run on the pools and answer 200 with a documented result`, async (t: TestContext) => {
  const limits = ctx.app.jobs.limits;
  const started = performance.now();
  const pools = new Map<string, number>();
  // The document served here carries these limits, so json-schema-faker draws within them.
  const jobs = validJobBodies(requestBodySchema(api, 'runJob'), limits).map((job: Json) => {
    // A generated deadline may be 1 ms, and a generated crash fails its job: jobs.test.ts covers both
    // (504, 502); here each job gets the default deadline and runs whole.
    const { timeoutMs: _deadline, crash: _crash, ...rest } = job;
    return rest;
  });
  await fc.assert(
    fc.asyncProperty(jobs, async (job) => {
      assert.deepEqual([...refusedFields(api, 'runJob', job), ...jobRules(job, limits)], [], 'the generated job is valid');
      const res = await ctx.app.inject({ method: 'POST', url: '/jobs', payload: job });
      assert.equal(res.statusCode, 200, res.body.slice(0, 500));
      assertDocumented(api, 'runJob', res);
      const result = JobResultSchema.parse(res.json());
      pools.set(result.pool, (pools.get(result.pool) ?? 0) + 1);
      assert.deepEqual([result.pool, result.tasks, result.baselineMeasured], [job.pool, job.tasks, job.baseline === true]);
      assert.ok(Number.isFinite(result.wallMs) && result.wallMs > 0, `wallMs ${result.wallMs}`);
      assert.ok(result.taskMs.p50 <= result.taskMs.p95 && result.taskMs.p95 <= result.taskMs.max, JSON.stringify(result.taskMs));
    }),
    { seed: SEED, numRuns: RUNS, includeErrorInReport: true },
  );
  t.diagnostic(`${RUNS} jobs in ${Math.round(performance.now() - started)} ms, by pool ${JSON.stringify(Object.fromEntries(pools))}`);
});
