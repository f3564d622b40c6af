import { readFileSync } from 'node:fs';
import { advise } from '../src/advisor/advise.js';
import { costsFor } from '../src/advisor/costs/index.js';
import { predict } from '../src/advisor/model/estimate.js';
import type { ExecutionModel } from '../src/advisor/plan.js';
import { ProfileSchema, type ProfileInput } from '../src/advisor/profile.js';
import { resolveWork } from '../src/advisor/work.js';
import { AGREEMENT_WITHIN } from '../src/advisor/verdict.js';

/** One measured configuration, as bench/python/harness.py writes it. */
export interface MeasuredRun {
  model: Exclude<ExecutionModel, 'async'>;
  processes: number;
  threadsPerProcess: number;
  chunkSize: number;
  wallMs: number;
}

export interface MeasuredCase {
  id: string;
  description: string;
  profile: ProfileInput;
  runs: MeasuredRun[];
  best: Partial<Record<MeasuredRun['model'], MeasuredRun>>;
  fastest: MeasuredRun['model'];
  /** The plan the advisor gave for the profile measured in the first round, run at its exact sizes. */
  advised?: { model: ExecutionModel; processes: number; threadsPerProcess: number; measuredWallMs: number } | null;
}

export interface CaseScore {
  id: string;
  fastest: string;
  advised: string;
  advisedSizes: string;
  /** Measured wall of the advised model (its best measured sizing) over the measured fastest. */
  advisedOverFastest: number;
  agrees: boolean;
  predictedMs: number;
  measuredMs: number;
  /** predicted / measured - 1, for the advised model. */
  predictionError: number;
}

/** A prediction within this share of the measured wall time counts as close. */
export const PREDICTION_WITHIN = 0.25;

export function loadCases(path: string): MeasuredCase[] {
  return JSON.parse(readFileSync(path, 'utf8')).cases;
}

export function scoreCase(measured: MeasuredCase): CaseScore {
  const profile = ProfileSchema.parse(measured.profile);
  const advice = advise(profile, { defaultCores: profile.cores ?? 2 });
  const rec = advice.recommendation;
  const fastestMs = measured.best[measured.fastest]?.wallMs ?? Number.NaN;
  // The exact advised plan when the harness ran it (and the advice is unchanged), else the model's best sizing.
  const ran = measured.advised;
  const sameAdvice =
    ran && ran.model === rec.model && ran.processes === rec.processes && ran.threadsPerProcess === rec.threadsPerProcess;
  const measuredMs = sameAdvice ? ran.measuredWallMs : (measured.best[rec.model as MeasuredRun['model']]?.wallMs ?? Number.NaN);
  return {
    id: measured.id,
    fastest: measured.fastest,
    advised: rec.model,
    advisedSizes: `${rec.processes}x${rec.threadsPerProcess}${sameAdvice ? '' : ' (not run: best measured sizing)'}`,
    advisedOverFastest: measuredMs / fastestMs,
    agrees: measuredMs <= fastestMs * (1 + AGREEMENT_WITHIN),
    predictedMs: rec.predictedWallMs,
    measuredMs,
    predictionError: rec.predictedWallMs / measuredMs - 1,
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

function pct(x: number): string {
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(0)}%`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const path = process.argv[2] ?? 'bench/python/results.json';
  const cases = loadCases(path);
  const scores = cases.map(scoreCase);
  console.log('| case | measured fastest | advised | advised / fastest (measured) | predicted | measured | error |');
  console.log('|---|---|---|---|---|---|---|');
  for (const s of scores) {
    console.log(
      `| ${s.id} | ${s.fastest} | ${s.advised} ${s.advisedSizes} | ${s.advisedOverFastest.toFixed(2)}${s.agrees ? '' : ' MISS'} | ${s.predictedMs.toFixed(0)} ms | ${s.measuredMs.toFixed(0)} ms | ${pct(s.predictionError)} |`,
    );
  }
  const agree = scores.filter((s) => s.agrees).length;
  const close = scores.filter((s) => Math.abs(s.predictionError) <= PREDICTION_WITHIN).length;
  console.log(`\nmodel agrees with the measured fastest (within ${AGREEMENT_WITHIN * 100}%): ${agree}/${scores.length}`);
  console.log(`advised model's prediction within ${PREDICTION_WITHIN * 100}% of measured: ${close}/${scores.length}`);
  if (process.argv.includes('--runs')) {
    console.log('\n| case | model | sizes | chunk | predicted | measured | error |\n|---|---|---|---|---|---|---|');
    for (const c of cases) {
      for (const { run, predictedMs, error } of runErrors(c)) {
        console.log(`| ${c.id} | ${run.model} | ${run.processes}x${run.threadsPerProcess} | ${run.chunkSize} | ${predictedMs.toFixed(0)} | ${run.wallMs.toFixed(0)} | ${pct(error)} |`);
      }
    }
  }
}
