import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readFileSync } from 'node:fs';
import { count, fmt, fmtBytes, fmtMs, fmtTaskMs, roundMs, roundNumbers, roundSignificant } from '../../src/advisor/format.js';
import type { Corpus } from './corpus/corpus.js';
import { CORPUS_PATH } from './corpus/profiles.js';

describe('numbers rounded to what they mean', () => {
  test('3 significant figures, as the nearest double to the decimal', () => {
    assert.equal(roundSignificant(0.3333333333333333), 0.333);
    assert.equal(roundSignificant(375.7145930126142), 376);
    assert.equal(roundSignificant(1.9995656986626429), 2);
    assert.equal(roundSignificant(7.905959582598734), 7.91);
    assert.equal(roundSignificant(123456.7), 123000);
    assert.equal(roundSignificant(0.00012345), 0.000123);
    assert.equal(roundSignificant(-41.92), -41.9);
    assert.equal(roundSignificant(0), 0);
  });

  test('milliseconds to 0.1 ms below a second, 3 significant figures from there', () => {
    assert.equal(roundMs(41.920899999999996), 41.9);
    assert.equal(roundMs(0.04), 0);
    assert.equal(roundMs(999.94), 999.9);
    assert.equal(roundMs(999.96), 1000);
    assert.equal(roundMs(7425.067433208868), 7430);
    assert.equal(roundMs(61322.60947189562), 61300);
  });

  test('sentences: counts exact and grouped, fractions to 3 figures, never an exponent', () => {
    assert.equal(fmt(2000), '2,000');
    assert.equal(fmt(1_000_000_000), '1,000,000,000');
    assert.equal(fmt(41.920899999999996), '41.9');
    assert.equal(fmt(1.6393442622950818), '1.64');
    assert.equal(fmt(30740.337), '30,700');
    assert.equal(fmt(1e-7), '0.0000001');
    assert.equal(fmt(-1234.5), '-1,230');
    assert.equal(fmt(0), '0');
  });

  test('durations choose their unit after rounding, and small overheads keep their figure', () => {
    assert.equal(fmtMs(41.920899999999996), '41.9 ms');
    assert.equal(fmtMs(0.08), '0.08 ms');
    assert.equal(fmtMs(0), '0 ms');
    assert.equal(fmtMs(999.96), '1 s');
    assert.equal(fmtMs(61322.6), '61.3 s');
    assert.equal(fmtMs(610_000), '10.2 min');
    assert.equal(fmtMs(20_200_000), '5.61 h');
    assert.equal(fmtBytes(50_000_000), '50 MB');
    assert.equal(fmtBytes(1_234_567), '1.23 MB');
  });

  test('plurals agree with the count', () => {
    assert.equal(count(1, 'process', 'processes'), '1 process');
    assert.equal(count(8, 'process', 'processes'), '8 processes');
    assert.equal(count(1, 'core'), '1 core');
    assert.equal(count(2000, 'task'), '2,000 tasks');
  });

  test('one pass rounds a reply by its field names (per-task costs to 3 figures, not to 0.1 ms), leaving counts and text alone', () => {
    const reply = {
      tasks: 2000,
      cpuShare: 0.3333333333333333,
      predictedWallMs: 7425.067433208868,
      estimates: [{ startupMs: 30.84999, predictedSpeedup: 375.7145930126142, processes: 7 }],
      resolved: { cpuMsPerTask: 41.920899999999996, waitMsPerTask: 0.0051234, gilReleasedShare: 0.95 },
      rationale: ['41.920899999999996 stays as written in text'],
    };
    assert.deepEqual(roundNumbers(reply), {
      tasks: 2000,
      cpuShare: 0.333,
      predictedWallMs: 7430,
      estimates: [{ startupMs: 30.8, predictedSpeedup: 376, processes: 7 }],
      resolved: { cpuMsPerTask: 41.9, waitMsPerTask: 0.00512, gilReleasedShare: 0.95 },
      rationale: ['41.920899999999996 stays as written in text'],
    });
  });
});

describe('rounding at the edges of a double', () => {
  test('durations and ratios round by their field even when whole; extreme magnitudes stay finite', () => {
    assert.deepEqual(roundNumbers({ predictedWallMs: 34430, predictedSpeedup: 1234, processes: 1234 }), {
      predictedWallMs: 34400,
      predictedSpeedup: 1230,
      processes: 1234,
    });
    assert.equal(roundSignificant(1.234e-320), 1.23e-320);
    assert.equal(roundSignificant(5.678e300), 5.68e300);
    assert.equal(roundSignificant(Number.POSITIVE_INFINITY), Number.POSITIVE_INFINITY);
  });
});

describe('per-task costs', () => {
  test('keep 3 significant figures below a second, where 0.1 ms steps would blur them', () => {
    assert.equal(fmtTaskMs(0.122), '0.122 ms');
    assert.equal(fmtTaskMs(0.0221), '0.0221 ms');
    assert.equal(fmtTaskMs(41.920899999999996), '41.9 ms');
    assert.equal(fmtTaskMs(305.25), '305 ms');
    assert.equal(fmtTaskMs(30_000), '30 s');
  });
});

describe('figures in sentences', () => {
  test("every figure of four digits or more in the corpus's sentences has its thousands grouped", () => {
    // Code in a sentence (chunksize=1000, OMP_NUM_THREADS=4) keeps its literal: a digit after '=', '_' or a letter.
    const ungrouped = /(?<![\d.,=_A-Za-z])\d{4,}(?!\d|,\d)/;
    const corpus = JSON.parse(readFileSync(CORPUS_PATH, 'utf8')) as Corpus;
    let sentences = 0;
    for (const { advice } of corpus.entries) {
      const texts = [...advice.rationale, ...advice.warnings, ...advice.practices.map((p) => p.detail), ...advice.estimates.map((e) => e.reason ?? '')];
      for (const text of texts) {
        assert.doesNotMatch(text, ungrouped);
        sentences++;
      }
    }
    assert.ok(sentences > 5000, `${sentences} sentences`);
  });
});
