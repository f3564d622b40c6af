import { RULE_OF_THUMB, type WorkKind } from '../classify.js';
import type { Costs } from '../costs/index.js';
import { count, fmt, fmtBytes, fmtMs, fmtTaskMs, roundSignificant } from '../format.js';
import type { Bottleneck } from '../model/estimate.js';
import { fastestOf, NEGLIGIBLE_GAIN_OF_SEQUENTIAL, SIMPLER_WITHIN, type Estimate } from '../recommend.js';
import { RUNTIME_TRAITS, simplicityRank } from '../runtimes.js';
import { computeWallMs, type Work } from '../work.js';
import { describePlan, innerOf, limitOf, MODEL_LABEL, speedup } from './describe.js';

/** A task whose CPU on all the cores takes no more than this over its share of them keeps them all busy. */
const ALL_CORES_BUSY = 1.05;

/** Everything the sentences are written from. */
interface Decision {
  work: Work;
  costs: Costs;
  chosen: Estimate;
  estimates: Estimate[];
  sequentialMs: number;
}

/**
 * Why the rule's model loses to the chosen one, named by its cause: the one thing about the profile that makes
 * the rule wrong here, before falling back to the rule's own limit in numbers.
 */
function whyNotRule(rule: Estimate, { work, costs, chosen }: Decision): string {
  const ruleModel = rule.plan.model;
  const usesProcesses = ruleModel === 'processes' || ruleModel === 'hybrid';
  if (work.tasks === 1) return 'there is only the one task, so no pool has anything to run beside it';
  if (work.maxConcurrency === 1) return 'maxConcurrency is 1, so only one task may run at a time whatever the pool';
  if (!rule.viable) return `${ruleModel === 'hybrid' ? 'a hybrid is' : `${ruleModel} are`} ruled out: ${(rule.notViable ?? '').replace(/\.$/, '')}`;
  if (work.cores === 1 && (usesProcesses || work.waitMs === 0)) {
    return `there is only 1 core, so ${ruleModel === 'hybrid' ? "a hybrid's workers" : ruleModel} would take turns on it and add their own overhead`;
  }
  // Only where nearly all of the task's CPU spreads over its threads: under a GIL the held share runs on one.
  if (work.threadsPerTask >= work.cores && work.waitMs === 0 && computeWallMs(work, work.cores) * work.cores <= ALL_CORES_BUSY * work.cpuMs) {
    return `each task's ${fmt(work.threadsPerTask)} native threads already keep all ${count(work.cores, 'core')} busy`;
  }
  const { prediction } = rule;
  if (usesProcesses && prediction.payloadMsPerTask > 0 && prediction.payloadMsPerTask >= 0.5 * work.cpuMs) {
    return `sending each task's ${fmtBytes(work.payloadBytes)} to a process and back costs ${fmtTaskMs(prediction.payloadMsPerTask)} of serialising, against ${fmtTaskMs(work.cpuMs)} of CPU in the task`;
  }
  if (prediction.startupMs > 0 && prediction.wallMs - prediction.startupMs <= chosen.prediction.wallMs) {
    const pool = ruleModel === 'hybrid' ? 'a hybrid pool' : count(rule.plan.processes, 'process', 'processes');
    return `the ${fmtMs(prediction.startupMs)} it takes to start ${pool} costs more than ${ruleModel === 'hybrid' || rule.plan.processes === 1 ? 'it' : 'they'} would save`;
  }
  if (prediction.bottleneck === 'dispatcher' && prediction.payloadMsPerTask === 0) {
    const handOffMs = usesProcesses ? costs.processItemMs : costs.threadDispatchMs;
    if (handOffMs >= work.cpuMs + work.waitMs) {
      return `handing a task to a ${usesProcesses ? 'process' : 'thread'} costs ${fmtTaskMs(handOffMs)}, more than the ${fmtTaskMs(work.cpuMs + work.waitMs)} task itself`;
    }
  }
  return withRuleModel(rule, work, costs);
}

