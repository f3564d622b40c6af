import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { Corpus } from '../corpus/corpus.js';
import { CORPUS_PATH } from '../corpus/profiles.js';
import type { ProfileInput } from '../../../src/advisor/profile.js';
import { adviceFor } from '../../helpers/advice.js';

/**
 * The sentences that name a GIL, an event loop or the cores as the limit give figures a reader adds up: what
 * each task holds the GIL or loop (its CPU and the overhead) and what all the tasks hold it; the batch's CPU
 * and what it keeps each core busy; then the waits on top. They add up to the wall the row predicts at the
 * precision they are written in, or to within the 5% by which another bound tied with it sets the wall.
 */
const corpus = JSON.parse(readFileSync(CORPUS_PATH, 'utf8')) as Corpus;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, min: 60_000, h: 3_600_000 };
const FIGURE = String.raw`([\d,]+(?:\.\d+)?) (ms|s|min|h)`;

/** A figure as the sentence writes it ("1,234 ms", "2.5 min"), read back in ms. */
function ms(value: string | undefined, unit: string | undefined): number {
  assert.ok(value !== undefined && unit !== undefined, 'a figure the sentence should give is missing');
  return Number(value.replaceAll(',', '')) * (UNIT_MS[unit] ?? NaN);
}

/** "the one task", "the 1,489 tasks". */
function tasksOf(written: string | undefined): number {
  return written === 'one' ? 1 : Number(written?.replaceAll(',', ''));
}

const TIED_BOUND_SHARE = 0.05;

/** The named bound's time is the wall's, or short of it by a tie. */
function assertWithinTie(namedMs: number, wallMs: number, where: string) {
  assert.ok(namedMs <= wallMs * 1.011 + 0.1 && namedMs >= wallMs * (1 - TIED_BOUND_SHARE) - 0.1, `the wall, ${where}: ${namedMs} against ${wallMs}`);
}

/** Written to 3 significant figures (and batch times to 0.1 ms), a figure is within 0.5% of the truth, a sum of them within about 1%. */
function assertClose(actual: number, expected: number, what: string) {
  assert.ok(Math.abs(actual - expected) <= 0.011 * Math.max(actual, expected) + 0.05, `${what}: ${actual} against ${expected}`);
}

/** A row's wall time without its start-up, from the head of its reason. */
const WALL = new RegExp(String.raw`^${FIGURE}(?: including ${FIGURE} of pool start-up)?: `);

function wallOf(reason: string, where: string): number {
  const m = WALL.exec(reason);
  assert.ok(m, `unexpected sentence, ${where}`);
  return ms(m[1], m[2]) - (m[3] ? ms(m[3], m[4]) : 0);
}

/** The corpus's viable rows with the bottleneck named, each with its reason and where it came from. */
function rowsNamed(bottlenecks: string[]) {
  return corpus.entries.flatMap(({ profile, advice }) =>
    advice.estimates
      .filter((row) => row.viable && bottlenecks.includes(row.bottleneck))
      .map((row) => {
        const reason = row.reason ?? '';
        return { reason, where: `${JSON.stringify(profile)} ${row.model} ${row.processes}x${row.threadsPerProcess}: ${reason}` };
      }),
  );
}

const SENTENCE = new RegExp(
  String.raw`^${FIGURE}(?: including ${FIGURE} of pool start-up)?: each task holds (?:the|its process's) (GIL|event loop) ${FIGURE}` +
    String.raw`(?: \((?:${FIGURE} of its CPU and ${FIGURE} (?:to hand it to a thread|of the loop's own overhead)|[^)]*)\))?` +
    String.raw`, one (?:thread|task) at a time: (.*)\.$`,
);
const HELD = new RegExp(String.raw`^(?:the busiest process's|the) ([\d,]+|one) tasks? holds? it ${FIGURE}, ${FIGURE} with the waits that leave it idle$`);
const BUSY = new RegExp(String.raw`^${FIGURE} (?:for the ([\d,]+|one) tasks?|a process on average)(?:, then the last task waits ${FIGURE})?$`);
const CORES = new RegExp(
  String.raw`: the batch's ${FIGURE} of CPU(?: and ${FIGURE} of overhead \(dispatch, messages\))? keeps? (?:([\d,]+) cores?|the ([\d,]+) of [\d,]+ cores its workers can use) busy ${FIGURE}` +
    String.raw`(?:, and ${FIGURE} more switching among more runnable threads than cores)?(?:, then the last task waits ${FIGURE})?\.$`,
);

