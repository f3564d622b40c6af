/**
 * Worker threads as a Node user writes them without a pool library: start `size` Workers, give each the next task
 * when it returns the last, terminate them at the end. Used for the threads model and inside each hybrid child.
 */
import { Worker } from 'node:worker_threads';
import type { Task } from './workloads.js';

const ENTRY = new URL('./thread-worker.js', import.meta.url);

export class ThreadPool {
  private readonly workers: Worker[];

  constructor(size: number) {
    // Started side by side; a message posted before a worker is up waits in its port.
    this.workers = Array.from({ length: size }, () => new Worker(ENTRY));
  }

  run(tasks: Task[]): Promise<number[]> {
    return new Promise((resolve, reject) => {
      const results = new Array<number>(tasks.length);
      let next = 0;
      let done = 0;
      const detach: Array<() => void> = [];
      const finish = (error?: Error) => {
        for (const off of detach) off();
        if (error) reject(error);
        else resolve(results);
      };
      const feed = (worker: Worker) => {
        if (next >= tasks.length) return;
        const i = next++;
        worker.postMessage({ i, task: tasks[i] });
      };
      for (const worker of this.workers) {
        const onMessage = ({ i, result }: { i: number; result: number }) => {
          results[i] = result;
          if (++done === tasks.length) finish();
          else feed(worker);
        };
        const onError = (error: Error) => finish(error);
        worker.on('message', onMessage);
        worker.on('error', onError);
        detach.push(() => {
          worker.off('message', onMessage);
          worker.off('error', onError);
        });
      }
      if (tasks.length === 0) finish();
      for (const worker of this.workers) feed(worker);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
