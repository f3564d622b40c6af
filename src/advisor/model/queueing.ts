/**
 * Mean-value analysis (Reiser & Lavenberg) of a closed queueing network: the tasks in flight each cycle
 * through a serial station (a GIL, an event loop; one per process, tasks spread evenly over them), a
 * parallel station (the machine's cores) and a delay (waiting on IO). It captures what a max() of bounds
 * misses: near the knee, tasks queue for the GIL or the cores before either is saturated.
 */
export interface ClosedNetwork {
  /** Time one task holds its process's serial station. */
  serialMs: number;
  /** How many serial stations (processes) the tasks are spread over. */
  serialStations: number;
  /** Time one task needs on the parallel station, and how many tasks it serves at once. */
  parallelMs: number;
  servers: number;
  delayMs: number;
  /**
   * A task back from its wait must retake the serial station; while another task holds it, CPython
   * makes it wait up to one switch interval (the GIL convoy), so this much more delay, times the
   * station's utilisation. 0 where nothing is convoyed.
   */
  wakeDelayMs: number;
}

/** Up to this population MVA is solved exactly; above it, by Schweitzer's approximation (a fixed point). */
const MAX_EXACT_POPULATION = 256;
const FIXED_POINT_ITERATIONS = 200;

interface StationTimes {
  serialR: number;
  parallelR: number;
  r: number;
}

/** One MVA step: response times given the queues a task finds on arrival. */
function step(net: ClosedNetwork, queuePerStation: number, parallelQueue: number, utilisation: number): StationTimes {
  const servers = Math.max(1, net.servers);
  const convoyMs = net.delayMs > 0 ? Math.min(net.wakeDelayMs, net.serialMs) : 0;
  const serialR = net.serialMs * (1 + queuePerStation);
  // m servers: no wait while an arriving task finds a free one, else the queue drains m at a time.
  const parallelR = net.parallelMs * Math.max(1, (1 + parallelQueue) / servers);
  return { serialR, parallelR, r: serialR + parallelR + net.delayMs + convoyMs * utilisation };
}

/** Queues and utilisation that `population` tasks with these response times leave behind. */
function queues(net: ClosedNetwork, population: number, times: StationTimes) {
  const stations = Math.max(1, net.serialStations);
  // Little's law, as the population times the share of a cycle spent at the station rather than as
  // throughput (population / r) times the time there: with a subnormal r the throughput overflows to
  // Infinity, and Infinity x 0 is NaN. A task that costs nothing queues nowhere.
  const share = (ms: number) => (times.r > 0 ? ms / times.r : 0);
  return {
    queuePerStation: (population * share(times.serialR)) / stations,
    parallelQueue: population * share(times.parallelR),
    utilisation: Math.min(1, (population * share(net.serialMs)) / stations),
  };
}

/**
 * Every population's response time of one network. Exact MVA at population N passes through every smaller
 * one, so one solution, extended as larger populations are asked for, answers them all; Schweitzer's
 * fixed points are kept per population.
 */
class Solution {
  readonly net: ClosedNetwork;
  /** exact[n]: the response time with n tasks in flight, n from 0 to the largest asked so far. */
  readonly #exact = [0];
  #state = { queuePerStation: 0, parallelQueue: 0, utilisation: 0 };
  readonly #approximate = new Map<number, number>();

  constructor(net: ClosedNetwork) {
    this.net = net;
  }

