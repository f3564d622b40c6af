import { count, fmtTaskMs, roundSignificant } from '../format.js';
import type { Plan } from '../plan.js';
import { RUNTIME_TRAITS, type Language } from '../runtimes.js';
import { cpuThreadsOf } from '../model/estimate.js';
import { nativeThreadsPerTask } from '../model/sizing.js';
import type { Work } from '../work.js';

export interface Snippet {
  language: Language;
  code: string;
}

/** What a worker process runs its tasks on, when the plan says; a hybrid without it runs threads. */
type Inner = 'threads' | 'async';
type SnippetPlan = Plan & { inner?: Inner };

/**
 * The shape of code a plan needs: a pool kind, and for a hybrid or an event loop what runs inside.
 * `async+threads` is an event loop that sends each task's blocking part to a small thread pool.
 */
export type SnippetKind = 'sequential' | 'threads' | 'processes' | 'async' | 'async+threads' | 'hybrid+threads' | 'hybrid+async';

export function snippetKind(plan: SnippetPlan): SnippetKind {
  switch (plan.model) {
    case 'sequential':
    case 'threads':
    case 'processes':
      return plan.model;
    case 'async':
      return plan.inner === 'threads' ? 'async+threads' : 'async';
    case 'hybrid':
      return plan.inner === 'async' ? 'hybrid+async' : 'hybrid+threads';
  }
}

/** An integer as both languages write it, grouped for reading: 1_000_000. */
function literal(n: number): string {
  const digits = String(Math.round(n));
  return digits.length > 4 ? digits.replace(/\B(?=(\d{3})+(?!\d))/g, '_') : digits;
}

/** Said beside a pool's size only where the downstream has a limit on tasks in flight. */
function withinLimit(work: Work): string {
  if (!Number.isFinite(work.maxConcurrency)) return '';
  return `, within ${work.maxConcurrencyAssumed ? 'the assumed' : "the downstream's"} limit of ${literal(work.maxConcurrency)}`;
}

/** A stand-in wait in seconds, as Python writes it. */
function seconds(ms: number): string {
  return String(roundSignificant(ms / 1000));
}

/**
 * Who paces a rate limit in the code to start from: each copy of the module that runs tasks paces its own
 * calls at an even share of the rate. A worker process is a copy, and in Node so is a piscina thread, which
 * loads the module again; threads and event loops in one Python process share theirs.
 */
export interface Pacers {
  count: number;
  unit: 'process' | 'worker thread';
  /** The count as the snippet's code writes it; absent where one copy runs every task. */
  code?: string;
}

export function pacersOf(plan: SnippetPlan, language: Language): Pacers {
  const kind = snippetKind(plan);
  if (language === 'javascript' && kind === 'threads') return { count: plan.threadsPerProcess, unit: 'worker thread', code: 'THREADS' };
  if (language === 'javascript' && kind === 'hybrid+threads') {
    return { count: plan.processes * plan.threadsPerProcess, unit: 'worker thread', code: '(PROCESSES * THREADS_PER_PROCESS)' };
  }
  if (kind === 'processes' || kind === 'hybrid+threads' || kind === 'hybrid+async') return { count: plan.processes, unit: 'process', code: 'PROCESSES' };
  return { count: 1, unit: 'process' };
}

interface PacedRate {
  /** The rate of one pacer, as code. */
  expression: string;
  /** Its comment. */
  why: string;
}

/** Each pacer's rate, written as the division so that the shares add up to the rate exactly. */
function pacedRate(work: Work, plan: SnippetPlan, language: Language): PacedRate | undefined {
  if (!Number.isFinite(work.maxRatePerSecond)) return undefined;
  const rate = String(work.maxRatePerSecond);
  const { unit, code } = pacersOf(plan, language);
  return code
    ? { expression: `${rate} / ${code}`, why: `calls a second from this ${unit}: its share of the downstream's rate limit` }
    : { expression: rate, why: "calls a second: the downstream's rate limit" };
}

function perTaskNote(work: Work): string {
  return `Replace with one unit of your work (${fmtTaskMs(work.cpuMs)} CPU, ${fmtTaskMs(work.waitMs)} wait per task).`;
}

// ---------------------------------------------------------------------------------------------- Python

const NATIVE_THREAD_VARS = ['OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS', 'NUMEXPR_NUM_THREADS'];