/**
 * What limits the rule of thumb's model, in its own figures, with its pool's start-up where it has one: the
 * sentence gives its time with the start-up included.
 */
function withRuleModel(rule: Estimate, work: Work, costs: Costs): string {
  const { startupMs } = rule.prediction;
  const model = rule.plan.model === 'hybrid' ? 'a hybrid' : rule.plan.model;
  return `with ${model}, ${limitOf(rule, work, costs)}${startupMs > 0 ? `, after ${fmtMs(startupMs)} of pool start-up` : ''}`;
}

/** Where the article's rule of thumb and the numbers part, the reply says what decided. */
/** Why threads compute side by side, where they do: a GIL the CPU releases, or none; undefined under a held GIL. */
function threadsComputeInParallel(work: Work): string | undefined {
  const { hasGil, name } = RUNTIME_TRAITS[work.runtime];
  if (!hasGil) return `${name} has no GIL, so threads compute in parallel and start faster than processes`;
  return work.gilReleasedShare > 0
    ? `${fmt(work.gilReleasedShare * 100)}% of the CPU time runs in native code that releases the GIL, so threads compute in parallel without process start-up and serialisation`
    : undefined;
}

function ruleOfThumbNote(kind: WorkKind, decision: Decision): string | undefined {
  const { work, chosen, estimates, sequentialMs } = decision;
  const ruleModel = RULE_OF_THUMB[kind];
  if (chosen.plan.model === ruleModel) return undefined;
  const rule = estimates.find((e) => e.plan.model === ruleModel);
  if (!rule) return undefined;
  const ruleTime = rule.viable ? ` (${fmtMs(rule.prediction.wallMs)}, ${speedup(rule, sequentialMs)})` : '';
  // A rule model faster than the choice lost only to simplicity: the numbers do not favour the choice, but
  // where threads do about as well on CPU-bound work, why they can is worth saying.
  const ruleFaster = rule.viable && rule.prediction.wallMs < chosen.prediction.wallMs;
  if (ruleFaster) {
    const parallel = threadsComputeInParallel(work);
    if (kind !== 'cpu-bound' || chosen.plan.model !== 'threads' || !parallel) return undefined;
    return `The rule of thumb for ${kind} work is ${ruleModel}${ruleTime}, and threads do about as well: ${parallel}.`;
  }
  let why: string;
  if (kind === 'cpu-bound' && chosen.plan.model === 'threads' && rule.viable && work.cores > 1) {
    why = threadsComputeInParallel(work) ?? whyNotRule(rule, decision);
  } else if (chosen.plan.model === 'async' && rule.viable && work.tasks > 1 && work.maxConcurrency > 1) {
    const loop = RUNTIME_TRAITS[work.runtime].language === 'python' ? 'asyncio' : "Node's event loop";
    why = `${loop} overlaps the waits on one thread without a thread per task; ${withRuleModel(rule, work, decision.costs)}`;
  } else {
    why = whyNotRule(rule, decision);
  }
  return `The rule of thumb for ${kind} work is ${ruleModel}${ruleTime}, but the numbers favour ${chosen.plan.model}: ${why}.`;
}

/** The recommendation in one sentence, or, when no model meets the constraints, that none does and why. */
function verdict(decision: Decision, fastest: Estimate | undefined): string {
  const { work, costs, chosen, estimates, sequentialMs } = decision;
  if (!fastest) {
    const reasons = [...new Set(estimates.map((e) => e.notViable))].join(' ');
    return `No model satisfies every constraint: ${reasons} The plan shown, ${chosen.plan.model} (${describePlan(chosen)}, ${fmtMs(chosen.prediction.wallMs)}), is a place to start once a constraint is relaxed.`;
  }
  if (chosen.plan.model === 'sequential') {
    return fastest === chosen
      ? `Sequential is recommended: no pool is predicted to beat its ${fmtMs(sequentialMs)}.`
      : `Sequential is recommended at ${fmtMs(sequentialMs)}.`;
  }
  const startup = chosen.prediction.startupMs > 0 ? `, including ${fmtMs(chosen.prediction.startupMs)} of pool start-up` : '';
  return `${MODEL_LABEL[chosen.plan.model]} (${describePlan(chosen)}) is predicted at ${fmtMs(chosen.prediction.wallMs)}, ${speedup(chosen, sequentialMs)} faster than sequential${startup}; ${limitOf(chosen, work, costs)}.`;
}

