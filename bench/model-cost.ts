import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { advise } from '../src/advisor/advise.js';
import { forgetSolutions } from '../src/advisor/model/queueing.js';
import { ProfileSchema, type ProfileInput } from '../src/advisor/profile.js';

/**
 * The model's own cost per profile, in-process: the whole advise() (estimates, rationale, snippet), over the
 * regression corpus and a few named profiles. With BENCH_AGAINST=<git ref>, the same profiles are also advised
 * by a build of that ref (a git worktree in the temp folder, compiled with this checkout's node_modules),
 * interleaved round by round, so the two costs are compared inside one run on this noisy machine. This
 * build's queueing solutions are forgotten before each profile: the figure is a profile that shares nothing
 * with the ones before it (`warm` beside it keeps them, as a server does between similar profiles).
 */
const NAMED: Array<[string, ProfileInput]> = [
  ['io-bound, 8 cores', { tasks: 1000, cpuMsPerTask: 2, waitMsPerTask: 300, cores: 8 }],
  ['mixed, 8 cores (the README example)', { tasks: 500, cpuMsPerTask: 100, waitMsPerTask: 200, cores: 8 }],
  ['io-bound, 64 cores', { tasks: 1000, cpuMsPerTask: 2, waitMsPerTask: 300, cores: 64 }],
  ['mixed, 64 cores', { tasks: 500, cpuMsPerTask: 100, waitMsPerTask: 200, cores: 64 }],
  ['workload, 1024 cores', { tasks: 1e9, workload: 'ml-training', cores: 1024 }],
  ['deadline scale-out, 1024 cores', { tasks: 1e9, cpuMsPerTask: 50, waitMsPerTask: 0, cores: 1024, deadlineMs: 60_000 }],
];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

type Advise = (profile: unknown, options: { defaultCores: number }) => unknown;
interface Build {
  advise: Advise;
  parse: (input: unknown) => unknown;
  /** Called before each profile. */
  reset?: () => void;
}

/** A build of `ref` in a worktree of this repository, compiled once and kept for the next run. */
function buildOf(ref: string): string {
  const commit = execFileSync('git', ['rev-parse', '--short', ref], { encoding: 'utf8' }).trim();
  const dir = join(tmpdir(), `task-advisor-bench-${commit}`);
  if (!existsSync(join(dir, 'dist/.built'))) {
    if (!existsSync(dir)) execFileSync('git', ['worktree', 'add', '--detach', dir, commit], { stdio: 'ignore' });
    if (!existsSync(join(dir, 'node_modules'))) symlinkSync(resolve('node_modules'), join(dir, 'node_modules'));
    try {
      execFileSync(process.execPath, [resolve('node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: dir, stdio: 'ignore' });
    } catch {
      // tsc still writes its output when a file outside the model no longer type-checks against these node_modules.
      if (!existsSync(join(dir, 'dist/src/advisor/advise.js'))) throw new Error(`${ref} did not compile in ${dir}`);
    }
    execFileSync('touch', [join(dir, 'dist/.built')]);
  }
  return dir;
}

async function load(dir: string): Promise<Build> {
  const at = (path: string) => import(pathToFileURL(join(dir, path)).href);
  const [{ advise: other }, { ProfileSchema: schema }] = await Promise.all([at('dist/src/advisor/advise.js'), at('dist/src/advisor/profile.js')]);
  return { advise: other, parse: (input) => schema.parse(input) };
}

/** Microseconds per advise() over `profiles`, each advised `reps` times. */
function microseconds(build: Build, profiles: unknown[], reps: number): number {
  const start = performance.now();
  for (let rep = 0; rep < reps; rep++) {
    for (const profile of profiles) {
      build.reset?.();
      build.advise(profile, { defaultCores: 2 });
    }
  }
  return ((performance.now() - start) / (reps * profiles.length)) * 1000;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const corpus = (JSON.parse(readFileSync('test/advisor/corpus/corpus.json', 'utf8')) as { entries: Array<{ profile: ProfileInput }> }).entries.map(
  (entry) => entry.profile,
);
const sets: Array<[string, ProfileInput[], number]> = [
  [`the regression corpus (${corpus.length} profiles)`, corpus, 1],
  ...NAMED.map(([label, profile]): [string, ProfileInput[], number] => [label, [profile], label.startsWith('deadline') ? 20 : 200]),
];

const here: Build = { advise: advise as Advise, parse: (input) => ProfileSchema.parse(input), reset: forgetSolutions };
const warm: Build = { advise: advise as Advise, parse: (input) => ProfileSchema.parse(input) };
const against = process.env.BENCH_AGAINST;
const builds: Array<[string, Build]> = [['this build', here], ['this build, warm', warm]];
if (against) builds.push([against, await load(buildOf(against))]);

const rows = sets.map(([label, inputs, reps]) => {
  const parsed = builds.map(([, build]) => inputs.map((input) => build.parse(input)));
  // Warm every build's JIT on these profiles before timing.
  builds.forEach(([, build], i) => microseconds(build, parsed[i]!, Math.max(1, Math.ceil(reps / 4))));
  const times: number[][] = builds.map(() => []);
  for (let round = 0; round < ROUNDS; round++) builds.forEach(([, build], i) => times[i]!.push(microseconds(build, parsed[i]!, reps)));
  const medians = times.map(median);
  return {
    profile: label,
    microsecondsPerAdvice: Math.round(medians[0]!),
    warmMicroseconds: Math.round(medians[1]!),
    ...(against ? { against, againstMicroseconds: Math.round(medians[2]!), ratio: Number((medians[0]! / medians[2]!).toFixed(2)) } : {}),
  };
});
console.log(JSON.stringify(rows));
