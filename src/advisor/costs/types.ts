/** The costs the performance model charges, per runtime. All in milliseconds unless the name says otherwise. */
export const COST_NAMES = [
  'threadStartMs',
  'threadDispatchMs',
  'threadSerializeMsPerMB',
  'processPoolStartMs',
  'processStartMs',
  'processDispatchMs',
  'processItemMs',
  'serializeMsPerMB',
  'deserializeMsPerMB',
  'gilSwitchIntervalMs',
  'oversubscriptionPenalty',
  'sharedStateSyncMs',
  'asyncDispatchMs',
  'maxThreadsPerProcess',
] as const;

export type CostName = (typeof COST_NAMES)[number];

export type Costs = Record<CostName, number>;

/** One constant with where its value came from, so advice can be traced to a measurement or a citation. */
export interface CostEntry {
  value: number;
  source: string;
}

export type RuntimeCostTable = Record<CostName, CostEntry>;

export const COST_DESCRIPTIONS: Record<CostName, string> = {
  threadStartMs: 'Starting and joining one pool thread.',
  threadDispatchMs:
    'Handing one task to a thread pool and collecting its result, on the dispatching thread (holds the GIL in CPython).',
  threadSerializeMsPerMB:
    'Moving one MB of payload to a thread and back (0 where threads share memory; a structured clone in Node).',
  processPoolStartMs: 'Fixed cost of creating and shutting down a process pool.',
  processStartMs: 'Starting and stopping one more worker process.',
  processDispatchMs: 'One message round trip to a worker process (one chunk of tasks), on the dispatching process.',
  processItemMs: 'Per task inside a chunk: packing its arguments and unpacking its result.',
  serializeMsPerMB: 'Serialising one MB of payload on the dispatching process (pickle, or V8 serialisation, plus the pipe).',
  deserializeMsPerMB: 'Deserialising one MB of payload in the worker process.',
  gilSwitchIntervalMs:
    'How long a thread back from a wait may queue for the GIL while another computes (the switch interval).',
  oversubscriptionPenalty:
    'Share of CPU time lost per unit of runnable threads beyond the cores (context switches, cache misses).',
  sharedStateSyncMs:
    'One round trip to a state server (e.g. multiprocessing.Manager) per task when processes share read-write state.',
  asyncDispatchMs: 'Scheduling one task on an event loop (promise and timer bookkeeping).',
  maxThreadsPerProcess: 'Most threads the advice puts in one process before an event loop is the better tool.',
};