const HELD_AT = String.raw`(?:([\d,]+) (?:process|processes|thread|threads) runs? one task(?: each)? at a time|([\d,]+) tasks? (?:at a time|in flight))`;
const TASKS_TAKE = new RegExp(
  String.raw`${HELD_AT}, so the ([\d,]+) tasks (?:of ${FIGURE} )?take ${FIGURE}(?:: ([\d,]+) rounds? of ${FIGURE}, where a task alone takes ${FIGURE})?\.$`,
);

describe('the figures of the limit each reason names', () => {
  test('over the corpus, each GIL or loop reason adds up: per task, over the tasks, and with the waits to the wall', () => {
    const rows = rowsNamed(['gil', 'event-loop']);
    // The corpus names a GIL or loop in hundreds of rows: a sentence this test no longer reads fails below.
    assert.ok(rows.length > 300, `${rows.length} rows`);
    for (const { reason, where } of rows) {
      const wallMs = wallOf(reason, where);
      const m = SENTENCE.exec(reason);
      assert.ok(m, `unexpected sentence, ${where}`);
      const perTaskMs = ms(m[6], m[7]);
      if (m[8]) assertClose(ms(m[8], m[9]) + ms(m[10], m[11]), perTaskMs, `the parts of a task's hold, ${where}`);
      const rest = m[12] ?? '';
      const held = HELD.exec(rest);
      if (held) {
        const heldMs = ms(held[2], held[3]);
        assertClose(heldMs, tasksOf(held[1]) * perTaskMs, `what the tasks hold it, ${where}`);
        assert.ok(ms(held[4], held[5]) > heldMs, `the waits add time, ${where}`);
        assertWithinTie(ms(held[4], held[5]), wallMs, where);
        continue;
      }
      const busy = BUSY.exec(rest);
      assert.ok(busy, `unexpected figures, ${where}`);
      const busyMs = ms(busy[1], busy[2]);
      if (busy[3] !== undefined) assertClose(busyMs, tasksOf(busy[3]) * perTaskMs, `what the tasks hold it, ${where}`);
      assertWithinTie(busyMs + (busy[4] ? ms(busy[4], busy[5]) : 0), wallMs, where);
    }
  });

  test('over the corpus, each cores reason adds up: the CPU over the cores, the switching and the waits to the wall', () => {
    const rows = rowsNamed(['cores']);
    assert.ok(rows.length > 100, `${rows.length} rows`);
    for (const { reason, where } of rows) {
      const wallMs = wallOf(reason, where);
      const m = CORES.exec(reason);
      assert.ok(m, `unexpected sentence, ${where}`);
      const cpuMs = ms(m[1], m[2]) + (m[3] ? ms(m[3], m[4]) : 0);
      const cores = Number((m[5] ?? m[6] ?? '').replaceAll(',', ''));
      const busyMs = ms(m[7], m[8]);
      assertClose(busyMs, cpuMs / cores, `the CPU over the cores, ${where}`);
      assertWithinTie(busyMs + (m[9] ? ms(m[9], m[10]) : 0) + (m[11] ? ms(m[11], m[12]) : 0), wallMs, where);
    }
  });

  test('over the corpus, each workers or concurrency-limit reason adds up: the rounds of tasks on the slots to the wall', () => {
    const rows = rowsNamed(['workers', 'concurrency-limit']).filter(({ reason }) => !/tasks run at once|the one task/.test(reason));
    assert.ok(rows.length > 300, `${rows.length} rows`);
    let withRounds = 0;
    for (const { reason, where } of rows) {
      const wallMs = wallOf(reason, where);
      const m = TASKS_TAKE.exec(reason);
      assert.ok(m, `unexpected sentence, ${where}`);
      const slots = Number((m[1] ?? m[2] ?? '').replaceAll(',', ''));
      const rounds = Math.ceil(tasksOf(m[3]) / slots);
      const takesMs = ms(m[6], m[7]);
      assertWithinTie(takesMs, wallMs, where);
      if (m[8] === undefined) {
        // A task's own time, round after round, is the batch's to within the 2% under which rounds are not named.
        const taskMs = ms(m[4], m[5]);
        assert.ok(takesMs <= rounds * taskMs * 1.031 + 0.1, `the tasks of their own time, ${where}`);
        continue;
      }
      withRounds++;
      assert.equal(Number(m[8].replaceAll(',', '')), rounds, `the rounds on ${slots} slots, ${where}`);
      assertClose(rounds * ms(m[9], m[10]), takesMs, `the rounds, ${where}`);
      assert.ok(ms(m[9], m[10]) > ms(m[11], m[12]), `a round takes longer than a task alone, ${where}`);
    }
    assert.ok(withRounds > 50, `${withRounds} rows name their rounds`);
  });

  test("a dispatcher that copies each task's payload: what it spends a task, over the tasks, is the time it names", () => {
    const DISPATCHER = new RegExp(
      String.raw`the dispatcher (?:serialises|clones) [\d.,]+ [kMG]?B per task(?:, ${FIGURE} each(?:, more than [^,]*)?,| \(${FIGURE}(?:, more than [^)]*)?\) and spends ${FIGURE} on each in all,) one task at a time: ${FIGURE} for the ([\d,]+) tasks\.$`,
    );
    const profiles: ProfileInput[] = [
      { tasks: 10_000, cpuMsPerTask: 8, runtime: 'node', cores: 8, payloadBytesPerTask: 2_000_000 },
      { tasks: 2_000, cpuMsPerTask: 20, cores: 8, payloadBytesPerTask: 8_000_000 },
    ];
    const rows = profiles.flatMap((profile) => adviceFor(profile).estimates.filter((e) => e.viable && e.bottleneck === 'dispatcher'));
    assert.ok(rows.length >= 4, `${rows.length} rows`);
    for (const row of rows) {
      const m = DISPATCHER.exec(row.reason ?? '');
      assert.ok(m, row.reason);
      const eachMs = m[1] ? ms(m[1], m[2]) : ms(m[5], m[6]);
      if (m[3]) assert.ok(ms(m[3], m[4]) <= eachMs, `the copy is part of what a task costs it: ${row.reason}`);
      // 10,000 tasks of 2.16 ms are the 21.6 s it names (the copy's 4.01 ms, both sides, was written before).
      assertClose(eachMs * Number(m[9]!.replaceAll(',', '')), ms(m[7], m[8]), row.reason ?? '');
    }
  });

  test('200 calls of 0.1 ms CPU and 20 ms wait on asyncio: the loop time counts its own overhead, then the last wait', () => {
    const advice = adviceFor({ tasks: 200, cpuMsPerTask: 0.1, waitMsPerTask: 20, cores: 2 });
    const row = advice.estimates.find((e) => e.model === 'async' && e.inner !== 'threads');
    assert.equal(row?.bottleneck, 'event-loop');
    assert.match(row?.reason ?? '', /holds the event loop 0\.151 ms \(0\.1 ms of its CPU and 0\.051 ms of the loop's own overhead\)/);
    assert.match(row?.reason ?? '', /30\.2 ms for the 200 tasks, then the last task waits 20 ms\.$/);
  });

  test("the README's profile on a hybrid: the busiest process's chunks, and the idle waits at their ends", () => {
    const advice = adviceFor({ tasks: 500, cpuMsPerTask: 100, waitMsPerTask: 200, cores: 8 });
    assert.equal(advice.recommendation.chunkSize, 16);
    const row = advice.estimates.find((e) => e.model === 'hybrid' && e.inner === 'async');
    // 500 tasks in chunks of 16 are 32 chunks over 8 processes: 4 chunks, 64 tasks, on the busiest.
    const held = /the busiest process's 64 tasks hold it 6\.4 s, (\d+\.\d+) s with the waits that leave it idle/.exec(row?.reason ?? '');
    assert.ok(held, row?.reason);
    // The waits add to the 6.4 s the loop is held, up to the row's wall less its start-up.
    assert.ok(Number(held[1]) > 6.4 && Number(held[1]) * 1000 <= row!.predictedWallMs, row?.reason);
  });
});
