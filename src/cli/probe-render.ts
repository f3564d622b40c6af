import { AGREEMENT_WITHIN } from '../advisor/verdict.js';
import { fmt, fmtBytes, fmtMs } from '../advisor/format.js';
import type { ProbeReport } from './probe-runner.js';
import type { CheckedPlan, Verification } from './probe-verify.js';

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((cells) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

function orDash(value: number | null, show: (v: number) => string): string {
  return value === null ? '-' : show(value);
}

/** The measured figures, each with how it was obtained: what the profile below them is made of. */
export function renderProbe(report: ProbeReport): string {
  const f = report.figures;
  const s = report.sample;
  const lines = [
    `Probed ${report.function} with ${report.implementation} on ${report.cores} core${report.cores === 1 ? '' : 's'}: ` +
      `${fmt(s.size)} sample tasks of ${fmt(report.inputs)} input${report.inputs === 1 ? '' : 's'} for a batch of ${fmt(report.tasks)}, ` +
      `after ${s.warmUpCalls} warm-up call${s.warmUpCalls === 1 ? '' : 's'} (${fmtMs(s.seconds * 1000)})`,
    '',
  ];
  const spread = (x: ProbeReport['figures']['taskWallMs']) => `p50 ${fmtMs(x.p50)}, p95 ${fmtMs(x.p95)}, max ${fmtMs(x.max)}`;
  const rows = [
    ['figure', 'measured', 'how'],
    ['CPU per task', orDash(f.cpuMsPerTask.value, fmtMs), f.cpuMsPerTask.how],
    ['wait per task', orDash(f.waitMsPerTask.value, fmtMs), f.waitMsPerTask.how],
    ['calling thread CPU', orDash(f.callingThreadCpuMsPerTask.value, fmtMs), f.callingThreadCpuMsPerTask.how],
    ['run delay per task', orDash(f.runDelayMsPerTask.value, fmtMs), f.runDelayMsPerTask.how],
    ['GIL released', orDash(f.gilReleasedShare.value, (v) => `${fmt(v * 100)}%`), f.gilReleasedShare.how],
    ['threads per task', orDash(f.threadsPerTask.value, (v) => String(v)), f.threadsPerTask.how],
    [
      'payload per task',
      orDash(f.payloadBytesPerTask.value, fmtBytes),
      f.payloadBytesPerTask.value === null
        ? f.payloadBytesPerTask.how
        : `${fmtBytes(f.payloadBytesPerTask.inBytes)} in + ${fmtBytes(f.payloadBytesPerTask.outBytes)} out: ${f.payloadBytesPerTask.how}`,
    ],
    ['memory per worker', orDash(f.memoryMbPerWorker.value, (v) => `${fmt(v)} MB`), f.memoryMbPerWorker.how],
    ['task wall time', spread(f.taskWallMs), f.taskWallMs.how],
    ['task CPU time', spread(f.taskCpuMs), f.taskCpuMs.how],
  ];
  lines.push(...table(rows));
  if (report.async) {
    lines.push('', 'An async function: the async plans run it on an asyncio event loop (hybrid+async: one loop in each process); a threads or processes plan would wrap each call in asyncio.run.');
  } else if (report.profile.blockingWaits === true && (f.waitMsPerTask.value ?? 0) > 0) {
    lines.push('', `A plain function: it blocks in its waits, so the event-loop plans are weighed as not viable (blockingWaits). --profile with {"blockingWaits": false} weighs them, as for the function rewritten to await.`);
  }
  for (const note of report.notes) lines.push('', `Note: ${note}`);
  return `${lines.join('\n')}\n`;
}

function sizes(p: CheckedPlan['plan']): string {
  switch (p.model) {
    case 'sequential':
      return 'sequential';
    case 'threads':
    case 'async':
      return `${p.model} (${p.threadsPerProcess})`;
    case 'processes':
      return `processes (${p.processes}, chunk ${p.chunkSize})`;
    case 'hybrid':
      return `hybrid (${p.processes} x ${p.threadsPerProcess}, chunk ${p.chunkSize})`;
  }
}

/** Measured against predicted for the recommended plan and the runner-up, and whether the advice held. */
export function renderVerification(v: Verification): string {
  const rows = [
    ['  plan', 'role', 'predicted', 'measured', 'error', 'rounds (ms)'],
    ...v.plans.map((p) => [
      `${p.role === 'recommended' ? '*' : ' '} ${sizes(p.plan)}`,
      p.role,
      fmtMs(p.predictedWallMs),
      fmtMs(p.measuredWallMs),
      `${p.predictionError >= 0 ? '+' : ''}${fmt(p.predictionError * 100)}%`,
      p.repeatsMs.map((ms) => fmt(ms)).join(', '),
    ]),
  ];
  const recommended = v.plans.find((p) => p.role === 'recommended')!;
  const lines = [
    `Verified on the sample (${fmt(v.sampleTasks)} tasks, real pools started and shut down inside the time, median of ${v.rounds} rounds in alternating order):`,
    '',
    ...table(rows),
    '',
    v.plans.length < 2
      ? `Only the recommended plan was run (the advice weighs no other model).`
      : v.held
        ? `The recommendation held: ${sizes(recommended.plan)} measured ${fmtMs(recommended.measuredWallMs)}, ${
            v.recommendedOverFaster <= 1 ? 'the faster of the two' : `within ${AGREEMENT_WITHIN * 100}% of the faster (${fmt(v.recommendedOverFaster)}x)`
          }.`
        : `The recommendation did NOT hold on this sample: ${sizes(recommended.plan)} measured ${fmt(v.recommendedOverFaster)}x the faster plan.`,
  ];
  const [before, after] = v.loadAverage;
  lines.push(
    `Load average ${fmt(before)} before the runs and ${fmt(after)} after, on ${v.cores} cores: the predictions assume the cores are free` +
      (Math.max(before, after) >= v.cores ? ', and here other work held them, so every plan measured slower than predicted.' : '.'),
  );
  if (v.sampleFavoursRunnerUp) {
    lines.push(
      `On a batch as small as the sample the advisor itself predicts the runner-up faster (pool start-up weighs more), so the sample checks the predictions more than the ranking.`,
    );
  }
  return `${lines.join('\n')}\n`;
}
