import type { Plan } from '../plan.js';
import { RUNTIME_TRAITS, type Language } from '../runtimes.js';
import { nativeThreadsPerTask } from '../model/sizing.js';
import type { Work } from '../work.js';

export interface Snippet {
  language: Language;
  code: string;
}

const NATIVE_THREAD_VARS = ['OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS', 'NUMEXPR_NUM_THREADS'];

/** Caps BLAS/OpenMP pools before any numeric library loads; only where tasks run native threads or native code. */
function pythonNativeThreadCap(work: Work, plan: Plan): string {
  const workers = plan.processes * plan.threadsPerProcess;
  if (work.threadsPerTask <= 1 && (plan.model === 'sequential' || work.gilReleasedShare === 0)) return '';
  const cap = nativeThreadsPerTask(work, workers);
  const lines = NATIVE_THREAD_VARS.map((name) => `os.environ.setdefault("${name}", "${cap}")`);
  return `import os\n\n# ${workers} workers share ${work.cores} cores: cap each one's BLAS/OpenMP threads before NumPy loads.\n${lines.join('\n')}\n`;
}

function pythonTask(work: Work): string {
  const body =
    work.waitMs > 0
      ? `    time.sleep(${(work.waitMs / 1000).toFixed(3)})  # stands for the wait: give real IO a timeout\n    return i * i`
      : '    return i * i';
  return `def task(i):\n    # Replace with one unit of your work (${work.cpuMs} ms CPU, ${work.waitMs} ms wait per task).\n${body}\n`;
}

function pythonMain(run: string): string {
  return `def main():
    start = time.perf_counter()
${run}    print(f"{len(results)} tasks in {time.perf_counter() - start:.3f} s")


if __name__ == "__main__":
    main()
`;
}

function pythonSnippet(work: Work, plan: Plan): string {
  const header = `${pythonNativeThreadCap(work, plan)}import time\n`;
  const sizes = `TASKS = ${work.tasks}\n`;
  switch (plan.model) {
    case 'sequential':
      return `${header}\n${sizes}\n\n${pythonTask(work)}\n\n${pythonMain('    results = [task(i) for i in range(TASKS)]\n')}`;
    case 'threads':
      return `${header}from concurrent.futures import ThreadPoolExecutor

${sizes}THREADS = ${plan.threadsPerProcess}  # cores x (1 + wait/compute), within the downstream's limit


${pythonTask(work)}

${pythonMain('    with ThreadPoolExecutor(max_workers=THREADS) as pool:\n        results = list(pool.map(task, range(TASKS)))\n')}`;
    case 'processes':
      return `${header}from concurrent.futures import ProcessPoolExecutor

${sizes}PROCESSES = ${plan.processes}
CHUNK_SIZE = ${plan.chunkSize}  # tasks per message: amortises the round trip to a worker


${pythonTask(work)}

${pythonMain('    with ProcessPoolExecutor(max_workers=PROCESSES) as pool:\n        results = list(pool.map(task, range(TASKS), chunksize=CHUNK_SIZE))\n')}`;
    default:
      return `${header}from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

${sizes}PROCESSES = ${plan.processes}
THREADS_PER_PROCESS = ${plan.threadsPerProcess}
CHUNK_SIZE = ${plan.chunkSize}  # tasks per process message, spread over its threads


${pythonTask(work)}

def run_chunk(chunk):
    # Runs inside a worker process: its own GIL, its own thread pool for the waits.
    with ThreadPoolExecutor(max_workers=THREADS_PER_PROCESS) as threads:
        return list(threads.map(task, chunk))


def chunks(total, size):
    for first in range(0, total, size):
        yield range(first, min(first + size, total))


${pythonMain('    with ProcessPoolExecutor(max_workers=PROCESSES) as pool:\n        results = [r for part in pool.map(run_chunk, chunks(TASKS, CHUNK_SIZE)) for r in part]\n')}`;
  }
}

function nodeTask(work: Work, isAsync: boolean): string {
  const wait =
    work.waitMs > 0
      ? isAsync
        ? `  await setTimeout(${work.waitMs}); // stands for the wait: pass AbortSignal.timeout(ms) to real IO\n`
        : `  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${work.waitMs}); // stands for a blocking wait\n`
      : '';
  const signature = isAsync ? 'export async function task(i: number): Promise<number>' : 'export function task(i: number): number';
  return `// Replace with one unit of your work (${work.cpuMs} ms CPU, ${work.waitMs} ms wait per task).\n${signature} {\n${wait}  return i * i;\n}\n`;
}