  responseTime(population: number): number {
    if (population <= MAX_EXACT_POPULATION) {
      for (let n = this.#exact.length; n <= population; n++) {
        const times = step(this.net, this.#state.queuePerStation, this.#state.parallelQueue, this.#state.utilisation);
        this.#state = queues(this.net, n, times);
        this.#exact.push(times.r);
      }
      // A fractional population gets the whole one below it (at least one task), as the recursion's steps do.
      return this.#exact[Math.max(1, Math.floor(population))]!;
    }
    let r = this.#approximate.get(population);
    if (r === undefined) {
      r = schweitzer(this.net, population);
      this.#approximate.set(population, r);
    }
    return r;
  }
}

/** Schweitzer: an arriving task sees the steady queues less itself, (n - 1) / n of them. */
function schweitzer(net: ClosedNetwork, population: number): number {
  const seen = (population - 1) / population;
  let state = { queuePerStation: population / 2, parallelQueue: population / 2, utilisation: 1 };
  let r = 0;
  for (let i = 0; i < FIXED_POINT_ITERATIONS; i++) {
    const times = step(net, state.queuePerStation * seen, state.parallelQueue * seen, state.utilisation);
    state = queues(net, population, times);
    if (Math.abs(times.r - r) <= 1e-9 * times.r) return times.r;
    r = times.r;
  }
  return r;
}

/**
 * Solutions by network. A profile's plans share networks (every thread count of a pool, every machine count
 * of the deadline search), so each is solved once. Keyed by a hash of the network's numbers, checked on
 * lookup; emptied when full, which bounds memory (each holds at most MAX_EXACT_POPULATION + 1 numbers).
 * The answers are those of solving afresh: the memo changes only how often the work is done.
 */
const MAX_SOLUTIONS = 1024;
const solutions = new Map<number, Solution>();
const float = new Float64Array(1);
const words = new Uint32Array(float.buffer);

/**
 * The network as the solution sees it: with no serial time, the serial stations and the convoy add nothing
 * (0 in every step whatever their number), so such networks are one.
 */
function canonical(net: ClosedNetwork): ClosedNetwork {
  return net.serialMs === 0 && (net.serialStations !== 1 || net.wakeDelayMs !== 0) ? { ...net, serialStations: 1, wakeDelayMs: 0 } : net;
}

/** FNV-1a over the numbers' bits (unrolled: this runs for every response time the model asks for). */
function hashOf(net: ClosedNetwork): number {
  let hash = mix(0x811c9dc5, net.serialMs);
  hash = mix(hash, net.serialStations);
  hash = mix(hash, net.parallelMs);
  hash = mix(hash, net.servers);
  hash = mix(hash, net.delayMs);
  return mix(hash, net.wakeDelayMs);
}

function mix(hash: number, value: number): number {
  float[0] = value;
  return Math.imul(Math.imul(hash ^ words[0]!, 0x01000193) ^ words[1]!, 0x01000193);
}

function sameNetwork(a: ClosedNetwork, b: ClosedNetwork): boolean {
  return (
    Object.is(a.serialMs, b.serialMs) &&
    Object.is(a.serialStations, b.serialStations) &&
    Object.is(a.parallelMs, b.parallelMs) &&
    Object.is(a.servers, b.servers) &&
    Object.is(a.delayMs, b.delayMs) &&
    Object.is(a.wakeDelayMs, b.wakeDelayMs)
  );
}

function solutionOf(given: ClosedNetwork): Solution {
  const net = canonical(given);
  const hash = hashOf(net);
  const known = solutions.get(hash);
  if (known && sameNetwork(known.net, net)) return known;
  if (solutions.size >= MAX_SOLUTIONS) solutions.clear();
  // Networks are built per plan and never changed afterwards, so the solution keeps the one it was given.
  const solution = new Solution(net);
  solutions.set(hash, solution);
  return solution;
}

/** Empties the memo: a benchmark that times the model from cold calls it before each profile. */
export function forgetSolutions(): void {
  solutions.clear();
}

/** Response time of one task with `population` tasks in flight. */
export function responseTime(net: ClosedNetwork, population: number): number {
  if (population <= 0) return 0;
  return solutionOf(net).responseTime(population);
}

/**
 * Wall time of `tasks` tasks run by each of `processes` processes at once, on `threads` threads each:
 * full rounds at the full population, then the rest.
 */
export function batchTime(net: ClosedNetwork, tasks: number, threads: number, processes = 1): number {
  const perProcess = Math.max(1, Math.min(threads, tasks));
  const fullRounds = Math.floor(tasks / perProcess);
  const rest = tasks - fullRounds * perProcess;
  return fullRounds * responseTime(net, perProcess * processes) + (rest > 0 ? responseTime(net, rest * processes) : 0);
}
