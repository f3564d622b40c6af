import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AdviceSchema, type Advice } from '../../../src/advisor/advice.js';
import { fmtMs } from '../../../src/advisor/format.js';
import { adviceFor } from '../../helpers/advice.js';
import { SCENARIOS, type Scenario } from './scenarios.js';

/** The in-flight limit the issue states for a profile with none of its own: aiohttp's and httpx's 100. */
const DEFAULT_IN_FLIGHT = 100;
/** A recommendation may trade speed for simplicity, never by more than this (issue 10, the choice). */
const SLOWER_AT_MOST = 1.25;

type Plan = Pick<Advice['recommendation'], 'model' | 'processes' | 'threadsPerProcess' | 'chunkSize'> & {
  inner?: 'threads' | 'async';
  tasksInFlight?: number;
};

function inFlight(plan: Plan, advice: Advice): number {
  if (plan.tasksInFlight !== undefined) return plan.tasksInFlight;
  const workers = plan.model === 'sequential' ? 1 : plan.processes * plan.threadsPerProcess;
  return Math.min(workers, advice.resolved.tasks, advice.resolved.maxConcurrency ?? Number.POSITIVE_INFINITY);
}

const within = (value: number, [low, high]: [number, number]) => value >= low && value <= high;

/** Significant digits of a number as JSON writes it: 61300 has 3, 41.92 has 4. */
function significantDigits(value: number): number {
  const [mantissa] = Math.abs(value).toPrecision(15).split('e');
  return mantissa!.replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length;
}

/** Every number in the JSON rounded as the reply promises; returns the offenders. */
function unroundedNumbers(value: unknown, key = '', path = ''): string[] {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value === 0) return [];
    const ok = /Ms$/.test(key)
      ? Math.abs(value) < 1000
        ? Math.abs(value * 10 - Math.round(value * 10)) < 1e-6
        : significantDigits(value) <= 3
      : Number.isInteger(value) && !/(Speedup|Share|MsPerTask)$/.test(key)
        ? true
        : significantDigits(value) <= 3;
    return ok ? [] : [`${path} = ${value}`];
  }
  if (Array.isArray(value)) return value.flatMap((item, i) => unroundedNumbers(item, key, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => unroundedNumbers(v, k, path ? `${path}.${k}` : k));
  }
  return [];
}

/** Decimals in text with more figures than the reply's rounding leaves (999.9 ms is the most: 4). */
function unroundedInText(text: string): string[] {
  return [...text.matchAll(/(?<![\w.])\d[\d,_]*\.\d+/g)]
    .map(([number]) => number)
    .filter((number) => number.replace(/[,_.]/g, '').replace(/^0+/, '').replace(/0+$/, '').length > 4);
}

/** Words that disagree with the number before them. */
const BAD_PLURALS = /(?<![\d.,])1 (processes|cores|threads|tasks|workers|machines)\b|\bthe 1 tasks?\b/;

function allText(advice: Advice): string[] {
  return [
    ...advice.rationale,
    ...advice.warnings,
    ...advice.practices.map((p) => p.detail),
    ...advice.estimates.map((e) => e.reason ?? ''),
  ];
}

/** The checks every reply must pass, whatever the profile: fields that agree, numbers rounded, the limit kept. */
function assertInvariants(advice: Advice): void {
  AdviceSchema.parse(advice);
  const rec: Plan = advice.recommendation;
  const same = advice.estimates.find((e) => e.model === rec.model && (e as Plan).inner === rec.inner);
  assert.ok(same, `the recommended ${rec.model} is among the estimates`);
  assert.deepEqual(
    [same.processes, same.threadsPerProcess, same.chunkSize, same.predictedWallMs, same.predictedSpeedup],
    [rec.processes, rec.threadsPerProcess, rec.chunkSize, advice.recommendation.predictedWallMs, advice.recommendation.predictedSpeedup],
    'the recommendation and its estimate agree',
  );
  const viable = advice.estimates.filter((e) => e.viable);
  if (viable.length > 0) {
    assert.ok(same.viable, 'a viable model is recommended when there is one');
    const fastest = Math.min(...viable.map((e) => e.predictedWallMs));
    assert.ok(
      advice.recommendation.predictedWallMs <= fastest * SLOWER_AT_MOST,
      `${rec.model} at ${advice.recommendation.predictedWallMs} ms is more than ${SLOWER_AT_MOST}x the fastest viable ${fastest} ms`,
    );
    if (rec.model !== 'sequential') {
      assert.ok(
        advice.rationale.some((s) => s.includes(fmtMs(advice.recommendation.predictedWallMs))),
        `the rationale states the recommended ${fmtMs(advice.recommendation.predictedWallMs)}`,
      );
    }
    assert.ok(!advice.rationale.some((s) => /No model satisfies every constraint/.test(s)), 'no "nothing viable" when something is');
  } else {
    assert.ok(advice.rationale.some((s) => /^No model satisfies every constraint: /.test(s)), 'the rationale says nothing is viable, and why');
  }
  if (rec.model !== 'sequential') {
    assert.ok(!advice.rationale.some((s) => s.startsWith('Sequential is recommended')), 'the rationale recommends what the reply does');
  }
  for (const e of advice.estimates) {
    if (e.viable) assert.ok(e.reason?.startsWith(fmtMs(e.predictedWallMs)), `${e.model}'s reason starts with its own time: ${e.reason}`);
  }
  // A task that waits is waiting on something with a limit; pure CPU has no downstream to protect.
  const limit = advice.resolved.maxConcurrency ?? (advice.resolved.waitMsPerTask > 0 ? DEFAULT_IN_FLIGHT : Number.POSITIVE_INFINITY);
  for (const e of viable) assert.ok(inFlight(e, advice) <= limit, `${e.model} holds ${inFlight(e, advice)} in flight, over ${limit}`);

  assert.deepEqual(unroundedNumbers(advice), [], 'every number in the JSON is rounded');
  for (const text of [...allText(advice), advice.snippet.code]) {
    assert.deepEqual(unroundedInText(text), [], `rounded figures in: ${text.slice(0, 200)}`);
    assert.doesNotMatch(text, BAD_PLURALS);
  }
  assert.ok(!advice.warnings.some((w) => /buys nothing/.test(w)), 'no warning against the recommended size');

  // The snippet runs the recommended sizes.
  const code = advice.snippet.code;
  const sizes: Record<string, number> = {};
  for (const [, name, value] of code.matchAll(/^(?:const )?([A-Z_]+) = ([\d_]+)/gm)) sizes[name!] = Number(value!.replace(/_/g, ''));
  assert.equal(sizes.TASKS, advice.resolved.tasks, 'the snippet runs every task');
  if (rec.model === 'threads') assert.equal(sizes.THREADS, rec.threadsPerProcess);
  if (rec.model === 'async') assert.equal(sizes.IN_FLIGHT, rec.threadsPerProcess);
  if (rec.model === 'processes' || rec.model === 'hybrid') {
    assert.equal(sizes.PROCESSES, rec.processes);
    // A Python pool that isolates its tasks sends one a message and names no chunk size.
    if (sizes.CHUNK_SIZE === undefined) assert.ok(rec.chunkSize === 1 && /one per message/.test(code), 'the snippet sends the chunk size advised');
    else assert.equal(sizes.CHUNK_SIZE, rec.chunkSize);
  }
  if (rec.model === 'hybrid') assert.equal(sizes.THREADS_PER_PROCESS ?? sizes.IN_FLIGHT_PER_PROCESS, rec.threadsPerProcess);
}

