import { RULE_OF_THUMB, type WorkKind } from '../classify.js';
import type { Costs } from '../costs/index.js';
import { fmt, fmtMs } from '../format.js';
import { fastestOf, NEGLIGIBLE_GAIN_OF_SEQUENTIAL, SIMPLER_WITHIN, type Estimate } from '../recommend.js';
import { RUNTIME_TRAITS } from '../runtimes.js';
import type { Work } from '../work.js';
import { describePlan, limitOf, MODEL_LABEL, speedup } from './describe.js';

/** Where the article's rule of thumb and the numbers part, the reply says which number decided. */
function ruleOfThumbNote(kind: WorkKind, chosen: Estimate, estimates: Estimate[], work: Work, sequentialMs: number): string | undefined {
  const ruleModel = RULE_OF_THUMB[kind];
  if (chosen.plan.model === ruleModel) return undefined;
  const rule = estimates.find((e) => e.plan.model === ruleModel);
  const hasGil = RUNTIME_TRAITS[work.runtime].hasGil;
  let why: string;
  if (chosen.plan.model === 'sequential') {
    const perTask = work.cpuMs + work.waitMs;
    if (!rule) why = `each task is only ${fmt(perTask)} ms`;
    else
      why = `each task is only ${fmt(perTask)} ms, and ${ruleModel} cost more than they save: ${limitOf(rule, work)}${rule.prediction.startupMs > 0 ? `, after ${fmtMs(rule.prediction.startupMs)} of start-up` : ''}`;
  } else if (kind === 'cpu-bound' && chosen.plan.model === 'threads' && hasGil) {
    why = `${fmt(work.gilReleasedShare * 100)}% of the CPU time runs in native code that releases the GIL, so threads compute in parallel without process start-up and serialisation`;
  } else if (kind === 'cpu-bound' && chosen.plan.model === 'threads') {
    why = `${work.runtime} has no GIL, so threads compute in parallel and start faster than processes`;
  } else if (chosen.plan.model === 'async') {
    why = `${RUNTIME_TRAITS[work.runtime].language === 'python' ? 'asyncio' : 'Node'} overlaps waits on one event loop without a thread each`;
  } else if (rule) {
    why = `${ruleModel} would take ${fmtMs(rule.prediction.wallMs)} because ${limitOf(rule, work)}`;
  } else {
    why = `${ruleModel} is not weighed for ${work.runtime}`;
  }
  const ruleTime = rule ? ` (${fmtMs(rule.prediction.wallMs)}, ${speedup(rule, sequentialMs)})` : '';
  return `The rule of thumb for ${kind} work is ${ruleModel}${ruleTime}, but the numbers favour ${chosen.plan.model}: ${why}.`;
}


export function rationaleFor(work: Work, costs: Costs, kind: WorkKind, share: number, chosen: Estimate, estimates: Estimate[], sequentialMs: number): string[] {
  const hasGil = RUNTIME_TRAITS[work.runtime].hasGil;
  const sentences = [
    `Each task spends ${fmt(work.cpuMs)} ms on CPU and ${fmt(work.waitMs)} ms waiting: ${fmt(share * 100)}% CPU, so the work is ${kind}.` +
      (hasGil && work.gilReleasedShare > 0 ? ` ${fmt(work.gilReleasedShare * 100)}% of the CPU time releases the GIL.` : ''),
    `One after another, the ${fmt(work.tasks)} tasks take ${fmtMs(sequentialMs)}.`,
    !chosen.viable
      ? `No model satisfies every constraint (see the warnings): ${MODEL_LABEL[chosen.plan.model]} (${describePlan(chosen)}, ${fmtMs(chosen.prediction.wallMs)}) is shown only for its sizes.`
      : chosen.plan.model === 'sequential'
      ? `Sequential is recommended: no pool is predicted to beat its ${fmtMs(sequentialMs)} by more than ${SIMPLER_WITHIN * 100}%.`
      : `${MODEL_LABEL[chosen.plan.model]} (${describePlan(chosen)}) is predicted at ${fmtMs(chosen.prediction.wallMs)}, ${speedup(chosen, sequentialMs)} faster than sequential${chosen.prediction.startupMs > 0 ? `, including ${fmtMs(chosen.prediction.startupMs)} of pool start-up` : ''}; ${limitOf(chosen, work)}.`,
  ];
  const viable = estimates.filter((e) => e.viable);
  const fastest = viable.length > 0 ? fastestOf(viable) : undefined;
  if (fastest && fastest !== chosen) {
    const gain = (1 - fastest.prediction.wallMs / chosen.prediction.wallMs) * 100;
    const withinWall = fastest.prediction.wallMs * (1 + SIMPLER_WITHIN) >= chosen.prediction.wallMs;
    sentences.push(
      withinWall
        ? `${MODEL_LABEL[fastest.plan.model]} (${describePlan(fastest)}) would be ${fmt(gain)}% faster (${fmtMs(fastest.prediction.wallMs)}), within the ${SIMPLER_WITHIN * 100}% margin where the simpler model is preferred.`
        : `${MODEL_LABEL[fastest.plan.model]} (${describePlan(fastest)}) would take ${fmtMs(fastest.prediction.wallMs)}, but that gain of ${fmtMs(chosen.prediction.wallMs - fastest.prediction.wallMs)} is under ${NEGLIGIBLE_GAIN_OF_SEQUENTIAL * 100}% of the sequential ${fmtMs(sequentialMs)}, so the simpler model is preferred.`,
    );
  }
  if ((chosen.plan.model === 'processes' || chosen.plan.model === 'hybrid') && chosen.plan.chunkSize > 1) {
    const perTaskMs = work.cpuMs + work.waitMs;
    sentences.push(
      `Tasks go to the processes in chunks of ${fmt(chosen.plan.chunkSize)} (${fmtMs(chosen.plan.chunkSize * perTaskMs)} of work each), so one ${fmt(costs.processDispatchMs)} ms message round trip is shared by the chunk${perTaskMs < costs.processDispatchMs ? `; one message per ${fmt(perTaskMs)} ms task would cost more than the task` : ''}.`,
    );
  }
  // A plan that breaks a constraint is not favoured by the numbers, only shown.
  const note = chosen.viable ? ruleOfThumbNote(kind, chosen, estimates, work, sequentialMs) : undefined;
  if (note) sentences.push(note);
  return sentences;
}
