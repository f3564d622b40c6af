import { COST_TABLES } from '../advisor/costs/index.js';
import { COST_NAMES } from '../advisor/costs/types.js';
import { fmt, fmtMs } from '../advisor/format.js';
import type { Advice, EstimateReply } from '../advisor/advice.js';
import { costsObject, type CalibrationResult } from './calibration.js';

function sizes(e: Pick<EstimateReply, 'model' | 'processes' | 'threadsPerProcess' | 'chunkSize'>): string {
  switch (e.model) {
    case 'sequential':
      return '1';
    case 'threads':
      return `${e.threadsPerProcess} threads`;
    case 'async':
      return `${e.threadsPerProcess} in flight`;
    case 'processes':
      return `${e.processes} procs, chunk ${e.chunkSize}`;
    case 'hybrid':
      return `${e.processes} procs x ${e.threadsPerProcess} threads, chunk ${e.chunkSize}`;
  }
}

function table(headers: string[], rows: string[][], rightAligned: ReadonlySet<number>): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (rightAligned.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

function section(title: string, items: string[]): string[] {
  if (items.length === 0) return [];
  return ['', `${title}:`, ...items.map((item) => `  - ${item}`)];
}

/** The advice as a person reads it in a terminal: the answer first, then every model weighed, then why. */
export function renderAdvice(advice: Advice): string {
  const r = advice.recommendation;
  const lines: string[] = [];
  if (advice.name !== undefined) lines.push(`Profile: ${advice.name}`);
  lines.push(
    `Recommendation: ${r.model}${r.model === 'sequential' ? '' : ` (${sizes({ ...r })})`}, predicted ${fmtMs(r.predictedWallMs)}${r.model === 'sequential' ? '' : `, ${fmt(r.predictedSpeedup)}x faster than sequential`}`,
  );
  const c = advice.classification;
  const res = advice.resolved;
  lines.push(
    `Work: ${c.kind} (${fmt(c.cpuShare * 100)}% CPU, ${c.basis}); ${fmt(res.tasks)} task${res.tasks === 1 ? '' : 's'} of ${fmt(res.cpuMsPerTask)} ms CPU + ${fmt(res.waitMsPerTask)} ms wait on ${res.cores} cores, ${res.runtime}`,
  );
  lines.push('');
  const rows = advice.estimates.map((e) => [
    e.model === r.model ? `* ${e.model}` : `  ${e.model}`,
    sizes(e),
    fmtMs(e.predictedWallMs),
    `${fmt(e.predictedSpeedup)}x`,
    e.viable ? 'yes' : 'no',
    e.bottleneck,
  ]);
  lines.push(...table(['  model', 'sizes', 'wall', 'speed-up', 'viable', 'bottleneck'], rows, new Set([2, 3])));
  lines.push(...section('Rationale', advice.rationale));
  lines.push(...section('Warnings', advice.warnings));
  lines.push(...section('Practices', advice.practices.map((p) => p.title)));
  lines.push('', `Snippet (${advice.snippet.language}):`, '', advice.snippet.code.trimEnd());
  return `${lines.join('\n')}\n`;
}

/** A calibration as a person reads it: each measured cost beside the default it replaces, then the object to paste. */
export function renderCalibration(result: CalibrationResult): string {
  const defaults = COST_TABLES[result.runtime];
  const measured = COST_NAMES.filter((name) => result.costs[name] !== undefined);
  // Plain numbers, as the JSON below has them: the measured ones are already rounded, and fmt would round 0.085 to 0.09.
  const rows = measured.map((name) => [name, String(result.costs[name]!.value), String(defaults[name].value), result.costs[name]!.source]);
  const lines = [
    `Costs measured on this machine for ${result.runtime}: ${result.measuredOn}`,
    '',
    ...table(['cost', 'measured', 'default', 'how'], rows, new Set([1, 2])),
    '',
    `Not measured, so the defaults stand (GET /costs): ${COST_NAMES.filter((name) => !measured.includes(name)).join(', ')}.`,
    '',
    'Paste into a profile as "costs" (--json prints only this):',
    JSON.stringify(costsObject(result), null, 2),
  ];
  return `${lines.join('\n')}\n`;
}
