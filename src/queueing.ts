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

/** Past this population the response time is extrapolated at the saturated throughput. */
const MAX_EXACT_POPULATION = 4096;

/** Response time of one task with 0..population tasks in flight; index n holds R(n). */
export function responseTimes(net: ClosedNetwork, population: number): number[] {
  const servers = Math.max(1, net.servers);
  const stations = Math.max(1, net.serialStations);
  const convoyMs = net.delayMs > 0 ? Math.min(net.wakeDelayMs, net.serialMs) : 0;
  const exact = Math.min(population, MAX_EXACT_POPULATION);
  const response = [0];
  let queuePerStation = 0;
  let parallelQueue = 0;
  let stationUtilisation = 0;
  for (let n = 1; n <= exact; n++) {
    const serialR = net.serialMs * (1 + queuePerStation);
    // m servers: no wait while an arriving task finds a free one, else the queue drains m at a time.
    const parallelR = net.parallelMs * Math.max(1, (1 + parallelQueue) / servers);
    const r = serialR + parallelR + net.delayMs + convoyMs * stationUtilisation;
    // A task that costs nothing queues nowhere.
    const throughput = r > 0 ? n / r : 0;
    queuePerStation = (throughput * serialR) / stations;
    parallelQueue = throughput * parallelR;
    stationUtilisation = Math.min(1, (throughput * net.serialMs) / stations);
    response.push(r);
  }
  return response;
}

/** R(n) for any population, growing in proportion past MAX_EXACT_POPULATION (saturated). */
function responseAt(response: number[], n: number): number {
  const last = response.length - 1;
  if (n <= last) return response[n] ?? 0;
  return ((response[last] ?? 0) * n) / last;
}

/**
 * Wall time of `tasks` tasks run by each of `processes` processes at once, on `threads` threads each:
 * full rounds at the full population, then the rest.
 */
export function batchTime(net: ClosedNetwork, tasks: number, threads: number, processes = 1): number {
  const perProcess = Math.max(1, Math.min(threads, tasks));
  const response = responseTimes(net, perProcess * processes);
  const fullRounds = Math.floor(tasks / perProcess);
  const rest = tasks - fullRounds * perProcess;
  return fullRounds * responseAt(response, perProcess * processes) + (rest > 0 ? responseAt(response, rest * processes) : 0);
}
