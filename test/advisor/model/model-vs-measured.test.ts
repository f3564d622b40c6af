import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  agreementOf,
  disturbedShare,
  loadCases,
  MAX_DISTURBED_SHARE,
  medianAbsError,
  PREDICTION_WITHIN,
  RESULT_FILES,
  scoreCase,
} from '../../../bench/score-model.js';
import { AGREEMENT_WITHIN } from '../../../src/advisor/verdict.js';

// Real runs on this machine's kind, recorded by `npm run bench:model` (bench/python/harness.py under CPython on 2
// cores and on 1, under PyPy, and bench/node/harness.ts; see docs/benchmarks.md). The model must keep agreeing
// with every runtime's as it changes. A run whose repetitions others disturbed beyond MAX_DISTURBED_SHARE (the
// harness records their CPU from /proc/stat) measured them as much as the pools: the model is not held to it.
for (const { file, title } of RESULT_FILES) {
  describe(title, () => {
    const cases = loadCases(file);
    const scores = cases.map(scoreCase);
    const share = disturbedShare(cases);
    const underLoad = share !== null && share > MAX_DISTURBED_SHARE;
    const scored = underLoad ? { skip: `${(share * 100).toFixed(0)}% of its repetitions were disturbed by other programs` } : {};

    test('the recorded run covers at least six workloads, each measured twice', () => {
      assert.ok(cases.length >= 6, `${cases.length} cases`);
      for (const c of cases) {
        const sequential = c.runs.find((r) => r.model === 'sequential');
        assert.ok((sequential?.repeats?.length ?? 0) >= 2, `${c.id}: sequential measured ${sequential?.repeats?.length} times`);
      }
    });

    test(`the advice is the measured fastest model, or within ${AGREEMENT_WITHIN * 100}% of it, in all cases but one`, scored, () => {
      const misses = scores
        .filter((s) => !s.agrees)
        .map((s) => `${s.id}: advised ${s.advised} ${s.advisedSizes} measured ${s.measuredMs.toFixed(0)} ms, ${s.advisedOverFastest.toFixed(2)}x the fastest (${s.fastest})`);
      assert.ok(agreementOf(scores) >= scores.length - 1, misses.join('; '));
    });

    test(`the advised model's median prediction error is within ${PREDICTION_WITHIN * 100}%`, scored, () => {
      const errors = scores.map((s) => `${s.id} ${(s.predictionError * 100).toFixed(0)}%`).join(', ');
      assert.ok(medianAbsError(scores) <= PREDICTION_WITHIN, errors);
    });
  });
}
