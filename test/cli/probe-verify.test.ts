import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { plansToVerify, verification } from '../../src/cli/probe-verify.js';
import { adviceFor } from '../helpers/advice.js';

describe('which plans --verify runs, and whether the advice held', () => {
  const profile = { tasks: 2000, cpuMsPerTask: 30, waitMsPerTask: 0, gilReleasedShare: 0, cores: 2, basis: 'probed' as const };

  test('the recommended model and the fastest other viable one, at the sizes advised for the sample', () => {
    const batch = adviceFor(profile);
    const sample = adviceFor({ ...profile, tasks: 16 });
    const checks = plansToVerify(batch, sample);
    assert.equal(batch.recommendation.model, 'processes');
    assert.deepEqual(
      checks.map((c) => [c.role, c.plan.model]),
      [
        ['recommended', 'processes'],
        ['runner-up', 'hybrid'],
      ],
    );
    const sampleProcesses = sample.estimates.find((e) => e.model === 'processes')!;
    assert.equal(checks[0]!.plan.chunkSize, sampleProcesses.chunkSize, 'the chunk size advised for the sample, not for the batch');
    assert.equal(checks[0]!.predictedWallMs, sampleProcesses.predictedWallMs);
  });

  test('a runner-up that is not viable is passed over for one that is', () => {
    const batch = adviceFor({ ...profile, needsIsolation: true });
    const checks = plansToVerify(batch, adviceFor({ ...profile, needsIsolation: true, tasks: 16 }));
    for (const check of checks) assert.ok(['processes', 'hybrid'].includes(check.plan.model), check.plan.model);
  });

  test('held within 10% of the faster, by the median of the rounds', () => {
    const checks = plansToVerify(adviceFor(profile), adviceFor({ ...profile, tasks: 16 }));
    const runs = (recommended: number[], runnerUp: number[]) => [
      { ...checks[0]!.plan, wallMs: recommended },
      { ...checks[1]!.plan, wallMs: runnerUp },
    ];
    const held = verification(checks, { runs: runs([300, 900, 310], [290, 280, 600]), loadAverage: [0.5, 0.7] }, 16, 3, 2);
    assert.equal(held.plans[0]!.measuredWallMs, 310);
    assert.equal(held.plans[1]!.measuredWallMs, 290);
    assert.equal(held.held, true);
    assert.ok(Math.abs(held.recommendedOverFaster - 310 / 290) < 1e-9);
    const missed = verification(checks, { runs: runs([400, 410, 420], [300, 310, 320]), loadAverage: [3, 4] }, 16, 3, 2);
    assert.equal(missed.held, false);
    assert.ok(Math.abs(missed.plans[0]!.predictionError - (checks[0]!.predictedWallMs / 410 - 1)) < 1e-9);
  });
});
