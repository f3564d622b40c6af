/**
 * Real CPU work for sample tasks: an FNV-1a style hash chain. Each step depends on the last, so V8 can
 * neither skip nor vectorise it, and it touches no memory, so threads on separate cores do not slow
 * each other through the cache: more workers than cores contend for the CPU and nothing else.
 */
export function burn(iterations: number, seed = 0x811c9dc5): number {
  let hash = seed | 0;
  for (let i = 0; i < iterations; i++) {
    hash = Math.imul(hash ^ (i & 0xff), 16_777_619);
  }
  return hash;
}

/** Runs of the chain timed to find its speed; the median is robust to a neighbour taking the core for a moment. */
const CALIBRATION_RUNS = 7;
const CALIBRATION_RUN_MS = 20;
/** Enough iterations that V8 has optimised the loop before the timed runs. */
const WARM_UP_ITERATIONS = 5_000_000;

/** Runs the chain long enough for V8 to optimise it in this isolate. */
export function warmUpBurn(): void {
  burn(WARM_UP_ITERATIONS);
}

/** Iterations of `burn` per millisecond of CPU on this machine, measured now in the calling thread. */
export function calibrateIterationsPerMs(): number {
  warmUpBurn();
  const rates: number[] = [];
  let iterations = 100_000;
  for (let run = 0; run < CALIBRATION_RUNS; run++) {
    const started = performance.now();
    burn(iterations);
    const elapsed = performance.now() - started;
    rates.push(iterations / Math.max(elapsed, 0.001));
    // Aim the next run at CALIBRATION_RUN_MS so the timer's resolution does not dominate.
    iterations = Math.max(100_000, Math.round(rates[rates.length - 1]! * CALIBRATION_RUN_MS));
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)]!;
}