/** Caps BLAS/OpenMP pools before any numeric library loads; only where tasks run native threads or native code. */
function pythonNativeThreadCap(work: Work, plan: Plan): string {
  const workers = plan.model === 'sequential' ? 1 : (cpuThreadsOf(plan, work) ?? plan.processes * plan.threadsPerProcess);
  if (work.threadsPerTask <= 1 && (workers === 1 || work.gilReleasedShare === 0)) return '';
  // One worker may have every core for its native threads: nothing to share out.
  if (workers === 1 && work.threadsPerTask <= work.cores) return '';
  const cap = nativeThreadsPerTask(work, workers);
  const why = workers === 1 ? `one worker on ${count(work.cores, 'core')}` : `${workers} workers share ${count(work.cores, 'core')}`;
  // Work that calls no BLAS starts native threads only where its tasks run several (an encoder), which its own
  // library caps: these variables do not reach it.
  if (!work.mayCallBlas && work.threadsPerTask <= 1) return '';
  if (!work.mayCallBlas) return `# ${why}: give each task's native code ${count(cap, 'thread')} with its own setting (ffmpeg's -threads ${cap}).\n\n`;
  const lines = NATIVE_THREAD_VARS.map((name) => `os.environ.setdefault("${name}", "${cap}")`);
  return `import os\n\n# ${why}: cap each one's BLAS/OpenMP threads before NumPy loads.\n${lines.join('\n')}\n\n`;
}

/** A token bucket of one token: each call takes the next free slot, 1 / RATE after the last, and sleeps until it. */
function pythonPacer(rate: PacedRate, isAsync: boolean): string {
  const why = `RATE = ${rate.expression}  # ${rate.why}\n_next_slot = 0.0\n`;
  return isAsync
    ? `${why}

async def pace():
    # One loop, one caller at a time: take the next free slot, 1 / RATE after the last, and sleep until it.
    global _next_slot
    now = time.monotonic()
    slot = max(_next_slot, now)
    _next_slot = slot + 1 / RATE
    await asyncio.sleep(slot - now)


`
    : `${why}_slot_lock = threading.Lock()


def pace():
    # Threads take the next free slot under a lock, 1 / RATE after the last, and sleep until it outside it.
    global _next_slot
    with _slot_lock:
        now = time.monotonic()
        slot = max(_next_slot, now)
        _next_slot = slot + 1 / RATE
    time.sleep(slot - now)


`;
}

const PACE_NOTE = "before each call: the downstream's rate limit";

function pythonTask(work: Work, rate: PacedRate | undefined): string {
  const pace = rate ? `    pace()  # ${PACE_NOTE}\n` : '';
  const wait = work.waitMs > 0 ? `    time.sleep(${seconds(work.waitMs)})  # stands for the wait: give real IO a timeout\n` : '';
  return `${rate ? pythonPacer(rate, false) : ''}def task(i):\n    # ${perTaskNote(work)}\n${pace}${wait}    return i * i\n`;
}

/**
 * The async task: the wait is awaited; a blocking part goes to a thread when it can run beside the loop (native
 * code that releases the GIL, or the plan's thread pool), and otherwise stays on the loop, where it is short.
 */
function pythonAsyncTask(work: Work, offload: boolean, rate: PacedRate | undefined): string {
  const pace = rate ? `    await pace()  # ${PACE_NOTE}\n` : '';
  const wait =
    work.waitMs > 0
      ? `    await asyncio.sleep(${seconds(work.waitMs)})  # stands for the wait: an async client call (aiohttp, httpx.AsyncClient, asyncpg) with a timeout\n`
      : '';
  const blocking = `def blocking_part(i):
    # CPU in native code that releases the GIL, or a library with no async client: it runs on a thread.
    return i * i


`;
  const finish = offload
    ? '    return await asyncio.to_thread(blocking_part, i)\n'
    : '    # A blocking call with no async client goes to a thread: await asyncio.to_thread(fn, *args)\n    return i * i\n';
  return `${offload ? blocking : ''}${rate ? pythonPacer(rate, true) : ''}async def task(i):\n    # ${perTaskNote(work)}\n${pace}${wait}${finish}`;
}

