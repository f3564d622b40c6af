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

/** A task's response time at each population (tasks in flight) of one network. */
export interface ResponseTimes {
  at(population: number): number;
}

/** Up to this population MVA is solved exactly; above it, by Schweitzer's approximation (a fixed point). */
const MAX_EXACT_POPULATION = 256;
const FIXED_POINT_ITERATIONS = 200;

/**
 * What the tasks leave at the stations, and so what an arriving task finds: the queue at each serial
 * station, the queue at the parallel station, and the serial stations' utilisation. Updated in place by
 * each step (a step runs thousands of times per profile, and objects per step cost more than the step).
 */
interface Queues {
  perStation: number;
  parallel: number;
  utilisation: number;
}

/** A network's numbers as every step reads them, worked out once per network rather than once per step. */
interface Stations {
  serialMs: number;
  /** At least one: serial stations, and parallel servers. */
  stations: number;
  parallelMs: number;
  servers: number;
  delayMs: number;
  /** The GIL convoy's delay when the station is fully held; 0 where tasks do not wait between turns. */
  convoyMs: number;
}

function stationsOf(net: ClosedNetwork): Stations {
  return {
    serialMs: net.serialMs,
    stations: Math.max(1, net.serialStations),
    parallelMs: net.parallelMs,
    servers: Math.max(1, net.servers),
    delayMs: net.delayMs,
    convoyMs: net.delayMs > 0 ? Math.min(net.wakeDelayMs, net.serialMs) : 0,
  };
}

/**
 * One MVA step at `population`: the response time of a task that finds `seen` of the queues (`seenSerial` of
 * its serial station's), and the queues that `population` tasks with that response time leave behind, written
 * back.
 */
function step(at: Stations, population: number, queues: Queues, seen: number, seenSerial = seen): number {
  const serialR = at.serialMs * (1 + queues.perStation * seenSerial);
  // m servers: no wait while an arriving task finds a free one, else the queue drains m at a time.
  const parallelR = at.parallelMs * Math.max(1, (1 + queues.parallel * seen) / at.servers);
  const r = serialR + parallelR + at.delayMs + at.convoyMs * queues.utilisation;
  // Little's law, as the population times the share of a cycle spent at the station rather than as
  // throughput (population / r) times the time there: with a subnormal r the throughput overflows to
  // Infinity, and Infinity x 0 is NaN. A task that costs nothing queues nowhere.
  queues.perStation = (population * (r > 0 ? serialR / r : 0)) / at.stations;
  queues.parallel = population * (r > 0 ? parallelR / r : 0);
  queues.utilisation = Math.min(1, (population * (r > 0 ? at.serialMs / r : 0)) / at.stations);
  return r;
}

/**
 * Every population's response time of one network. Exact MVA at population N passes through every smaller
 * one, so one solution, extended as larger populations are asked for, answers them all; Schweitzer's
 * fixed points (above MAX_EXACT_POPULATION, and for tasks bound to several processes' stations) are kept
 * per population.
 */
class Solution implements ResponseTimes {
  readonly net: ClosedNetwork;
  /** exact[n]: the response time with n tasks in flight, n from 0 to the largest asked so far. */
  readonly #exact = [0];
  /** The queues the largest exact population leaves, which the next one finds. */
  readonly #queues: Queues = { perStation: 0, parallel: 0, utilisation: 0 };
  /** Schweitzer's response time by population, for the few networks asked above MAX_EXACT_POPULATION. */
  #approximate: Map<number, number> | undefined;
  readonly #stations: Stations;

  /**
   * Each process's tasks queue only at its own serial station: single-class MVA over all the processes' tasks
   * would have an arriving task find (N - 1) / stations others at its station where it finds N / stations - 1,
   * which put 5 processes x 2 threads of pure-CPU tasks 25% behind 5 x 8, where both take the same time. Such
   * networks are solved per population by Schweitzer's approximation with each process's tasks seen apart
   * (Bard-Schweitzer for identical classes).
   */
  readonly #tasksBoundToStations: boolean;