/** The downstream's limits that can set a plan's time, by the bottleneck each names. */
const DOWNSTREAM_LIMITS = new Map<Bottleneck, string>([
  ['rate-limit', 'rate'],
  ['concurrency-limit', 'limit on tasks in flight'],
]);

/** Another plan as simple as the chosen one and this close to its time is as good a choice, for other code. */
const PEER_WITHIN = 0.01;

/**
 * A plan as simple as the chosen one, as fast to within PEER_WITHIN, that runs its tasks on the other inner
 * model (threads where the choice is an event loop, or the reverse): which of the two fits is a matter of the
 * tasks' clients, which the profile does not say. Unnamed where that other model is not the runtime's own way
 * to the same end (worker threads for the waits of a Node event loop).
 */
function peerNote(chosen: Estimate, others: Estimate[], work: Work): string | undefined {
  // Threads and a loop differ in how they wait: without waits, which one runs the tasks is no choice of code.
  if (chosen.plan.model === 'sequential' || work.waitMs === 0) return undefined;
  const inner = innerOf(chosen.plan);
  const peer = others.find(
    (e) =>
      e.viable &&
      innerOf(e.plan) !== inner &&
      simplicityRank(e.plan) === simplicityRank(chosen.plan) &&
      Math.abs(e.prediction.wallMs - chosen.prediction.wallMs) <= PEER_WITHIN * chosen.prediction.wallMs,
  );
  if (!peer) return undefined;
  const python = RUNTIME_TRAITS[work.runtime].language === 'python';
  const why = python
    ? inner === 'async'
      ? 'threads run blocking clients (requests, psycopg2) as they are, where an event loop needs async ones (aiohttp, asyncpg) end to end'
      : 'an event loop fits where the tasks\' clients are async end to end (aiohttp, asyncpg)'
    : inner === 'threads'
      ? 'an event loop holds the waits with no worker thread, and no heap, per task'
      : undefined;
  return why && `${MODEL_LABEL[peer.plan.model]} (${describePlan(peer)}) would take ${fmtMs(peer.prediction.wallMs)} too: ${why}.`;
}