const PYTHON_BOUNDED_MAP = `def bounded_map(pool, fn, items, window):
    # Like pool.map, in order, but with at most \`window\` submitted and not yet collected: executor.map
    # submits every item before it yields the first result, so its memory grows with the batch.
    pending = deque()
    for item in items:
        if len(pending) >= window:
            yield pending.popleft().result()
        pending.append(pool.submit(fn, item))
    while pending:
        yield pending.popleft().result()
`;

const PYTHON_CHUNKS = `def chunks(total, size):
    # Index ranges, not lists: a range pickles in a few bytes whatever its length.
    for first in range(0, total, size):
        yield range(first, min(first + size, total))
`;

/** Lanes that share one iterator, in a TaskGroup (3.11+); PyPy, whose Python is 3.9 or 3.10, gathers them. */
function pythonLanes(work: Work): string {
  const gather = work.runtime === 'pypy';
  return `async def run_lanes(items, in_flight, handle):
    # \`in_flight\` lanes share one iterator: each takes the next task when its last one finishes, so no more
    # than \`in_flight\` run at once and no task object exists before its turn.
    items = iter(items)

    async def lane():
        for i in items:
            handle(await task(i))

${
  gather
    ? `    # PyPy's Python has no TaskGroup (3.11+): gather runs the lanes and raises the first error a task lets out.
    await asyncio.gather(*(lane() for _ in range(in_flight)))
`
    : `    async with asyncio.TaskGroup() as group:
        for _ in range(in_flight):
            group.create_task(lane())
`
}`;
}

/**
 * Processes that isolate their tasks: one task per message, and a worker's crash costs the tasks in flight with
 * it, not the batch. A ProcessPoolExecutor whose worker dies is broken and fails every task it held, so those run
 * again one at a time on a pool of one, where a crash names its own task.
 */
function pythonIsolatedProcesses(work: Work, plan: Plan, header: string, threading: string, rate: PacedRate | undefined): string {
  return `${header}${threading}import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

TASKS = ${literal(work.tasks)}
PROCESSES = ${plan.processes}
WINDOW = 2 * PROCESSES  # tasks submitted ahead of the results, one per message


${pythonTask(work, rate)}

def guarded(i):
    # Runs in the worker: an exception is this task's failure, returned, so it ends neither the worker nor the batch.
    try:
        return task(i), None
    except Exception as error:
        return None, repr(error)


def run_pool(indices, workers, failed):
    # Runs the tasks on a fresh pool, adding those that raised to \`failed\`. A worker that dies breaks the pool
    # and fails every task in flight, the culprit among them: returns how many finished, the tasks lost that
    # way, and those not yet submitted.
    done = 0
    todo = deque(indices)
    pending = deque()

    def collect(i, outcome):
        nonlocal done
        result, error = outcome  # use each result here
        if error is None:
            done += 1
        else:
            failed.append((i, error))

    with ProcessPoolExecutor(max_workers=workers) as pool:
        try:
            while todo or pending:
                while todo and len(pending) < WINDOW:
                    pending.append((todo[0], pool.submit(guarded, todo[0])))
                    todo.popleft()
                collect(pending[0][0], pending[0][1].result())
                pending.popleft()
        except BrokenProcessPool:
            lost = []
            for i, future in pending:
                if future.exception() is None:
                    collect(i, future.result())  # finished before the crash
                else:
                    lost.append(i)
            return done, lost, list(todo)
    return done, [], []


def main():
    start = time.perf_counter()
    done = 0
    crashed = []
    failed = []
    todo = range(TASKS)
    while todo:
        finished, lost, todo = run_pool(todo, PROCESSES, failed)
        done += finished
        # Each task lost with the pool runs again alone, one after another: one that crashes now is the culprit.
        for i in lost:
            finished, crashed_alone, _ = run_pool([i], 1, failed)
            done += finished
            crashed += crashed_alone
    print(f"{done} tasks in {time.perf_counter() - start:.3f} s")
    if crashed:
        print(f"{len(crashed)} crashed their worker: {crashed[:20]}")
    if failed:
        print(f"{len(failed)} raised: {failed[:5]}")


if __name__ == "__main__":
    main()
`;
}

