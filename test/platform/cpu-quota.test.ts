import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import { cgroupCpuQuota, usableCores } from '../../src/platform/cpu-quota.js';

const files = (contents: Record<string, string>) => (path: string) => {
  const text = contents[path];
  if (text === undefined) throw new Error(`ENOENT ${path}`);
  return text;
};

test('a cgroup v2 quota caps the cores: docker run --cpus=1.5 gives 2', () => {
  assert.equal(cgroupCpuQuota(files({ '/sys/fs/cgroup/cpu.max': '150000 100000\n' })), 1.5);
  assert.equal(usableCores(files({ '/sys/fs/cgroup/cpu.max': '150000 100000\n' })), Math.min(2, availableParallelism()));
});

test('no quota, or no cgroup files, leaves the CPU affinity', () => {
  assert.equal(cgroupCpuQuota(files({ '/sys/fs/cgroup/cpu.max': 'max 100000\n' })), undefined);
  assert.equal(usableCores(files({})), availableParallelism());
});

test('cgroup v1 quota and period are read too; -1 means none', () => {
  const v1 = { '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '50000', '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000' };
  assert.equal(cgroupCpuQuota(files(v1)), 0.5);
  assert.equal(usableCores(files(v1)), 1);
  assert.equal(cgroupCpuQuota(files({ ...v1, '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '-1' })), undefined);
});