/** What an expert accepts for this scenario. */
function assertAccepted(advice: Advice, { accept }: Scenario): void {
  const rec: Plan = advice.recommendation;
  const label = `${rec.model}${rec.inner ? `/${rec.inner}` : ''} ${rec.processes}x${rec.threadsPerProcess} chunk ${rec.chunkSize}`;
  assert.ok(accept.models.includes(rec.model), `${label}: an expert expects ${accept.models.join(' or ')}`);
  if (accept.inner && rec.model === 'hybrid') assert.ok(rec.inner && accept.inner.includes(rec.inner), `${label}: inner ${rec.inner}`);
  if (accept.inFlight) assert.ok(within(inFlight(rec, advice), accept.inFlight), `${label}: ${inFlight(rec, advice)} in flight, expected ${accept.inFlight}`);
  if (accept.processes) assert.ok(within(rec.processes, accept.processes), `${label}: processes expected ${accept.processes}`);
  if (accept.chunkSize && rec.model !== 'sequential') assert.ok(within(rec.chunkSize, accept.chunkSize), `${label}: chunk expected ${accept.chunkSize}`);
  if (accept.minSpeedup !== undefined) assert.ok(advice.recommendation.predictedSpeedup >= accept.minSpeedup, `${label}: speed-up ${advice.recommendation.predictedSpeedup}`);
  if (accept.wallMs) assert.ok(within(advice.recommendation.predictedWallMs, accept.wallMs), `${label}: ${advice.recommendation.predictedWallMs} ms, expected ${accept.wallMs}`);
  for (const pattern of accept.rationale ?? []) assert.ok(advice.rationale.some((s) => pattern.test(s)), `rationale ${pattern}:\n${advice.rationale.join('\n')}`);
  for (const pattern of accept.notRationale ?? []) assert.ok(!advice.rationale.some((s) => pattern.test(s)), `rationale has ${pattern}:\n${advice.rationale.join('\n')}`);
  for (const pattern of accept.warnings ?? []) assert.ok(advice.warnings.some((s) => pattern.test(s)), `warnings ${pattern}:\n${advice.warnings.join('\n')}`);
  for (const pattern of accept.notWarnings ?? []) assert.ok(!advice.warnings.some((s) => pattern.test(s)), `warnings have ${pattern}:\n${advice.warnings.join('\n')}`);
  for (const id of accept.practices ?? []) assert.ok(advice.practices.some((p) => p.id === id), `practice ${id}`);
  for (const pattern of accept.snippet ?? []) assert.match(advice.snippet.code, pattern);
}

describe('expert scenarios: everyday batches, each answered as a performance engineer would accept', () => {
  test('the suite covers at least 40 everyday profiles, every runtime and 1, 2, 8 and 64 cores', () => {
    assert.ok(SCENARIOS.length >= 40, `${SCENARIOS.length} scenarios`);
    const runtimes = new Set(SCENARIOS.map((s) => s.profile.runtime ?? 'cpython'));
    assert.deepEqual([...runtimes].sort(), ['cpython', 'cpython-free-threaded', 'node', 'pypy']);
    const cores = new Set(SCENARIOS.map((s) => s.profile.cores));
    for (const n of [1, 2, 8, 64]) assert.ok(cores.has(n), `${n} cores`);
  });

  for (const scenario of SCENARIOS) {
    test(scenario.name, () => {
      const advice = adviceFor(scenario.profile);
      assertAccepted(advice, scenario);
      assertInvariants(advice);
    });
  }
});