export function rationaleFor(work: Work, costs: Costs, kind: WorkKind, share: number, chosen: Estimate, estimates: Estimate[], sequentialMs: number): string[] {
  const decision: Decision = { work, costs, chosen, estimates, sequentialMs };
  const hasGil = RUNTIME_TRAITS[work.runtime].hasGil;
  const viable = estimates.filter((e) => e.viable);
  const fastest = viable.length > 0 ? fastestOf(viable) : undefined;
  const sentences = [
    `Each task spends ${fmtTaskMs(work.cpuMs)} on CPU and ${fmtTaskMs(work.waitMs)} waiting: ${fmt(share * 100)}% CPU, so the work is ${kind}.` +
      (hasGil && work.gilReleasedShare > 0 ? ` ${fmt(work.gilReleasedShare * 100)}% of the CPU time releases the GIL.` : ''),
    work.tasks === 1
      ? `The one task takes ${fmtMs(sequentialMs)} on its own.`
      : `One after another, the ${fmt(work.tasks)} tasks take ${fmtMs(sequentialMs)}.`,
    verdict(decision, fastest),
  ];
  // Where the downstream sets the time, every plan that keeps up with it ties: the pool does not matter.
  const setByDownstream = DOWNSTREAM_LIMITS.get(chosen.prediction.bottleneck);
  const tied = viable.filter((e) => fmtMs(e.prediction.wallMs) === fmtMs(chosen.prediction.wallMs));
  const downstreamTie = setByDownstream !== undefined && tied.length > 1 && fastest !== undefined && tied.includes(fastest);
  if (downstreamTie) {
    sentences.push(
      `${fmt(tied.length)} of the ${fmt(viable.length)} plans take the same ${fmtMs(chosen.prediction.wallMs)}: the downstream's ${setByDownstream}, not the pool, sets the time, so the simplest is preferred.`,
    );
  } else if (fastest && fastest !== chosen && simplicityRank(fastest.plan) === simplicityRank(chosen.plan)) {
    // Node's loop kept over worker threads of the same rank (see choose).
    sentences.push(
      `${MODEL_LABEL[fastest.plan.model]} (${describePlan(fastest)}) ${
        fmtMs(fastest.prediction.wallMs) === fmtMs(chosen.prediction.wallMs)
          ? `would take the same ${fmtMs(fastest.prediction.wallMs)}`
          : `would be ${fmt(roundSignificant((1 - fastest.prediction.wallMs / chosen.prediction.wallMs) * 100, 2))}% faster (${fmtMs(fastest.prediction.wallMs)})`
      }, but worker threads each need a V8 heap and a client of their own, where the event loop holds every wait on one thread: within ${SIMPLER_WITHIN * 100}% the loop is kept.`,
    );
  } else if (fastest && fastest !== chosen) {
    const gain = (1 - fastest.prediction.wallMs / chosen.prediction.wallMs) * 100;
    const withinWall = fastest.prediction.wallMs * (1 + SIMPLER_WITHIN) >= chosen.prediction.wallMs;
    const faster = `${MODEL_LABEL[fastest.plan.model]} (${describePlan(fastest)})`;
    sentences.push(
      // A gain that does not show in the figures as written is no gain to name.
      fmtMs(fastest.prediction.wallMs) === fmtMs(chosen.prediction.wallMs)
        ? `${faster} would take the same ${fmtMs(fastest.prediction.wallMs)}, so the simpler model is preferred.`
        : withinWall
          ? `${faster} would be ${fmt(gain)}% faster (${fmtMs(fastest.prediction.wallMs)}), within the ${SIMPLER_WITHIN * 100}% margin where the simpler model is preferred.`
          : `${faster} would take ${fmtMs(fastest.prediction.wallMs)}, but that gain of ${fmtMs(chosen.prediction.wallMs - fastest.prediction.wallMs)} is under ${NEGLIGIBLE_GAIN_OF_SEQUENTIAL * 100}% of the sequential ${fmtMs(sequentialMs)}, so the simpler model is preferred.`,
    );
  }
  if (fastest && (chosen.plan.model === 'processes' || chosen.plan.model === 'hybrid') && chosen.plan.chunkSize > 1) {
    const perTaskMs = work.cpuMs + work.waitMs;
    sentences.push(
      `Tasks go to the processes in chunks of ${fmt(chosen.plan.chunkSize)} (${fmtMs(chosen.plan.chunkSize * perTaskMs)} of work each), so one ${fmtTaskMs(costs.processDispatchMs)} message round trip is shared by the chunk${perTaskMs < costs.processDispatchMs ? `; one message per ${fmtTaskMs(perTaskMs)} task would cost more than the task` : ''}.`,
    );
  }
  // The fastest is named above where it was not chosen; a peer is another plan.
  const peer = fastest === chosen && chosen.viable && !downstreamTie ? peerNote(chosen, estimates, work) : undefined;
  if (peer) sentences.push(peer);
  // A plan that breaks a constraint is not favoured by the numbers, only shown.
  const note = fastest && chosen.viable ? ruleOfThumbNote(kind, decision) : undefined;
  if (note) sentences.push(note);
  return sentences;
}