function nodeSnippet(work: Work, plan: Plan): string {
  switch (plan.model) {
    case 'sequential':
      return `${work.waitMs > 0 ? "import { setTimeout } from 'node:timers/promises';\n\n" : ''}const TASKS = ${work.tasks};

${nodeTask(work, true)}
const start = performance.now();
const results: number[] = [];
for (let i = 0; i < TASKS; i++) results.push(await task(i));
console.log(\`\${results.length} tasks in \${(performance.now() - start).toFixed(0)} ms\`);
`;
    case 'async':
      return `${work.waitMs > 0 ? "import { setTimeout } from 'node:timers/promises';\n\n" : ''}const TASKS = ${work.tasks};
const CONCURRENCY = ${plan.threadsPerProcess}; // tasks in flight: 1 + wait/compute, within the downstream's limit

${nodeTask(work, true)}
const start = performance.now();
const results = new Array<number>(TASKS);
let next = 0;
// Each lane takes the next task when its last one settles, so at most CONCURRENCY run at once.
async function lane(): Promise<void> {
  while (next < TASKS) {
    const i = next++;
    results[i] = await task(i);
  }
}
await Promise.all(Array.from({ length: CONCURRENCY }, lane));
console.log(\`\${results.length} tasks in \${(performance.now() - start).toFixed(0)} ms\`);
`;
    case 'threads':
      return `// One file: the main thread runs the pool, piscina's workers import the same file for task().
import { isMainThread } from 'node:worker_threads';
import { Piscina } from 'piscina';

const TASKS = ${work.tasks};
const THREADS = ${plan.threadsPerProcess};

${nodeTask(work, false)}
export default task;

if (isMainThread) {
  const start = performance.now();
  const pool = new Piscina<number, number>({
    filename: import.meta.url,
    minThreads: THREADS, // piscina starts half the cores by default: size it explicitly
    maxThreads: THREADS,
  });
  const results = await Promise.all(Array.from({ length: TASKS }, (_, i) => pool.run(i)));
  await pool.destroy();
  console.log(\`\${results.length} tasks in \${(performance.now() - start).toFixed(0)} ms\`);
}
`;
    default:
      return nodeProcessSnippet(work, plan);
  }
}

/** Forked children pull chunks from the parent; in a hybrid each child runs its chunk on a piscina pool. */
function nodeProcessSnippet(work: Work, plan: Plan): string {
  const hybrid = plan.model === 'hybrid';
  const childRun = hybrid
    ? `  const pool = new Piscina<number, number>({ filename: import.meta.url, minThreads: THREADS_PER_PROCESS, maxThreads: THREADS_PER_PROCESS });
  process.on('message', async (chunk: number[]) => {
    process.send!(await Promise.all(chunk.map((i) => pool.run(i))));
  });
  process.on('disconnect', () => void pool.destroy());`
    : `  process.on('message', (chunk: number[]) => process.send!(chunk.map(task)));`;
  return `// One file: the parent forks PROCESSES children of itself and hands each a chunk at a time.
import { fork } from 'node:child_process';
import { isMainThread } from 'node:worker_threads';
${hybrid ? "import { Piscina } from 'piscina';\n" : ''}
const TASKS = ${work.tasks};
const PROCESSES = ${plan.processes};
${hybrid ? `const THREADS_PER_PROCESS = ${plan.threadsPerProcess};\n` : ''}const CHUNK_SIZE = ${plan.chunkSize};

${nodeTask(work, false)}
export default task;

if (process.send && isMainThread) {
${childRun}
} else if (isMainThread) {
  const start = performance.now();
  const results = new Array<number>(TASKS);
  let next = 0;
  const runChild = () =>
    new Promise<void>((resolve, reject) => {
      // 'advanced' serialisation sends Buffers without a JSON round trip.
      const child = fork(process.argv[1], { serialization: 'advanced' });
      const sendNext = () => {
        if (next >= TASKS) return void child.disconnect();
        const first = next;
        next = Math.min(next + CHUNK_SIZE, TASKS);
        const chunk = Array.from({ length: next - first }, (_, k) => first + k);
        child.once('message', (out: number[]) => {
          out.forEach((value, k) => (results[first + k] = value));
          sendNext();
        });
        child.send(chunk);
      };
      child.on('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(\`worker exited: \${code ?? signal}\`))));
      sendNext();
    });
  await Promise.all(Array.from({ length: PROCESSES }, runChild));
  console.log(\`\${results.length} tasks in \${(performance.now() - start).toFixed(0)} ms\`);
}
`;
}

export function snippetFor(work: Work, plan: Plan): Snippet {
  return RUNTIME_TRAITS[work.runtime].language === 'python'
    ? { language: 'python', code: pythonSnippet(work, plan) }
    : { language: 'typescript', code: nodeSnippet(work, plan) };
}
