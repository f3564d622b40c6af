import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadCases, PREDICTION_WITHIN, scoreCase } from '../../../bench/score-model.js';
import { AGREEMENT_WITHIN } from '../../../src/advisor/verdict.js';

// Real CPython runs on this machine's kind, recorded by `python3 bench/python/harness.py` (see
// docs/benchmarks.md). The model must keep agreeing with them as it changes.
const cases = loadCases('bench/python/results.json');

test('the recorded harness run covers the workloads the model must get right', () => {
  const ids = cases.map((c) => c.id).join(' ');
  for (const kind of ['pure-cpu', 'hash', 'zlib', 'sleep', 'http', 'mixed', 'tiny', 'payload']) {
    assert.ok(ids.includes(kind), `a ${kind} case`);
  }
});

test(`the advice is the measured fastest model, or within ${AGREEMENT_WITHIN * 100}% of it, in nine cases of ten`, () => {
  const scores = cases.map(scoreCase);
  const misses = scores
    .filter((s) => !s.agrees)
    .map((s) => `${s.id}: advised ${s.advised} ${s.advisedSizes} measured ${s.measuredMs.toFixed(0)} ms, ${s.advisedOverFastest.toFixed(2)}x the fastest (${s.fastest})`);
  assert.ok(scores.length - misses.length >= Math.ceil(scores.length * 0.9), misses.join('; '));
});

test(`most predictions come within ${PREDICTION_WITHIN * 100}% of the measured wall time`, () => {
  const scores = cases.map(scoreCase);
  const close = scores.filter((s) => Math.abs(s.predictionError) <= PREDICTION_WITHIN);
  const misses = scores.filter((s) => !close.includes(s)).map((s) => `${s.id} ${(s.predictionError * 100).toFixed(0)}%`);
  assert.ok(close.length >= Math.ceil(scores.length * 0.8), `within ${PREDICTION_WITHIN * 100}%: ${close.length}/${scores.length}; misses: ${misses.join(', ')}`);
});
