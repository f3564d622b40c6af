import assert from 'node:assert/strict';
import { test } from 'node:test';
import calibration from '../../../python/calibration.json' with { type: 'json' };
import { CalibrationReportSchema, costsFromCalibration } from '../../../src/advisor/costs/cpython-calibration.js';
import { cpythonCosts } from '../../../src/advisor/costs/cpython.js';
import { roundMeasured } from '../../../src/advisor/costs/measured.js';

const recorded = CalibrationReportSchema.parse(calibration);

test('measured figures keep two significant digits, whole numbers from 10 up', () => {
  assert.equal(roundMeasured(0.02249), 0.022);
  assert.equal(roundMeasured(0.00029), 0.00029);
  assert.equal(roundMeasured(5.605), 5.6);
  assert.equal(roundMeasured(91.69), 92);
  assert.equal(roundMeasured(125.4), 125);
});

test("the defaults are the recorded calibration's, with the interpreter's start method (fork)", () => {
  const mapped = costsFromCalibration(recorded);
  for (const [name, entry] of Object.entries(mapped)) {
    assert.equal(cpythonCosts[name as keyof typeof mapped].value, entry.value, name);
  }
  assert.equal(cpythonCosts.processStartMs.value, 3.6);
  assert.match(cpythonCosts.processStartMs.source, /^python\/calibration\.json processStartMs\.fork: .*\(forkserver 25, spawn 51 with/);
});

test('another start method takes its own process start-up figures and nothing else', () => {
  const fork = costsFromCalibration(recorded, 'fork');
  const spawn = costsFromCalibration(recorded, 'spawn');
  assert.equal(spawn.processStartMs.value, 51);
  assert.equal(spawn.processPoolStartMs.value, 92);
  assert.deepEqual(
    { ...spawn, processStartMs: fork.processStartMs, processPoolStartMs: fork.processPoolStartMs },
    fork,
  );
});

test('a report without a figure the costs need is refused, naming it', () => {
  const { gilConvoy: _dropped, ...withoutConvoy } = calibration;
  const parsed = CalibrationReportSchema.safeParse(withoutConvoy);
  assert.equal(parsed.success, false);
  assert.deepEqual(parsed.error?.issues.map((issue) => issue.path.join('.')), ['gilConvoy']);
});

test('a start method whose pools failed is absent from a report, and asking for it names the method', () => {
  // Debian's PyPy runs ProcessPoolExecutor with fork only: its report has no forkserver or spawn figures.
  const { forkserver: _f, spawn: _s, ...forkOnly } = calibration.processStartMs;
  const report = CalibrationReportSchema.parse({
    ...calibration,
    processStartMs: forkOnly,
    processPoolFixedMs: { fork: calibration.processPoolFixedMs.fork },
  });
  const fork = costsFromCalibration(report, 'fork');
  assert.equal(fork.processStartMs.value, 3.6);
  assert.doesNotMatch(fork.processStartMs.source, /spawn|forkserver/);
  assert.throws(() => costsFromCalibration(report, 'spawn'), /no spawn figures/);
});
