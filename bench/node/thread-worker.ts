/** A worker thread of bench/node's hand-written pool: one task per message, its result back. */
import { parentPort } from 'node:worker_threads';
import { runTask, type Task } from './workloads.js';

const port = parentPort!;
port.on('message', ({ task }: { task: Task }) => port.postMessage({ result: runTask(task) }));
