import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { EXECUTION_MODELS } from '../../src/advisor/plan.js';
import { CompareResultSchema, JobResultSchema, PoolsReplySchema } from '../../src/jobs/schema.js';
import { ErrorReplySchema } from '../../src/http/errors.js';
import { startApp } from '../helpers/app.js';

type Ctx = Awaited<ReturnType<typeof startApp>>;

/** This process's children: the pools' worker processes. */
function childPids(): number[] {
  const out = execFileSync('ps', ['-o', 'pid=', '--ppid', String(process.pid)]).toString();
  return out.split(/\s+/).filter(Boolean).map(Number);
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(25);
  }
  return false;
}

async function poolsIdle(ctx: Ctx): Promise<boolean> {
  const { body } = await ctx.http.get('/pools').expect(200);
  const pools = PoolsReplySchema.parse(body);
  return pools.jobs.running === 0 && pools.pools.every((pool) => pool.busy === 0 && pool.queued === 0);
}

describe('sample jobs on real pools', () => {
  let ctx: Ctx;
  before(async () => {
    ctx = await startApp({ jobs: { startPools: true } });
  });
  after(async () => {
    await ctx.app.close();
  });

  for (const pool of EXECUTION_MODELS) {
    test(`the ${pool} pool runs every task and reports what it measured`, async () => {
      const res = await ctx.http.post('/jobs').send({ pool, tasks: 6, cpuMsPerTask: 5, waitMsPerTask: 5, payloadBytesPerTask: 4096 }).expect(200);
      const job = JobResultSchema.parse(res.body);
      assert.equal(job.pool, pool);
      assert.equal(job.tasks, 6);
      assert.ok(job.wallMs > 0 && Number.isFinite(job.wallMs));
      // Each task waits 5 ms and computes 5 ms, so none can take less than the wait.
      assert.ok(job.taskMs.p50 >= 5 && job.taskMs.p50 <= job.taskMs.p95 && job.taskMs.p95 <= job.taskMs.max);
      assert.ok(job.cpuMs > 0, 'the CPU the tasks burned is counted');
      assert.equal(job.baselineMeasured, false);
      assert.equal(job.baselineMs, 60);
      assert.ok(Math.abs(job.speedup - job.baselineMs / job.wallMs) < 1e-9);
    });
  }

  test('sizes default to the cores and follow the request', async () => {
    const threads = JobResultSchema.parse((await ctx.http.post('/jobs').send({ pool: 'threads', tasks: 4, cpuMsPerTask: 0, waitMsPerTask: 1 }).expect(200)).body);
    assert.equal(threads.workers, 2);
    const hybrid = JobResultSchema.parse(
      (await ctx.http.post('/jobs').send({ pool: 'hybrid', workers: 1, threadsPerProcess: 3, tasks: 6, cpuMsPerTask: 0, waitMsPerTask: 1 }).expect(200)).body,
    );
    assert.deepEqual([hybrid.workers, hybrid.threadsPerProcess], [1, 3]);
    assert.ok(hybrid.startupMs > 0, 'a pool of a new size is started for the job, and its start-up reported apart');
    const pools = PoolsReplySchema.parse((await ctx.http.get('/pools').expect(200)).body);
    assert.ok(pools.pools.some((pool) => pool.kind === 'hybrid' && pool.processes === 1 && pool.threadsPerProcess === 3 && !pool.resident));
  });

  test('baseline: true measures a sequential run in the same request', async () => {
    const job = JobResultSchema.parse(
      (await ctx.http.post('/jobs').send({ pool: 'threads', tasks: 4, cpuMsPerTask: 2, waitMsPerTask: 10, baseline: true }).expect(200)).body,
    );
    assert.equal(job.baselineMeasured, true);
    assert.ok(job.baselineMs >= 40, `four tasks of 10 ms wait one after another take at least 40 ms, got ${job.baselineMs}`);
  });

  test('the reply says when gil: true does not apply to the pool, and that the GIL is emulated where it does', async () => {
    const processes = JobResultSchema.parse((await ctx.http.post('/jobs').send({ pool: 'processes', tasks: 2, cpuMsPerTask: 1, waitMsPerTask: 0, gil: true }).expect(200)).body);
    assert.equal(processes.gilEmulated, false);
    assert.ok(processes.notes.some((note) => /gil: true applies to the threads and hybrid pools/.test(note)));
    const threads = JobResultSchema.parse((await ctx.http.post('/jobs').send({ pool: 'threads', tasks: 2, cpuMsPerTask: 1, waitMsPerTask: 0, gil: true }).expect(200)).body);
    assert.equal(threads.gilEmulated, true);
    assert.ok(threads.notes.some((note) => /emulation/.test(note)));
  });

  test('limits are 400s that name the field and the limit', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ pool: 'threads', tasks: 20_000, cpuMsPerTask: 0, waitMsPerTask: 0 }, 'tasks', /10000/],
      [{ pool: 'threads', tasks: 1, cpuMsPerTask: 5_000, waitMsPerTask: 0 }, 'cpuMsPerTask', /1000/],
      [{ pool: 'threads', tasks: 1_000, cpuMsPerTask: 1_000, waitMsPerTask: 0 }, 'tasks', /over the limit of 120000 ms/],
      [{ pool: 'threads', workers: 500, tasks: 1, cpuMsPerTask: 0, waitMsPerTask: 0 }, 'workers', /at most 64/],
      [{ pool: 'threads', threadsPerProcess: 2, tasks: 1, cpuMsPerTask: 0, waitMsPerTask: 0 }, 'threadsPerProcess', /hybrid pool only/],
      [{ pool: 'processes', tasks: 1, cpuMsPerTask: 0, waitMsPerTask: 0, payloadBytesPerTask: 1e9 }, 'payloadBytesPerTask', /4194304/],
      [{ pool: 'threads', tasks: 1, cpuMsPerTask: 0, waitMsPerTask: 0, timeoutMs: 1e7 }, 'timeoutMs', /120000/],
      [{ pool: 'gpu', tasks: 1, cpuMsPerTask: 0, waitMsPerTask: 0 }, 'pool', /sequential/],
    ];
    for (const [body, field, limit] of cases) {
      const res = await ctx.http.post('/jobs').send(body).expect(400);
      const error = ErrorReplySchema.parse(res.body);
      const issue = error.issues?.find((candidate) => candidate.path === field);
      assert.ok(issue, `${JSON.stringify(body)} names ${field}: ${JSON.stringify(error.issues)}`);
      assert.match(`${issue.message} ${issue.limit ?? ''} ${issue.allowed?.join(',') ?? ''}`, limit);
    }
  });

  test('a job past its deadline is cancelled with 504, says how far it got, and frees its workers', async () => {
    const started = Date.now();
    const res = await ctx.http.post('/jobs').send({ pool: 'threads', tasks: 8, cpuMsPerTask: 0, waitMsPerTask: 1_000, timeoutMs: 300 }).expect(504);
    assert.ok(Date.now() - started < 3_000, 'the reply comes at the deadline, not when the work would have ended');
    assert.equal(res.body.code, 'DEADLINE_EXCEEDED');
    assert.match(res.body.message, /deadline of 300 ms with 0 of 8 tasks done/);
    assert.ok(await until(() => poolsIdle(ctx), 2_000), 'the workers are free after the deadline');
    await ctx.http.post('/jobs').send({ pool: 'threads', tasks: 2, cpuMsPerTask: 1, waitMsPerTask: 0 }).expect(200);
  });

  for (const pool of ['processes', 'hybrid'] as const) {
    test(`a ${pool} worker killed mid-job fails that job with 502, the pool heals, and the next job runs`, async () => {
      const job = ctx.http.post('/jobs').send({ pool, tasks: 4, cpuMsPerTask: 0, waitMsPerTask: 1_000 }).then((res) => res);
      await until(async () => !(await poolsIdle(ctx)), 2_000);
      await sleep(100);
      for (const pid of childPids()) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // The ps that listed the children has exited by now.
        }
      }
      const res = await job;
      assert.equal(res.status, 502);
      assert.equal(res.body.code, 'WORKER_FAILED');
      assert.match(res.body.message, /replaced/);
      assert.ok(Number(res.headers['retry-after']) >= 1);
      const next = JobResultSchema.parse((await ctx.http.post('/jobs').send({ pool, tasks: 4, cpuMsPerTask: 1, waitMsPerTask: 0 }).expect(200)).body);
      assert.equal(next.tasks, 4);
    });
  }

  for (const pool of EXECUTION_MODELS) {
    test(`a task that exits its ${pool} worker fails only that job, and the pool runs the next`, async () => {
      const res = await ctx.http.post('/jobs').send({ pool, tasks: 6, cpuMsPerTask: 1, waitMsPerTask: 5, crash: { atTask: 3, how: 'exit' } }).expect(502);
      assert.equal(res.body.code, 'WORKER_FAILED');
      assert.ok(Number(res.headers['retry-after']) >= 1);
      assert.ok(await until(() => poolsIdle(ctx), 2_000), 'nothing is left running');
      const next = JobResultSchema.parse((await ctx.http.post('/jobs').send({ pool, tasks: 6, cpuMsPerTask: 1, waitMsPerTask: 5 }).expect(200)).body);
      assert.equal(next.tasks, 6);
    });
  }

  test('a task that throws fails its job with the reason, and a crash outside the tasks is a 400', async () => {
    const res = await ctx.http.post('/jobs').send({ pool: 'threads', tasks: 4, cpuMsPerTask: 0, waitMsPerTask: 1, crash: { atTask: 0, how: 'throw' } }).expect(502);
    assert.match(res.body.message, /failed on purpose/);
    const outside = await ctx.http.post('/jobs').send({ pool: 'threads', tasks: 4, cpuMsPerTask: 0, waitMsPerTask: 1, crash: { atTask: 4, how: 'exit' } }).expect(400);
    assert.ok(outside.body.issues.some((issue: { path: string }) => issue.path === 'crash.atTask'));
  });

  test('/jobs/compare runs the sample on every model beside its prediction, and says whether the advice held', async () => {
    const res = await ctx.http.post('/jobs/compare').send({ tasks: 8, cpuMsPerTask: 2, waitMsPerTask: 2 }).expect(200);
    const result = CompareResultSchema.parse(res.body);
    assert.deepEqual(result.rows.map((row) => row.model).sort(), ['async', 'hybrid', 'processes', 'sequential', 'threads']);
    for (const row of result.rows) {
      assert.ok(row.measuredWallMs > 0 && row.predictedWallMs > 0);
      assert.ok(Math.abs(row.predictionError - (row.predictedWallMs / row.measuredWallMs - 1)) < 1e-9);
    }
    const fastest = Math.min(...result.rows.map((row) => row.measuredWallMs));
    assert.equal(result.rows.find((row) => row.model === result.fastest)?.measuredWallMs, fastest);
    const recommended = result.rows.find((row) => row.model === result.recommended);
    assert.ok(recommended);
    assert.equal(result.agree, recommended.measuredWallMs <= fastest * 1.1);
  });

  test('/jobs/compare scales an advisor profile down and runs cpython thread rows under the emulated GIL', async () => {
    const res = await ctx.http
      .post('/jobs/compare')
      .send({ profile: { tasks: 200, cpuMsPerTask: 400, waitMsPerTask: 5, cores: 8 } })
      .expect(200);
    const result = CompareResultSchema.parse(res.body);
    assert.equal(result.sample.gil, true);
    assert.ok(result.sample.tasks * (result.sample.cpuMsPerTask + result.sample.waitMsPerTask) <= 2_000 + 1e-6);
    assert.ok(Math.abs(result.sample.cpuMsPerTask / result.sample.waitMsPerTask - 80) < 1e-6, 'the CPU-to-wait ratio is kept');
    assert.ok(result.notes.some((note) => /scaled to/.test(note)));
    assert.equal(result.cores, 2, "the predictions assume this server's cores, not the profile's");
  });

  test('/jobs/compare takes a profile or a sample, not both', async () => {
    const res = await ctx.http.post('/jobs/compare').send({ profile: { tasks: 10, cpuMsPerTask: 1 }, tasks: 10 }).expect(400);
    assert.ok(res.body.issues.some((issue: { path: string; message: string }) => issue.path === 'tasks' && /not both/.test(issue.message)));
    const missing = await ctx.http.post('/jobs/compare').send({ tasks: 10 }).expect(400);
    assert.ok(missing.body.issues.some((issue: { path: string }) => issue.path === 'cpuMsPerTask'));
  });
});

