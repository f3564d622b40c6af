/**
 * A forked child of bench/node's processes and hybrid models: it runs each chunk it is sent and sends the results
 * back. With a thread count in argv (the hybrid) it runs its chunks on that many worker threads of its own.
 */
import { ThreadPool } from './pool.js';
import { runTask, type Task } from './workloads.js';

const threads = Number(process.argv[2] ?? 0);
const pool = threads > 0 ? new ThreadPool(threads) : undefined;
const send = process.send!.bind(process);

process.on('message', async ({ first, tasks }: { first: number; tasks: Task[] }) => {
  // V8 deserialises a chunk's payloads as views into the whole message, and cloning a view to a thread copies
  // all of it: each payload gets a buffer of its own first.
  const results = pool
    ? await pool.run(tasks.map((task) => (task.payload ? { ...task, payload: task.payload.slice() } : task)))
    : tasks.map(runTask);
  send({ first, results });
});
process.on('disconnect', () => void pool?.close());