  constructor(net: ClosedNetwork) {
    this.net = net;
    this.#stations = stationsOf(net);
    this.#tasksBoundToStations = this.#stations.stations > 1 && net.serialMs > 0;
  }

  at(population: number): number {
    if (population <= 0) return 0;
    if (population <= MAX_EXACT_POPULATION && !this.#tasksBoundToStations) {
      for (let n = this.#exact.length; n <= population; n++) this.#exact.push(step(this.#stations, n, this.#queues, 1));
      // A fractional population gets the whole one below it (at least one task), as the recursion's steps do.
      return this.#exact[Math.max(1, Math.floor(population))]!;
    }
    this.#approximate ??= new Map();
    let r = this.#approximate.get(population);
    if (r === undefined) {
      r = schweitzer(this.#stations, population);
      this.#approximate.set(population, r);
    }
    return r;
  }
}

/**
 * Schweitzer: an arriving task sees the steady queues less itself, (n - 1) / n of them; at its serial station,
 * which only its own process's population / stations tasks visit, (n / stations - 1) / (n / stations) of its queue.
 */
function schweitzer(at: Stations, population: number): number {
  const seen = (population - 1) / population;
  const seenSerial = Math.max(0, (population - at.stations) / population);
  const queues: Queues = { perStation: population / 2, parallel: population / 2, utilisation: 1 };
  let r = 0;
  for (let i = 0; i < FIXED_POINT_ITERATIONS; i++) {
    const next = step(at, population, queues, seen, seenSerial);
    if (Math.abs(next - r) <= 1e-9 * next) return next;
    r = next;
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
 * The network as the solution sees it: numbers that add nothing in any step are set to one value, so the
 * networks that differ only in them share a solution. With no serial time, the serial stations and the convoy
 * add nothing; with no parallel time (an event loop runs all the CPU), the servers; with no delay, the convoy.
 */
function canonical(net: ClosedNetwork): ClosedNetwork {
  const noSerial = net.serialMs === 0;
  const serialStations = noSerial ? 1 : net.serialStations;
  const servers = net.parallelMs === 0 ? 1 : net.servers;
  const wakeDelayMs = noSerial || net.delayMs === 0 ? 0 : net.wakeDelayMs;
  return serialStations === net.serialStations && servers === net.servers && wakeDelayMs === net.wakeDelayMs
    ? net
    : { ...net, serialStations, servers, wakeDelayMs };
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

/** The response times of one network: solved once, so a plan looks its network up once for all it asks. */
export function solve(net: ClosedNetwork): ResponseTimes {
  return solutionOf(net);
}

/** Response time of one task with `population` tasks in flight. */
export function responseTime(net: ClosedNetwork, population: number): number {
  return solutionOf(net).at(population);
}

/** Tasks per round on `threads` threads, the full rounds, and the tasks left for a last round. */
function rounds(tasks: number, threads: number): { perRound: number; full: number; rest: number } {
  const perRound = Math.max(1, Math.min(threads, tasks));
  const full = Math.floor(tasks / perRound);
  return { perRound, full, rest: tasks - full * perRound };
}

/**
 * Wall time of `tasks` tasks run by each of `processes` processes at once, on `threads` threads each:
 * full rounds at the full population, then the rest.
 */
export function batchTime(times: ResponseTimes, tasks: number, threads: number, processes = 1): number {
  const { perRound, full, rest } = rounds(tasks, threads);
  return full * times.at(perRound * processes) + (rest > 0 ? times.at(rest * processes) : 0);
}

/**
 * A floor under batchTime without solving the network: no task cycles faster than it does alone, so every
 * round takes at least the sum of the stations. (MVA's response time is that sum plus queueing, which is never
 * negative; floating-point sums are monotonic, so the floor holds to the last bit.)
 */
export function batchTimeAtLeast(net: ClosedNetwork, tasks: number, threads: number): number {
  const { full, rest } = rounds(tasks, threads);
  const aloneMs = net.serialMs + net.parallelMs + net.delayMs;
  return full * aloneMs + (rest > 0 ? aloneMs : 0);
}
