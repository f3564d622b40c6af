/** The ways to run a batch, in the order the API lists them. */
export const EXECUTION_MODELS = ['sequential', 'threads', 'processes', 'hybrid', 'async'] as const;
export type ExecutionModel = (typeof EXECUTION_MODELS)[number];

/**
 * An execution model with its sizes: what the advisor predicts and recommends, and what a sample job runs.
 * For async, threadsPerProcess is the tasks in flight at once.
 */
export interface Plan {
  model: ExecutionModel;
  processes: number;
  threadsPerProcess: number;
  chunkSize: number;
}