describe('sample jobs over a real socket', () => {
  let ctx: Ctx;
  let base: string;
  before(async () => {
    ctx = await startApp({ jobs: { startPools: true } });
    base = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  });
  after(async () => {
    await ctx.app.close();
  });

  test('a job completes over a real connection (its request body being read does not cancel it)', async () => {
    const res = await request(base).post('/jobs').send({ pool: 'processes', tasks: 4, cpuMsPerTask: 1, waitMsPerTask: 20 }).expect(200);
    assert.equal(JobResultSchema.parse(res.body).tasks, 4);
  });

  test('a client that disconnects cancels its job and frees the workers', async () => {
    const controller = new AbortController();
    const sent = fetch(`${base}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pool: 'threads', tasks: 8, cpuMsPerTask: 0, waitMsPerTask: 1_000 }),
      signal: controller.signal,
    }).catch((error: Error) => error);
    assert.ok(await until(async () => !(await poolsIdle(ctx)), 2_000), 'the job started');
    const cancelledAt = Date.now();
    controller.abort();
    assert.ok((await sent) instanceof Error);
    // The job would hold both threads for 4 s; cancelled, they are free at once.
    assert.ok(await until(() => poolsIdle(ctx), 800), 'the workers are free soon after the client left');
    assert.ok(Date.now() - cancelledAt < 800);
    const metrics = await ctx.http.get('/metrics').expect(200);
    assert.match(metrics.text, /job_duration_seconds_count\{pool="threads",outcome="CLIENT_CLOSED"\} 1/);
  });
});

describe('a full job queue', () => {
  test('refuses with 503 and Retry-After while the accepted jobs complete', async () => {
    const ctx = await startApp({ jobs: { startPools: true, limits: { queueSize: 1 } } });
    try {
      const body = { pool: 'threads', tasks: 2, cpuMsPerTask: 0, waitMsPerTask: 300 };
      const accepted = [ctx.http.post('/jobs').send(body).then((res) => res), ctx.http.post('/jobs').send(body).then((res) => res)];
      await until(async () => PoolsReplySchema.parse((await ctx.http.get('/pools')).body).jobs.queued === 1, 2_000);
      const refused = await ctx.http.post('/jobs').send(body).expect(503);
      assert.equal(refused.body.code, 'QUEUE_FULL');
      assert.ok(Number(refused.headers['retry-after']) >= 1);
      for (const res of await Promise.all(accepted)) {
        assert.equal(res.status, 200);
        assert.equal(JobResultSchema.parse(res.body).tasks, 2);
      }
    } finally {
      await ctx.app.close();
    }
  });
});
