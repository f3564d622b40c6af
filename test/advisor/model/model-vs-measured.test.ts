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
// with every runtime's as it changes. A run whose repetitions were disturbed beyond MAX_DISTURBED_SHARE (the
// harness records other programs' CPU from /proc/stat and the CPU's own speed around each run) measured them as
// much as the pools: the model is not held to it.
for (const { file, title } of RESULT_FILES) {
  describe(title, () => {
    const cases = loadCases(file);
    const scores = cases.map(scoreCase);
    const share = disturbedShare(cases);
    const underLoad = share !== null && share > MAX_DISTURBED_SHARE;
    const scored = underLoad ? { skip: `${(share * 100).toFixed(0)}% of its repetitions were disturbed (by other programs, or the CPU's own speed moving)` } : {};

    test('the recorded run covers at least six workloads, each measured twice', () => {
      assert.ok(cases.length >= 6, `${cases.length} cases`);
      for (const c of cases) {
        const sequential = c.runs.find((r) => r.model === 'sequential');
        assert.ok((sequential?.repeats?.length ?? 0) >= 2, `${c.id}: sequential measured ${sequential?.repeats?.length} times`);
      }
    });

    // A run recorded before the harness swept a model (asyncio for Python) cannot score advice for it; such cases
    // are left out of the two scores below, and only one may be, so a run is recorded again when the advice moves.
    test('the advised model was measured in all cases but one', () => {
      const never = scores.filter((s) => !s.measured).map((s) => `${s.id}: ${s.advised}`);
      assert.ok(never.length <= 1, `advised but never run: ${never.join('; ')}`);
    });

    test(`the advice is the measured fastest model, or within ${AGREEMENT_WITHIN * 100}% of it, in all measured cases but one`, scored, () => {
      const measured = scores.filter((s) => s.measured);
      const misses = measured
        .filter((s) => !s.agrees)
        .map((s) => `${s.id}: advised ${s.advised} ${s.advisedSizes} measured ${s.measuredMs.toFixed(0)} ms, ${s.advisedOverFastest.toFixed(2)}x the fastest (${s.fastest})`);
      assert.ok(agreementOf(measured) >= measured.length - 1, misses.join('; '));
    });

    test(`the advised model's median prediction error is within ${PREDICTION_WITHIN * 100}%`, scored, () => {
      const errors = scores.map((s) => `${s.id} ${(s.predictionError * 100).toFixed(0)}%`).join(', ');
      assert.ok(medianAbsError(scores) <= PREDICTION_WITHIN, errors);
    });
  });
}
