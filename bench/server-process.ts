import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';

/**
 * A server run as its own process, as in production (in-process, a load generator would share its event
 * loop), and what /proc says about it: CPU time, resident memory, threads and child processes.
 */

export interface Server {
  pid: number;
  url: string;
  stop(): Promise<void>;
}

/** Starts a compiled server script (dist/) and waits until GET `ready.path` answers `ready.status`. */
export async function startServer(
  script: URL,
  port: number,
  env: Record<string, string>,
  ready: { path: string; status: number },
  node = process.execPath,
): Promise<Server> {
  const url = `http://127.0.0.1:${port}`;
  // Another server on the port (another checkout's bench) would answer for ours and be measured instead.
  if (await fetch(url).then(() => true, () => false)) throw new Error(`port ${port} is in use: stop what listens there`);
  const child = spawn(node, [script.pathname], {
    env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  // A bench that fails midway must not leave its servers holding the ports.
  const killOnExit = () => child.kill();
  process.once('exit', killOnExit);
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script.pathname} exited with ${child.exitCode} before it was ready`);
    if (await fetch(url + ready.path).then((res) => res.status === ready.status, () => false)) break;
    if (Date.now() > deadline) throw new Error(`${script.pathname} was not ready in 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    pid: child.pid!,
    url,
    async stop() {
      process.off('exit', killOnExit);
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

/** Fields of /proc/.../stat after the command name (which may hold spaces): [0] is field 3, the state. */
function statFields(path: string): number[] {
  const stat = readFileSync(path, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
}

/** User + system CPU seconds of a process (all its threads), or of one of its threads (the main thread's id is the pid). */
export function cpuSeconds(pid: number, thread?: number): number {
  const fields = statFields(thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`);
  return (fields[11]! + fields[12]!) / TICKS_PER_SECOND;
}

/** CPU seconds of this process's children that have exited and been waited for (fields 16 and 17): wrk's, here. */
export function exitedChildrenCpuSeconds(): number {
  const fields = statFields('/proc/self/stat');
  return (fields[13]! + fields[14]!) / TICKS_PER_SECOND;
}

export interface Footprint {
  rssMb: number;
  threads: number;
  children: number;
  /** Threads of the child processes together (each hybrid process runs a thread pool). */
  childThreads: number;
  childRssMb: number;
}

function status(pid: number): { rssMb: number; threads: number } {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1]);
  return { rssMb: field('VmRSS') / 1024, threads: field('Threads') };
}

/** The process's resident memory and threads, and its child processes with theirs. */
export function footprint(pid: number): Footprint {
  let list = '';
  try {
    list = execFileSync('ps', ['--ppid', String(pid), '-o', 'pid='], { encoding: 'utf8' });
  } catch (error) {
    // ps exits 1 when there is no child: an answer, not a failure.
    if ((error as { status?: number }).status !== 1) throw error;
  }
  const children = list.split('\n').map((line) => line.trim()).filter(Boolean).map((child) => status(Number(child)));
  return {
    ...status(pid),
    children: children.length,
    childThreads: children.reduce((sum, child) => sum + child.threads, 0),
    childRssMb: children.reduce((sum, child) => sum + child.rssMb, 0),
  };
}
