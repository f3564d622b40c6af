import { readFileSync } from 'node:fs';
import { advise } from '../src/advisor/advise.js';
import { RULE_OF_THUMB } from '../src/advisor/classify.js';
import { costsFor } from '../src/advisor/costs/index.js';
import { predict } from '../src/advisor/model/estimate.js';
import type { ExecutionModel, InnerModel } from '../src/advisor/plan.js';
import { ProfileSchema, type ProfileInput } from '../src/advisor/profile.js';
import { resolveWork } from '../src/advisor/work.js';
import { AGREEMENT_WITHIN } from '../src/advisor/verdict.js';

/** One measured configuration, as bench/python/harness.py and bench/node/harness.ts write it. */
export interface MeasuredRun {
  model: ExecutionModel;
  /** What each process ran its tasks on, for threads, async and hybrid (hybrid runs before asyncio was measured: threads). */
  inner?: InnerModel;
  processes: number;
  threadsPerProcess: number;
  chunkSize: number;
  wallMs: number;
  repeats?: number[];
  /** Other programs' CPU (ms) during each kept repetition, where the harness recorded it. */
  foreignCpuMs?: Array<number | null>;
  /** The CPU's speed around each kept repetition against the case's (bench/python's spin probe), where recorded. */
  cpuSpeedRatio?: Array<number | null>;
}

export interface MeasuredCase {
  id: string;
  description: string;
  profile: ProfileInput;
  runs: MeasuredRun[];
  best: Partial<Record<ExecutionModel, MeasuredRun>>;
  fastest: ExecutionModel;
  /** The plan the advisor gave for the profile measured in the first round, run at its exact sizes. */
  advised?: {
    model: ExecutionModel;
    inner?: InnerModel;
    processes: number;
    threadsPerProcess: number;
    measuredWallMs: number | null;
  } | null;
}

/** One harness run: a runtime on a number of cores. */
export interface MeasuredSet {
  file: string;
  title: string;
  cases: MeasuredCase[];
}

/** Every harness run `npm run bench:model` makes, with the title of its table in docs/benchmarks.md. */
export const RESULT_FILES = [
  { file: 'bench/python/results.json', title: 'CPython 3.11, 2 cores' },
  { file: 'bench/python/results-cpython-1core.json', title: 'CPython 3.11, 1 core (taskset -c 0)' },
  { file: 'bench/python/results-pypy-2core.json', title: 'PyPy 7.3 (Python 3.9), 2 cores' },
  { file: 'bench/node/results.json', title: 'Node 20, 2 cores' },
] as const;

export interface CaseScore {
  id: string;
  fastest: string;
  fastestMs: number;
  advised: string;
  advisedSizes: string;
  /**
   * The advised model, with its inner model, was run: at its exact sizes or at others. A run recorded before the
   * harness swept it (asyncio, before it was weighed for Python) cannot score the advice; nothing stands in for it.
   */
  measured: boolean;
  /** Measured wall of the advised model (its best measured sizing) over the measured fastest. */
  advisedOverFastest: number;
  agrees: boolean;
  predictedMs: number;
  measuredMs: number;
  /** predicted / measured - 1, for the advised model. */
  predictionError: number;
  /** The anchors' choices on the same case, each as its best measured run over the fastest. */
  anchors: Record<Anchor, { model: ExecutionModel; overFastest: number }>;
}

export const ANCHORS = ['article', 'processes', 'threads'] as const;
export type Anchor = (typeof ANCHORS)[number];
/** A prediction within this share of the measured wall time counts as close. */
export const PREDICTION_WITHIN = 0.25;

export function loadCases(path: string): MeasuredCase[] {
  return JSON.parse(readFileSync(path, 'utf8')).cases;
}

/**
 * A repetition others disturbed, by the harnesses' own rule (bench/python/benchlib.py `disturbed`): they used
 * more than 15% of the cores' time during it, and more than 40 ms; or (bench/python's SPEED_DRIFT) the CPU's own
 * speed around it was more than 20% off the case's.
 */
const FOREIGN_SHARE = 0.15;
const FOREIGN_MIN_MS = 40;
const SPEED_DRIFT = 0.2;

