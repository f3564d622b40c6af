import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AdviceSchema } from '../../src/advisor/advice.js';
import { costsFor } from '../../src/advisor/costs/index.js';
import { COST_DESCRIPTIONS, COST_NAMES } from '../../src/advisor/costs/types.js';
import { RUNTIMES } from '../../src/advisor/profile.js';
import { appForTests } from '../helpers/app.js';

// Shedding load is tested in operations.test.ts; here a slow machine must not turn a reply into a 503.
const app = appForTests({ maxEventLoopDelayMs: 0 });

describe('GET /costs', () => {
  test('lists every runtime constant with its source', async () => {
    const res = await app().http.get('/costs').expect(200);
    const cpython = res.body.runtimes.cpython;
    assert.ok(cpython.processStartMs.value > 0);
    assert.ok(cpython.processStartMs.source.length > 10);
    assert.deepEqual(Object.keys(res.body.runtimes).sort(), ['cpython', 'cpython-free-threaded', 'node', 'pypy']);
  });

  test('each value is the one the advice uses, with its description', async () => {
    const { runtimes } = (await app().http.get('/costs').expect(200)).body;
    for (const runtime of RUNTIMES) {
      const defaults = costsFor(runtime);
      assert.deepEqual(Object.keys(runtimes[runtime]), [...COST_NAMES], runtime);
      for (const name of COST_NAMES) {
        const entry = runtimes[runtime][name];
        assert.equal(entry.value, defaults[name], `${runtime} ${name}`);
        assert.equal(entry.description, COST_DESCRIPTIONS[name]);
        assert.ok(entry.source.length > 0, `${runtime} ${name} has a source`);
        assert.doesNotMatch(entry.source, /shared\/|\/work\//, `${runtime} ${name} cites only what the repository holds`);
      }
    }
  });

  test('a profile can override a cost and the advice follows it', async () => {
    const profile = { tasks: 8, cpuMsPerTask: 100, waitMsPerTask: 0, cores: 8 };
    const plain = AdviceSchema.parse((await app().http.post('/advise').send(profile).expect(200)).body);
    assert.equal(plain.recommendation.model, 'processes');
    const slowStart = AdviceSchema.parse(
      (await app().http.post('/advise').send({ ...profile, costs: { processStartMs: 5000 } }).expect(200)).body,
    );
    assert.equal(slowStart.recommendation.model, 'sequential');
  });
});
