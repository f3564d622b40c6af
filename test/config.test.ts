import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../src/config.js';

test('defaults to 127.0.0.1:3000 at info level', () => {
  const config = loadConfig({});
  assert.equal(config.server.host, '127.0.0.1');
  assert.equal(config.server.port, 3000);
  assert.equal(config.server.logLevel, 'info');
});

test('a bad value stops the start with a message that names it', () => {
  assert.throws(() => loadConfig({ PORT: 'eighty' }), /PORT/);
  assert.throws(() => loadConfig({ LOG_LEVEL: 'loud' }), /LOG_LEVEL/);
});

test('job limits and pool sizes come from the environment, by their documented names', () => {
  const config = loadConfig({ JOB_MAX_TASKS: '50', JOB_QUEUE_SIZE: '0', JOB_RATE_LIMIT_PER_MINUTE: '5', POOL_CORES: '3', TRUST_PROXY: '10.0.0.0/8' });
  const { limits } = config.app.jobs;
  assert.equal(limits.maxTasks, 50);
  assert.equal(limits.queueSize, 0);
  assert.equal(limits.perClientPerMinute, 5);
  assert.equal(limits.maxTimeoutMs, 120_000, 'an unset limit keeps its default');
  assert.equal(config.app.jobs.cores, 3);
  assert.equal(config.app.trustProxy, '10.0.0.0/8');
  assert.equal(loadConfig({ TRUST_PROXY: 'true' }).app.trustProxy, true);
  assert.throws(() => loadConfig({ JOB_MAX_TASKS: '0' }), /JOB_MAX_TASKS/);
});
