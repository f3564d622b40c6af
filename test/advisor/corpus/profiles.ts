import fc from 'fast-check';
import { COST_NAMES } from '../../../src/advisor/costs/types.js';
import { RUNTIMES, type ProfileInput } from '../../../src/advisor/profile.js';
import { WORKLOAD_NAMES } from '../../../src/advisor/workloads.js';

/**
 * The regression corpus's profiles: everyday batches rather than the schema's corners (the property tests
 * have those), drawn with a fixed seed so that the same profiles come back on every run. fast-check is
 * pinned to an exact version in package.json: another version may draw other profiles.
 */
export const CORPUS_SEED = 20_261_201;
export const CORPUS_SIZE = 300;
/** Cores assumed for a profile that does not give them, as a 2-core server would. */
export const CORPUS_DEFAULT_CORES = 2;
/** Where the corpus lives, from the repository root (npm runs every script there). */
export const CORPUS_PATH = 'test/advisor/corpus/corpus.json';

/** A field present `present` times in `of`. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>, present: number, of: number) =>
  fc.oneof({ weight: of - present, arbitrary: fc.constant(undefined) }, { weight: present, arbitrary });
/** Present about one time in four. */
const rarely = <T>(arbitrary: fc.Arbitrary<T>) => sometimes(arbitrary, 1, 4);

/** Milliseconds spread over six decades, as real tasks are: 5 us hashes to 50 s model fits. */
const ms = fc.oneof(
  fc.constantFrom(0, 0.005, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 300, 500, 1000, 5000, 50_000),
  fc.integer({ min: 0, max: 4000 }).map((x) => Math.round(10 ** (x / 1000 - 2) * 1000) / 1000),
);
const tasks = fc.oneof(
  fc.constantFrom(1, 2, 3, 16, 32, 64, 100, 500, 1000, 10_000, 100_000, 1_000_000, 1e9),
  fc.integer({ min: 1, max: 5000 }),
);
const cores = fc.constantFrom(1, 2, 4, 8, 16, 32, 64, 128, 1024);

/** Profile fields beyond the per-task cost; each is left out more often than not, as clients do. */
const context = fc.record({
  name: rarely(fc.constantFrom('nightly thumbnails', 'crawler', 'etl', 'report')),
  runtime: fc.constantFrom(...RUNTIMES),
  tasks,
  gilReleasedShare: rarely(fc.constantFrom(0, 0.3, 0.5, 0.9, 1)),
  payloadBytesPerTask: rarely(fc.constantFrom(0, 1024, 100_000, 1 << 20, 8 << 20)),
  threadsPerTask: rarely(fc.constantFrom(1, 2, 4, 8)),
  cores: sometimes(cores, 7, 8),
  maxConcurrency: rarely(fc.constantFrom(1, 5, 10, 20, 50, 100)),
  memoryMbPerWorker: rarely(fc.constantFrom(100, 500, 2000)),
  memoryLimitMb: rarely(fc.constantFrom(1000, 4000, 16_000)),
  needsIsolation: rarely(fc.boolean()),
  sharedState: rarely(fc.constantFrom('none' as const, 'read-only' as const, 'read-write' as const)),
  costs: rarely(
    fc.dictionary(fc.constantFrom(...COST_NAMES.filter((name) => name !== 'maxThreadsPerProcess')), fc.constantFrom(0, 0.05, 1, 20), {
      minKeys: 1,
      maxKeys: 2,
    }),
  ),
  /** Now and then, from a tenth of a second to a day: many are missed, which runs the scale-out search. */
  deadlineMs: sometimes(fc.constantFrom(100, 1000, 60_000, 3_600_000, 86_400_000), 1, 7),
});

/** One source of per-task cost: declared (most often), measured, or a workload category. */
const source = fc.oneof(
  { weight: 6, arbitrary: fc.record({ cpuMsPerTask: ms, waitMsPerTask: ms }) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(ms, ms)
      .filter(([cpu, wait]) => cpu + wait > 0)
      .map(([cpu, wait]) => ({ measurement: { wallMs: (cpu + wait) * 100, cpuMs: cpu * 100, tasks: 100 } })),
  },
  { weight: 2, arbitrary: fc.record({ workload: fc.constantFrom(...WORKLOAD_NAMES) }) },
);

const profile: fc.Arbitrary<ProfileInput> = fc
  .tuple(context, source)
  .map(([fields, cost]) => Object.fromEntries(Object.entries({ ...fields, ...cost }).filter(([, value]) => value !== undefined)) as ProfileInput);

/** The corpus's profiles, the same ones on every call, as plain JSON (as they are read back from the file). */
export function corpusProfiles(): ProfileInput[] {
  return JSON.parse(JSON.stringify(fc.sample(profile, { seed: CORPUS_SEED, numRuns: CORPUS_SIZE }))) as ProfileInput[];
}
