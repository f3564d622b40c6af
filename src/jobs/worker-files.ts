/**
 * Where the pool entry points are: compiled `.js` under dist/, or `.ts` when the app runs under tsx
 * (worker threads and forked children inherit its loader).
 */
const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

export type WorkerEntry = 'thread' | 'process' | 'event-loop' | 'advice';

export function workerFile(entry: WorkerEntry): string {
  return new URL(`../../workers/${entry}${extension}`, import.meta.url).href;
}
