import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/**
 * Cores this process may really use: the CPU affinity, capped by a cgroup CPU quota where a container
 * runtime set one (docker run --cpus). Node's availableParallelism() sees the host's cores inside a
 * container, and advice sized for them would oversubscribe the container.
 */
export function usableCores(readFile: (path: string) => string = (path) => readFileSync(path, 'utf8')): number {
  const affinity = availableParallelism();
  const quota = cgroupCpuQuota(readFile);
  return quota === undefined ? affinity : Math.max(1, Math.min(affinity, Math.ceil(quota)));
}

/** cgroup v2 `cpu.max` ("200000 100000": 2 CPUs; "max 100000": none), else cgroup v1's quota and period. */
export function cgroupCpuQuota(readFile: (path: string) => string): number | undefined {
  const v2 = tryRead(readFile, '/sys/fs/cgroup/cpu.max');
  if (v2 !== undefined) {
    const [quota, period] = v2.trim().split(/\s+/);
    return quota === 'max' ? undefined : ratio(quota, period);
  }
  const quota = tryRead(readFile, '/sys/fs/cgroup/cpu/cpu.cfs_quota_us');
  const period = tryRead(readFile, '/sys/fs/cgroup/cpu/cpu.cfs_period_us');
  return quota === undefined || Number(quota) < 0 ? undefined : ratio(quota, period);
}

function ratio(quota: string | undefined, period: string | undefined): number | undefined {
  const value = Number(quota) / Number(period);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

function tryRead(readFile: (path: string) => string, path: string): string | undefined {
  try {
    return readFile(path);
  } catch {
    return undefined;
  }
}
