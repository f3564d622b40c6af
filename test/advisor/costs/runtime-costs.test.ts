import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import calibration from '../../../python/calibration-pypy.json' with { type: 'json' };
import { CalibrationReportSchema, costsFromCalibration } from '../../../src/advisor/costs/cpython-calibration.js';
import { cpythonCosts } from '../../../src/advisor/costs/cpython.js';
import { pypyCosts } from '../../../src/advisor/costs/pypy.js';
import { adviceFor } from '../../helpers/advice.js';

// Each case is a profile the harness measured (`npm run bench:model`, docs/benchmarks.md) where the advice once
// named a model the measurement refuted; the test asserts the advice names the measured best.

describe('PyPy: its own calibration, not CPython figures', () => {
  test("the defaults are pypy3 python/calibrate.py's, through CPython's mapping", () => {
    const mapped = costsFromCalibration(CalibrationReportSchema.parse(calibration));
    for (const [name, entry] of Object.entries(mapped)) {
      assert.equal(pypyCosts[name as keyof typeof mapped].value, entry.value, name);
      assert.match(pypyCosts[name as keyof typeof mapped].source, /^python\/calibration-pypy\.json /, name);
    }
    // What makes PyPy's advice differ: its pool hand-off and pipe cost many times CPython's (9x and 26x in the
    // report of 2026-12-01: 0.0026 ms a task in a chunk against 0.00029, 46 ms per MiB against 1.8).
    assert.ok(pypyCosts.processItemMs.value > 5 * cpythonCosts.processItemMs.value);
    assert.ok(pypyCosts.serializeMsPerMB.value > 10 * cpythonCosts.serializeMsPerMB.value);
  });

  test('120,000 tasks of 4 us run fastest one after another on PyPy (412 ms; processes 719 ms), on processes on CPython', () => {
    const profile = { tasks: 120_000, cpuMsPerTask: 0.0034, waitMsPerTask: 0, cores: 2 };
    assert.equal(adviceFor({ ...profile, runtime: 'pypy' }).recommendation.model, 'sequential');
    assert.equal(adviceFor({ ...profile, runtime: 'cpython' }).recommendation.model, 'processes');
  });

  test('tiny-100000x5us (measured: sequential 122 ms, processes 1,156 ms, threads 2,304 ms): sequential', () => {
    const advice = adviceFor({ runtime: 'pypy', tasks: 100_000, cpuMsPerTask: 0.0006, waitMsPerTask: 0.0006, payloadBytesPerTask: 31, cores: 2 });
    assert.equal(advice.recommendation.model, 'sequential');
  });

  test('payload-in-32x2MiB+20ms (measured: threads 768 ms, sequential 847 ms, processes 5,454 ms): not processes', () => {
    const advice = adviceFor({ runtime: 'pypy', tasks: 32, cpuMsPerTask: 19.65, waitMsPerTask: 0, payloadBytesPerTask: 2_097_204, cores: 2 });
    assert.ok(['sequential', 'threads'].includes(advice.recommendation.model), advice.recommendation.model);
  });
});