/** The share of a run's timed repetitions that were disturbed even after the harness's retries; null when not recorded. */
export function disturbedShare(cases: MeasuredCase[]): number | null {
  let recorded = 0;
  let disturbed = 0;
  for (const c of cases) {
    const cores = c.profile.cores ?? 2;
    for (const run of c.runs) {
      run.foreignCpuMs?.forEach((foreign, i) => {
        if (foreign === null) return;
        recorded++;
        const wall = run.repeats?.[i] ?? run.wallMs;
        const speed = run.cpuSpeedRatio?.[i];
        const drifted = speed !== undefined && speed !== null && Math.abs(speed - 1) > SPEED_DRIFT;
        if ((foreign > FOREIGN_MIN_MS && foreign > FOREIGN_SHARE * wall * cores) || drifted) disturbed++;
      });
    }
  }
  return recorded > 0 ? disturbed / recorded : null;
}

/**
 * Beyond this share of disturbed repetitions, a run measured other programs as much as the pools: its score is
 * printed, but says nothing about the model, and the tests do not hold the model to it.
 */
export const MAX_DISTURBED_SHARE = 0.25;

const innerOf = (run: { model: ExecutionModel; inner?: InnerModel }) =>
  run.inner ?? (run.model === 'async' ? 'async' : run.model === 'threads' || run.model === 'hybrid' ? 'threads' : undefined);

/** A run's model, with what ran inside where a model has two kinds. */
const label = (run: { model: ExecutionModel; inner?: InnerModel }) =>
  run.model === 'hybrid' || run.model === 'async' ? `${run.model} (${innerOf(run)})` : run.model;

/** Tasks a measured configuration held at once. */
const inFlight = (run: MeasuredRun) => (run.model === 'sequential' ? 1 : run.processes * run.threadsPerProcess);

/**
 * The runs a plan for this profile could be: those within the downstream's limit (stated, or the default the
 * advice assumes), so a sweep's 256 threads do not set the bar for advice held to 100 in flight.
 */
export function eligibleRuns(measured: MeasuredCase): MeasuredRun[] {
  const profile = ProfileSchema.parse(measured.profile);
  const work = resolveWork(profile, profile.cores ?? 2);
  return measured.runs.filter((run) => inFlight(run) <= work.maxConcurrency);
}

function fastestRun(runs: MeasuredRun[]): MeasuredRun | undefined {
  return runs.reduce<MeasuredRun | undefined>((best, run) => (!best || run.wallMs < best.wallMs ? run : best), undefined);
}

export function scoreCase(measured: MeasuredCase): CaseScore {
  const profile = ProfileSchema.parse(measured.profile);
  const advice = advise(profile, { defaultCores: profile.cores ?? 2 });
  const rec = advice.recommendation;
  const runs = eligibleRuns(measured);
  const fastest = fastestRun(runs);
  const fastestMs = fastest?.wallMs ?? Number.NaN;
  // The exact advised plan when the harness ran it (and the advice is unchanged), else the best measured sizing
  // of the advised model with the same inner model, else of the model.
  const ran = measured.advised;
  const sameAdvice =
    ran &&
    ran.measuredWallMs !== null &&
    ran.model === rec.model &&
    innerOf(ran) === innerOf(rec) &&
    ran.processes === rec.processes &&
    ran.threadsPerProcess === rec.threadsPerProcess;
  const bestOf = (model: ExecutionModel) => fastestRun(runs.filter((run) => run.model === model))?.wallMs ?? Number.NaN;
  const sameInner = runs.filter((run) => run.model === rec.model && innerOf(run) === innerOf(rec));
  const measuredMs = sameAdvice ? ran.measuredWallMs! : (fastestRun(sameInner)?.wallMs ?? Number.NaN);
  const anchorModel: Record<Anchor, ExecutionModel> = {
    article: RULE_OF_THUMB[advice.classification.kind],
    processes: 'processes',
    threads: 'threads',
  };
  return {
    id: measured.id,
    fastest: fastest ? label(fastest) : 'none',
    fastestMs,
    advised: label(rec),
    advisedSizes: `${rec.processes}x${rec.threadsPerProcess}${sameAdvice ? '' : sameInner.length > 0 ? ' (not run: best measured sizing)' : ' (never run)'}`,
    measured: !Number.isNaN(measuredMs),
    advisedOverFastest: measuredMs / fastestMs,
    agrees: measuredMs <= fastestMs * (1 + AGREEMENT_WITHIN),
    predictedMs: rec.predictedWallMs,
    measuredMs,
    predictionError: rec.predictedWallMs / measuredMs - 1,
    anchors: Object.fromEntries(
      ANCHORS.map((a) => [a, { model: anchorModel[a], overFastest: bestOf(anchorModel[a]) / fastestMs }]),
    ) as CaseScore['anchors'],
  };
}

