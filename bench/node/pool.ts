/**
 * Worker threads as a Node user writes them without a pool library: start `size` Workers, give each the next task
 * when it returns the last, terminate them at the end. Used for the threads model, inside each hybrid child, and
 * for the CPU of async lanes that hand it off (a small pool, as piscina would be).
 */
import { Worker } from 'node:worker_threads';
import type { Task } from './workloads.js';

const ENTRY = new URL('./thread-worker.js', import.meta.url);

interface Job {
  task: Task;
  resolve: (result: number) => void;
  reject: (error: Error) => void;
}

export class ThreadPool {
  private readonly workers: Worker[];
  private readonly idle: Worker[];
  private readonly running = new Map<Worker, Job>();
  /** Jobs not yet given to a worker, taken from `head` on (no shift(): 100,000 tiny tasks queue here at once). */
  private queue: Job[] = [];
  private head = 0;

  constructor(size: number) {
    // Started side by side; a message posted before a worker is up waits in its port.
    this.workers = Array.from({ length: size }, () => new Worker(ENTRY));
    this.idle = [...this.workers];
    for (const worker of this.workers) {
      worker.on('message', ({ result }: { result: number }) => {
        const job = this.running.get(worker)!;
        this.running.delete(worker);
        this.idle.push(worker);
        this.dispatch();
        job.resolve(result);
      });
      worker.on('error', (error: Error) => {
        this.running.get(worker)?.reject(error);
        this.running.delete(worker);
      });
    }
  }

  submit(task: Task): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ task, resolve, reject });
      this.dispatch();
    });
  }

  run(tasks: Task[]): Promise<number[]> {
    return Promise.all(tasks.map((task) => this.submit(task)));
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.head < this.queue.length) {
      const worker = this.idle.pop()!;
      const job = this.queue[this.head++]!;
      this.running.set(worker, job);
      worker.postMessage({ task: job.task });
    }
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
