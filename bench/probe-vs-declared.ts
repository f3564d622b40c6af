import { readFileSync } from 'node:fs';
import { advise } from '../src/advisor/advise.js';
import { AGREEMENT_WITHIN } from '../src/advisor/verdict.js';
import { ProfileSchema, type ProfileInput } from '../src/advisor/profile.js';
import { loadCases, type MeasuredCase } from './score-model.js';

/**
 * The probed profile of each harness workload (bench/python/probe_cases.py) beside the harness's own
 * (bench/python/results.json: cpu and wait timed around the whole loop, the GIL share declared by hand),
 * and whether the advice on each names the measured fastest model. Both are judged the same way: the
 * advised model's best measured run within AGREEMENT_WITHIN of the fastest run of any model.
 *
 *   node dist/bench/probe-vs-declared.js [results.json] [probe-cases.json]
 */
interface ProbedCase {
  id: string;
  profile: ProfileInput;
  figures: { memoryMbPerWorker: { value: number | null }; threadsPerTask: { value: number } };
}

interface Judged {
  model: string;
  sizes: string;
  ratio: number;
  agrees: boolean;
}

function judge(profile: ProfileInput, measured: MeasuredCase): Judged {
  const parsed = ProfileSchema.parse(profile);
  const rec = advise(parsed, { defaultCores: parsed.cores ?? 2 }).recommendation;
  const fastestMs = measured.best[measured.fastest]!.wallMs;
  const ranMs = measured.best[rec.model as keyof MeasuredCase['best']]?.wallMs ?? Number.NaN;
  const ratio = ranMs / fastestMs;
  return { model: rec.model, sizes: `${rec.processes}x${rec.threadsPerProcess}`, ratio, agrees: ratio <= 1 + AGREEMENT_WITHIN };
}

const n = (x: number | undefined, digits = 3) => (x === undefined ? '-' : Number(x.toPrecision(digits)).toString());

if (import.meta.url === `file://${process.argv[1]}`) {
  const measured = loadCases(process.argv[2] ?? 'bench/python/results.json');
  const probedFile = JSON.parse(readFileSync(process.argv[3] ?? 'bench/out/probe-cases.json', 'utf8')) as { cases: ProbedCase[] };
  const probed = new Map(probedFile.cases.map((c) => [c.id, c]));
  console.log(
    '| case | declared: cpu / wait ms, g, payload B | probed: cpu / wait ms, g, payload B, threads, MB | measured fastest | advice on declared | advice on probed |',
  );
  console.log('|---|---|---|---|---|---|');
  let declaredAgree = 0;
  let probedAgree = 0;
  let both = 0;
  for (const m of measured) {
    const p = probed.get(m.id);
    if (!p) continue;
    both += 1;
    const d = m.profile;
    const q = p.profile;
    const onDeclared = judge(d, m);
    const onProbed = judge(q, m);
    if (onDeclared.agrees) declaredAgree += 1;
    if (onProbed.agrees) probedAgree += 1;
    const show = (j: Judged) => `${j.model} ${j.sizes} (${j.ratio.toFixed(2)}${j.agrees ? '' : ' MISS'})`;
    console.log(
      `| ${m.id} | ${n(d.cpuMsPerTask)} / ${n(d.waitMsPerTask)}, ${d.gilReleasedShare}, ${d.payloadBytesPerTask} | ` +
        `${n(q.cpuMsPerTask)} / ${n(q.waitMsPerTask)}, ${q.gilReleasedShare}, ${q.payloadBytesPerTask}, ${p.figures.threadsPerTask.value}, ${p.figures.memoryMbPerWorker.value ?? '-'} | ` +
        `${m.fastest} | ${show(onDeclared)} | ${show(onProbed)} |`,
    );
  }
  console.log(
    `\nadvice names the measured fastest model, or one within ${AGREEMENT_WITHIN * 100}% of it: declared ${declaredAgree}/${both}, probed ${probedAgree}/${both}`,
  );
}