/** The model's error on every measured configuration, at the sizes that were measured. */
export function runErrors(measured: MeasuredCase): Array<{ run: MeasuredRun; predictedMs: number; error: number }> {
  const profile = ProfileSchema.parse(measured.profile);
  const work = resolveWork(profile, profile.cores ?? 2);
  const costs = costsFor(work.runtime, profile.costs);
  return measured.runs.map((run) => {
    const predictedMs = predict(work, run, costs).wallMs;
    return { run, predictedMs, error: predictedMs / run.wallMs - 1 };
  });
}

/** Over the cases whose advice was measured. */
export function medianAbsError(scores: CaseScore[]): number {
  const errors = scores.filter((s) => s.measured).map((s) => Math.abs(s.predictionError)).sort((a, b) => a - b);
  const mid = errors.length >> 1;
  return errors.length % 2 ? errors[mid]! : (errors[mid - 1]! + errors[mid]!) / 2;
}

export function agreementOf(scores: CaseScore[]): number {
  return scores.filter((s) => s.agrees).length;
}

function pct(x: number): string {
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(0)}%`;
}

const ratio = (x: number) => (Number.isNaN(x) ? '-' : `${x.toFixed(2)}${x > 1 + AGREEMENT_WITHIN ? ' MISS' : ''}`);

function printSet(title: string, file: string, cases: MeasuredCase[], withRuns: boolean): void {
  const scores = cases.map(scoreCase);
  console.log(`\n### ${title} (\`${file}\`)\n`);
  console.log(
    '| case | measured fastest | advised | advised / fastest | predicted | measured | error | article\'s rule | always processes | always threads |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const s of scores) {
    const a = s.anchors;
    console.log(
      `| ${s.id} | ${s.fastest} ${s.fastestMs.toFixed(0)} ms | ${s.advised} ${s.advisedSizes} | ${ratio(s.advisedOverFastest)} | ${s.predictedMs.toFixed(0)} ms | ${s.measuredMs.toFixed(0)} ms | ${pct(s.predictionError)} | ${a.article.model} ${ratio(a.article.overFastest)} | ${ratio(a.processes.overFastest)} | ${ratio(a.threads.overFastest)} |`,
    );
  }
  const share = disturbedShare(cases);
  if (share !== null) {
    console.log(
      `\nrepetitions disturbed (after retries; other programs or the CPU's own speed): ${(share * 100).toFixed(0)}%${share > MAX_DISTURBED_SHARE ? ' - measured under foreign load: the score says little about the model' : ''}`,
    );
  }
  const within = (a: Anchor) => scores.filter((s) => s.anchors[a].overFastest <= 1 + AGREEMENT_WITHIN).length;
  const measured = scores.filter((s) => s.measured).length;
  console.log(
    `\nadvice within ${AGREEMENT_WITHIN * 100}% of the measured fastest: ${agreementOf(scores)}/${measured}` +
      (measured < scores.length ? ` (${scores.length - measured} advised a model this run never swept)` : '') +
      ` (article's rule ${within('article')}, always processes ${within('processes')}, always threads ${within('threads')});` +
      ` median prediction error ${(medianAbsError(scores) * 100).toFixed(0)}%,` +
      ` within ${PREDICTION_WITHIN * 100}%: ${scores.filter((s) => Math.abs(s.predictionError) <= PREDICTION_WITHIN).length}/${measured}`,
  );
  if (withRuns) {
    console.log('\n| case | model | sizes | chunk | predicted | measured | error |\n|---|---|---|---|---|---|---|');
    for (const c of cases) {
      for (const { run, predictedMs, error } of runErrors(c)) {
        console.log(`| ${c.id} | ${label(run)} | ${run.processes}x${run.threadsPerProcess} | ${run.chunkSize} | ${predictedMs.toFixed(0)} | ${run.wallMs.toFixed(0)} | ${pct(error)} |`);
      }
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const sets = files.length > 0 ? files.map((file) => ({ file, title: file })) : RESULT_FILES;
  for (const { file, title } of sets) printSet(title, file, loadCases(file), process.argv.includes('--runs'));
}
