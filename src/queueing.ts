/**
 * Mean-value analysis (Reiser & Lavenberg) of a closed queueing network: `workers` tasks in flight, each
 * cycling through a serial station (one server: a GIL, an event loop), a parallel station (`servers`
 * cores) and a delay (waiting on IO). It captures what a max() of bounds
 * misses: near the knee, tasks queue for the GIL or the cores even before either is saturated.
 */
export interface ClosedNetwork {
  serialMs: number;
  parallelMs: number;
  servers: number;
  delayMs: number;
}

/** Past this population the throughput has reached its asymptote to within 0.1%, or it is extrapolated from here. */
const MAX_EXACT_POPULATION = 4096;

/** Response time of one task with 1..population tasks in flight; index n holds R(n). */
export function responseTimes(net: ClosedNetwork, population: number): number[] {
  const servers = Math.max(1, net.servers);
  const exact = Math.min(population, MAX_EXACT_POPULATION);
  const response = [0];
  let serialQueue = 0;
  let parallelQueue = 0;
  for (let n = 1; n <= exact; n++) {
    const serialR = net.serialMs * (1 + serialQueue);
    // m servers: no wait while an arriving task finds a free one, else the queue drains m at a time.
    const parallelR = net.parallelMs * Math.max(1, (1 + parallelQueue) / servers);
    const r = serialR + parallelR + net.delayMs;
    const throughput = r > 0 ? n / r : Number.POSITIVE_INFINITY;
    serialQueue = throughput * serialR;
    parallelQueue = throughput * parallelR;
    response.push(r);
  }
  return response;
}

/** R(n) for any population, extrapolating past MAX_EXACT_POPULATION at the saturated throughput. */
function responseAt(response: number[], n: number): number {
  const last = response.length - 1;
  if (n <= last) return response[n] ?? 0;
  const throughput = last / (response[last] ?? 1);
  return n / throughput;
}

/** Wall time of `tasks` tasks on `workers` workers: full rounds at the full population, then the rest. */
export function batchTime(net: ClosedNetwork, tasks: number, workers: number): number {
  const population = Math.max(1, Math.min(workers, tasks));
  const response = responseTimes(net, population);
  const fullRounds = Math.floor(tasks / population);
  const rest = tasks - fullRounds * population;
  return fullRounds * responseAt(response, population) + (rest > 0 ? responseAt(response, rest) : 0);
}