function pythonMain(body: string, isAsync = false): string {
  const def = isAsync ? 'async def main():' : 'def main():';
  const run = isAsync ? 'asyncio.run(main())' : 'main()';
  return `${def}
    start = time.perf_counter()
    done = 0
${body}    print(f"{done} tasks in {time.perf_counter() - start:.3f} s")


if __name__ == "__main__":
    ${run}
`;
}

/** Large results stay in the worker: a chunk returns what the parent needs. */
function chunkResultNote(plan: Plan): string {
  return plan.chunkSize >= 100_000 ? '    # A chunk this large should return a summary (a count, a sum, a file path), not every result.\n' : '';
}

function pythonSnippet(work: Work, plan: SnippetPlan): string {
  const header = pythonNativeThreadCap(work, plan);
  const tasks = `TASKS = ${literal(work.tasks)}\n`;
  const kind = snippetKind(plan);
  const rate = pacedRate(work, plan, 'python');
  // The threads' pacer takes its slots under a lock; an event loop's needs none.
  const threading = rate ? 'import threading\n' : '';
  switch (kind) {
    case 'sequential':
      return `${header}${threading}import time

${tasks}

${pythonTask(work, rate)}

${pythonMain('    for i in range(TASKS):\n        task(i)  # use each result here\n        done += 1\n')}`;
    case 'threads':
      return `${header}${threading}import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor

${tasks}THREADS = ${plan.threadsPerProcess}  # the advised pool size${withinLimit(work)}
WINDOW = 2 * THREADS  # tasks submitted ahead of the results


${pythonTask(work, rate)}

${PYTHON_BOUNDED_MAP}

${pythonMain(`    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        for result in bounded_map(pool, task, range(TASKS), WINDOW):
            done += 1  # use each result here; nothing keeps them all
`)}`;
    case 'processes':
      if (work.needsIsolation) return pythonIsolatedProcesses(work, plan, header, threading, rate);
      return `${header}${threading}import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor

${tasks}PROCESSES = ${plan.processes}
CHUNK_SIZE = ${literal(plan.chunkSize)}  # tasks per message: amortises the round trip to a worker
WINDOW = 2 * PROCESSES  # chunks submitted ahead of the results


${pythonTask(work, rate)}

def run_chunk(chunk):
    # Runs inside a worker process, one task at a time.
${chunkResultNote(plan)}    return [task(i) for i in chunk]


${PYTHON_CHUNKS}

${PYTHON_BOUNDED_MAP}

${pythonMain(`    with ProcessPoolExecutor(max_workers=PROCESSES) as pool:
        for results in bounded_map(pool, run_chunk, chunks(TASKS, CHUNK_SIZE), WINDOW):
            done += len(results)
`)}`;
    case 'hybrid+threads':
      return `${header}${threading}import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

${tasks}PROCESSES = ${plan.processes}
THREADS_PER_PROCESS = ${plan.threadsPerProcess}
CHUNK_SIZE = ${literal(plan.chunkSize)}  # tasks per process message, spread over its threads
WINDOW = 2 * PROCESSES  # chunks submitted ahead of the results


${pythonTask(work, rate)}

${PYTHON_BOUNDED_MAP}

def run_chunk(chunk):
    # Runs inside a worker process: its own GIL, its own thread pool for the waits.
${chunkResultNote(plan)}    with ThreadPoolExecutor(max_workers=THREADS_PER_PROCESS) as threads:
        return list(bounded_map(threads, task, chunk, 2 * THREADS_PER_PROCESS))


${PYTHON_CHUNKS}

${pythonMain(`    with ProcessPoolExecutor(max_workers=PROCESSES) as pool:
        for results in bounded_map(pool, run_chunk, chunks(TASKS, CHUNK_SIZE), WINDOW):
            done += len(results)
`)}`;
    case 'async':
    case 'async+threads': {
      const offload = plan.inner === 'threads' || work.gilReleasedShare > 0;
      const pool =
        plan.inner === 'threads'
          ? `    # asyncio.to_thread runs on the loop's default executor: size it to the plan.
    asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(max_workers=THREADS))
`
          : '';
      return `${header}import asyncio
import time
${plan.inner === 'threads' ? 'from concurrent.futures import ThreadPoolExecutor\n' : ''}
${tasks}IN_FLIGHT = ${plan.threadsPerProcess}  # tasks in flight on the event loop${withinLimit(work)}
${plan.inner === 'threads' ? `THREADS = ${Math.max(1, Math.min(work.cores, plan.threadsPerProcess))}  # threads for the blocking parts\n` : ''}

${pythonAsyncTask(work, offload, rate)}

${pythonLanes(work)}

${pythonMain(
  `${pool}
    def handle(result):
        nonlocal done
        done += 1  # use each result here; nothing keeps them all

    await run_lanes(range(TASKS), IN_FLIGHT, handle)
`,
  true,
)}`;
    }
    case 'hybrid+async':
      return `${header}import asyncio
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor

${tasks}PROCESSES = ${plan.processes}
IN_FLIGHT_PER_PROCESS = ${plan.threadsPerProcess}  # tasks in flight on each process's event loop
CHUNK_SIZE = ${literal(plan.chunkSize)}  # tasks per process message
WINDOW = 2 * PROCESSES  # chunks submitted ahead of the results


${pythonAsyncTask(work, work.gilReleasedShare > 0, rate)}

${pythonLanes(work)}

def run_chunk(chunk):
    # Runs inside a worker process: its own GIL and its own event loop for the chunk's waits.
${chunkResultNote(plan)}    results = []
    asyncio.run(run_lanes(chunk, IN_FLIGHT_PER_PROCESS, results.append))
    return results


${PYTHON_CHUNKS}

${PYTHON_BOUNDED_MAP}

${pythonMain(`    with ProcessPoolExecutor(max_workers=PROCESSES) as pool:
        for results in bounded_map(pool, run_chunk, chunks(TASKS, CHUNK_SIZE), WINDOW):
            done += len(results)
`)}`;
  }
}

// ---------------------------------------------------------------------------------------------- Node

function nodeHeader(usesPiscina: boolean): string {
  return `// advise.mjs: an ES module for Node 20+. Save it under that name and run \`node advise.mjs\`${usesPiscina ? ' (after `npm install piscina`)' : ''}.\n`;
}

/** One slot per call, 1000 / RATE ms apart, in each copy of the module that runs tasks. */
function nodePacer(rate: PacedRate): string {
  return `const RATE = ${rate.expression}; // ${rate.why}
let nextSlot = 0;
// Take the next free slot, 1000 / RATE ms after the last, and wait for it.
async function pace() {
  const now = performance.now();
  const slot = Math.max(nextSlot, now);
  nextSlot = slot + 1000 / RATE;
  if (slot > now) await setTimeout(slot - now);
}

`;
}

function nodeWait(work: Work, rate: PacedRate | undefined): string {
  const pace = rate ? `  await pace(); // ${PACE_NOTE}\n` : '';
  // Node's timers count whole milliseconds (and fire no sooner than 1 ms): a stand-in off that grain says so.
  const timerMs = Math.max(1, Math.round(work.waitMs));
  const grain = timerMs === roundSignificant(work.waitMs) ? '' : ` (of ${fmtTaskMs(work.waitMs)}: timers count whole ms)`;
  const wait =
    work.waitMs > 0
      ? `  await setTimeout(${timerMs}); // stands for the wait${grain}: an awaited call (fetch, a query) with AbortSignal.timeout(ms)\n`
      : '';
  return pace + wait;
}

function nodeTask(work: Work, rate: PacedRate | undefined): string {
  return `${rate ? nodePacer(rate) : ''}// ${perTaskNote(work)}\nexport async function task(i) {\n${nodeWait(work, rate)}  return i * i;\n}\n`;
}

const NODE_LANES = `// \`lanes\` loops share one counter: each takes the next task when its last one settles, so no more than
// \`lanes\` run at once and nothing waits in a queue.
async function runLanes(first, last, lanes, run) {
  let next = first;
  const lane = async () => {
    while (next < last) await run(next++);
  };
  await Promise.all(Array.from({ length: Math.min(lanes, last - first) }, lane));
}
`;

const NODE_REPORT = 'console.log(`${done} tasks in ${(performance.now() - start).toFixed(0)} ms`);\n';

/**
 * The parent side of a process pool: each child is sent [first, last) ranges one at a time and replies with their
 * results. Where the tasks need isolation a child holds one task, so a crash names it: the parent records it and
 * forks a replacement, and the batch goes on.
 */
function nodeParent(isolated: boolean): string {
  const onExit = isolated
    ? `      child.on('exit', (code, signal) => {
        if (held === undefined) return code === 0 ? resolve() : reject(new Error(\`worker exited: \${code ?? signal}\`));
        crashed.push(held[0]); // the one task it held took it down: the others carry on
        resolve(runChild());
      });`
    : `      child.on('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(\`worker exited: \${code ?? signal}\`))));`;
  const send = isolated ? '        held = [first, next];\n        child.send(held);\n' : '        child.send([first, next]);\n';
  return `  const start = performance.now();
  let next = 0;
  let done = 0;
${isolated ? '  const crashed = [];\n  const failed = [];\n' : ''}  const runChild = () =>
    new Promise((resolve, reject) => {
      // 'advanced' serialisation sends Buffers and typed arrays without a JSON round trip.
      const child = fork(fileURLToPath(import.meta.url), { serialization: 'advanced' });
${isolated ? '      let held; // the range the child is running\n' : ''}      const sendNext = () => {
${isolated ? '        held = undefined;\n' : ''}        if (next >= TASKS) return void child.disconnect();
        const first = next;
        next = Math.min(next + CHUNK_SIZE, TASKS);
${send}      };
      child.on('message', ${isolated ? '({ results, failed: raised })' : '(results)'} => {
        done += results.length; // use each result here
${isolated ? '        failed.push(...raised);\n' : ''}        sendNext();
      });
${onExit}
      sendNext();
    });
  await Promise.all(Array.from({ length: PROCESSES }, runChild));
  ${NODE_REPORT}${
    isolated
      ? '  if (crashed.length > 0) console.log(`${crashed.length} crashed their worker: ${crashed.slice(0, 20)}`);\n  if (failed.length > 0) console.log(`${failed.length} raised: ${JSON.stringify(failed.slice(0, 5))}`);\n'
      : ''
  }`;
}

function nodeSnippet(work: Work, plan: SnippetPlan): string {
  const kind = snippetKind(plan);
  const rate = pacedRate(work, plan, 'javascript');
  // The stand-in wait and the pacer sleep on the promise timer.
  const timers = work.waitMs > 0 || rate ? "import { setTimeout } from 'node:timers/promises';\n" : '';
  const tasks = `const TASKS = ${literal(work.tasks)};\n`;
  switch (kind) {
    case 'sequential':
      return `${nodeHeader(false)}${timers}
${tasks}
${nodeTask(work, rate)}
const start = performance.now();
let done = 0;
for (let i = 0; i < TASKS; i++) {
  await task(i); // use each result here
  done++;
}
${NODE_REPORT}`;
    case 'async':
      return `${nodeHeader(false)}${timers}
${tasks}const IN_FLIGHT = ${plan.threadsPerProcess}; // tasks in flight on the event loop${withinLimit(work)}

${nodeTask(work, rate)}
${NODE_LANES}
const start = performance.now();
let done = 0;
await runLanes(0, TASKS, IN_FLIGHT, async (i) => {
  await task(i); // use each result here
  done++;
});
${NODE_REPORT}`;
    case 'async+threads': {
      const cpuThreads = cpuThreadsOf(plan, work);
      return `${nodeHeader(true)}// The event loop holds the waits; a small piscina pool, loading this same file, runs the CPU part.
import { isMainThread } from 'node:worker_threads';
${timers}import { Piscina } from 'piscina';

${tasks}const IN_FLIGHT = ${plan.threadsPerProcess}; // tasks in flight on the event loop${withinLimit(work)}
const CPU_THREADS = ${cpuThreads}; // threads for the CPU part: no more than the cores

// ${perTaskNote(work)} The CPU part runs on a pool thread:
export default function cpuPart(i) {
  return i * i;
}

${rate ? nodePacer(rate) : ''}async function task(i, pool) {
${nodeWait(work, rate)}  return pool.run(i); // pass what the CPU part needs (the page, the rows): it is copied to the thread
}

${NODE_LANES}
if (isMainThread) {
  const start = performance.now();
  const pool = new Piscina({ filename: import.meta.url, minThreads: CPU_THREADS, maxThreads: CPU_THREADS });
  let done = 0;
  await runLanes(0, TASKS, IN_FLIGHT, async (i) => {
    await task(i, pool); // use each result here
    done++;
  });
  await pool.destroy();
  ${NODE_REPORT}}
`;
    }
    case 'threads':
      return `${nodeHeader(true)}// One file: the main thread runs the pool, and piscina's threads load this same file for task().
import { isMainThread } from 'node:worker_threads';
${timers}import { Piscina } from 'piscina';

${tasks}const THREADS = ${plan.threadsPerProcess};

${nodeTask(work, rate)}export default task;

${NODE_LANES}
if (isMainThread) {
  const start = performance.now();
  // piscina starts half the cores by default and queues without bound: size it, and submit in lanes.
  const pool = new Piscina({ filename: import.meta.url, minThreads: THREADS, maxThreads: THREADS });
  let done = 0;
  await runLanes(0, TASKS, THREADS, async (i) => {
    await pool.run(i); // use each result here
    done++;
  });
  await pool.destroy();
  ${NODE_REPORT}}
`;
    case 'processes':
      return nodeProcessSnippet(
        work,
        plan,
        rate,
        timers,
        work.needsIsolation
          ? `  process.on('message', async ([first, last]) => {
    // An exception is this task's failure, sent back: it ends neither the child nor the batch.
    const results = [];
    const failed = [];
    for (let i = first; i < last; i++) {
      try {
        results.push(await task(i));
      } catch (error) {
        failed.push([i, String(error)]);
      }
    }
    process.send({ results, failed });
  });`
          : `  process.on('message', async ([first, last]) => {
    const results = [];
    for (let i = first; i < last; i++) results.push(await task(i));
    process.send(results);
  });`,
      );
    case 'hybrid+async':
      return nodeProcessSnippet(work, plan, rate, timers, `  process.on('message', async ([first, last]) => {
    const results = new Array(last - first);
    await runLanes(first, last, IN_FLIGHT_PER_PROCESS, async (i) => {
      results[i - first] = await task(i);
    });
    process.send(results);
  });`);
    case 'hybrid+threads':
      return nodeProcessSnippet(work, plan, rate, timers, `  const pool = new Piscina({ filename: import.meta.url, minThreads: THREADS_PER_PROCESS, maxThreads: THREADS_PER_PROCESS });
  process.on('message', async ([first, last]) => {
    const results = new Array(last - first);
    await runLanes(first, last, THREADS_PER_PROCESS, async (i) => {
      results[i - first] = await pool.run(i);
    });
    process.send(results);
  });
  process.on('disconnect', () => void pool.destroy());`);
  }
}

/** Forked children pull [first, last) ranges from the parent; each runs them as the plan says. */
function nodeProcessSnippet(work: Work, plan: SnippetPlan, rate: PacedRate | undefined, timers: string, child: string): string {
  const kind = snippetKind(plan);
  const piscina = kind === 'hybrid+threads';
  const inner =
    kind === 'hybrid+threads'
      ? `const THREADS_PER_PROCESS = ${plan.threadsPerProcess}; // piscina threads in each child\n`
      : kind === 'hybrid+async'
        ? `const IN_FLIGHT_PER_PROCESS = ${plan.threadsPerProcess}; // tasks in flight on each child's event loop\n`
        : '';
  return `${nodeHeader(piscina)}// One file: the parent forks PROCESSES children of itself and sends each a range of tasks at a time${piscina ? ";\n// each child runs its range on a piscina pool whose threads load this same file for task()" : ''}.
import { fork } from 'node:child_process';
${timers}import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';
${piscina ? "import { Piscina } from 'piscina';\n" : ''}
${`const TASKS = ${literal(work.tasks)};\n`}const PROCESSES = ${plan.processes};
${inner}const CHUNK_SIZE = ${literal(plan.chunkSize)}; // tasks per message to a child

${nodeTask(work, rate)}${piscina ? 'export default task;\n' : ''}
${kind === 'processes' ? '' : NODE_LANES}
if (isMainThread && process.send) {
  // A child: run each range it is sent, and send the results back.
${child}
} else if (isMainThread) {
${nodeParent(work.needsIsolation)}}
`;
}

export function snippetFor(work: Work, plan: Plan): Snippet {
  return RUNTIME_TRAITS[work.runtime].language === 'python'
    ? { language: 'python', code: pythonSnippet(work, plan) }
    : { language: 'javascript', code: nodeSnippet(work, plan) };
}
