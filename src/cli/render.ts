import { styleText } from 'node:util';
import { COST_TABLES } from '../advisor/costs/index.js';
import { COST_NAMES } from '../advisor/costs/types.js';
import { count, fmt, fmtMs } from '../advisor/format.js';
import type { Advice, EstimateReply } from '../advisor/advice.js';
import { costsObject, type CalibrationResult } from './calibration.js';

/** How the advice is drawn: colour (on a terminal that has it, and NO_COLOR unset) and the terminal's width. */
export interface RenderStyle {
  color: boolean;
  width: number;
}

const PLAIN: RenderStyle = { color: false, width: 80 };

/** Colour as the caller decided (RenderStyle.color): styleText would otherwise check process.stdout itself. */
function paint(format: 'green' | 'dim' | 'bold', text: string): string {
  return styleText(format, text, { validateStream: false });
}

/** Narrower than this, bars and wrapped paragraphs would be too short to read: draw as if 60 columns. */
const MIN_WIDTH = 60;
/** Wider than this, lines are hard to follow: paragraphs wrap and bars stop here. */
const MAX_WIDTH = 100;

type Sized = Pick<EstimateReply, 'model' | 'processes' | 'threadsPerProcess' | 'chunkSize' | 'cpuThreads'> & { inner?: 'threads' | 'async' };

/** The model as the tables name it: async and hybrid come in two kinds, told apart by what runs inside. */
function kindOf(e: Pick<EstimateReply, 'model' | 'inner'>): string {
  if (e.model === 'async' && e.inner === 'threads') return 'async+threads';
  if (e.model === 'hybrid' && e.inner === 'async') return 'hybrid+async';
  return e.model;
}

const sameKind = (a: Pick<EstimateReply, 'model' | 'inner'>, b: Pick<EstimateReply, 'model' | 'inner'>) =>
  a.model === b.model && a.inner === b.inner;

function sizes(e: Sized): string {
  switch (e.model) {
    case 'sequential':
      return '1';
    case 'threads':
      return count(e.threadsPerProcess, 'thread');
    case 'async':
      return `${fmt(e.threadsPerProcess)} in flight${e.cpuThreads === undefined ? '' : `, CPU on ${count(e.cpuThreads, 'thread')}`}`;
    case 'processes':
      return `${count(e.processes, 'process', 'processes')}, chunk ${fmt(e.chunkSize)}`;
    case 'hybrid':
      return `${count(e.processes, 'process', 'processes')} x ${e.inner === 'async' ? `${fmt(e.threadsPerProcess)} in flight` : count(e.threadsPerProcess, 'thread')}, chunk ${fmt(e.chunkSize)}`;
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

/** Words filled into lines of at most `width` characters; a word longer than that keeps a line of its own. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** A list item: "  - " and the text wrapped under itself. */
function item(text: string, width: number): string[] {
  return wrap(text, width - 4).map((line, i) => `${i === 0 ? '  - ' : '    '}${line}`);
}

function section(title: string, items: string[], width: number): string[] {
  if (items.length === 0) return [];
  return ['', `${title}:`, ...items.flatMap((text) => item(text, width))];
}

/**
 * A bar per model, as long as its predicted wall time: on a log scale from the power of ten below the
 * shortest when the times span a factor of 10 or more (so the short ones stay visible), else from zero.
 * Plain characters: "#" for a viable model, "-" for one that is not; "*" marks the recommended one.
 */
export function timeBars(advice: Advice, style: RenderStyle = PLAIN): string[] {
  const estimates = advice.estimates;
  const times = estimates.map((e) => e.predictedWallMs);
  const positive = times.filter((t) => t > 0);
  const longest = Math.max(...positive);
  const shortest = Math.min(...positive);
  const log = positive.length > 1 && longest / shortest >= 10;
  const floor = log ? 10 ** Math.floor(Math.log10(shortest)) : 0;
  const labelWidth = Math.max(...estimates.map((e) => kindOf(e).length)) + 2;
  const valueWidth = Math.max(...times.map((t) => fmtMs(t).length));
  const barWidth = Math.max(10, Math.min(style.width, MAX_WIDTH) - labelWidth - valueWidth - 16);
  const length = (t: number) => {
    if (t <= 0) return 0;
    const share = log ? Math.log(t / floor) / Math.log(longest / floor) : t / longest;
    return Math.max(1, Math.round(share * barWidth));
  };
  const lines = estimates.map((e) => {
    const recommended = sameKind(e, advice.recommendation);
    const bar = (e.viable ? '#' : '-').repeat(length(e.predictedWallMs)).padEnd(barWidth);
    const line = `${recommended ? '* ' : '  '}${kindOf(e).padEnd(labelWidth)}${bar}  ${fmtMs(e.predictedWallMs).padStart(valueWidth)}${e.viable ? '' : '  not viable'}`;
    if (!style.color) return line;
    return recommended ? paint('green', line) : e.viable ? line : paint('dim', line);
  });
  return [`Predicted wall time${log ? ' (log scale)' : ''}:`, ...lines];
}

/** The advice as a person reads it in a terminal: the answer first, then every model weighed, then why. */
export function renderAdvice(advice: Advice, style: RenderStyle = PLAIN): string {
  const width = Math.min(Math.max(style.width, MIN_WIDTH), MAX_WIDTH);
  const r = advice.recommendation;
  const lines: string[] = [];
  if (advice.name !== undefined) lines.push(`Profile: ${advice.name}`);
  const recommendation = `Recommendation: ${kindOf(r)}${r.model === 'sequential' ? '' : ` (${sizes({ ...r })})`}, predicted ${fmtMs(r.predictedWallMs)}${r.model === 'sequential' ? '' : `, ${fmt(r.predictedSpeedup)}x faster than sequential`}`;
  lines.push(style.color ? paint('bold', recommendation) : recommendation);
  const c = advice.classification;
  const res = advice.resolved;
  lines.push(
    `Work: ${c.kind} (${fmt(c.cpuShare * 100)}% CPU, ${c.basis}); ${count(res.tasks, 'task')} of ${fmtMs(res.cpuMsPerTask)} CPU + ${fmtMs(res.waitMsPerTask)} wait on ${count(res.cores, 'core')}, ${res.runtime}`,
  );
  lines.push('');
  const rows = advice.estimates.map((e) => [
    sameKind(e, r) ? `* ${kindOf(e)}` : `  ${kindOf(e)}`,
    sizes(e),
    fmtMs(e.predictedWallMs),
    `${fmt(e.predictedSpeedup)}x`,
    e.viable ? 'yes' : 'no',
    e.bottleneck,
  ]);
  lines.push(...table(['  model', 'sizes', 'wall', 'speed-up', 'viable', 'bottleneck'], rows, new Set([2, 3])));
  lines.push('', ...timeBars(advice, { ...style, width }));
  lines.push(...section('Not viable', notViableReasons(advice.estimates), width));
  lines.push(...section('Rationale', advice.rationale, width));
  lines.push(...section('Warnings', advice.warnings, width));
  if (advice.practices.length > 0) {
    lines.push('', 'Practices:');
    for (const practice of advice.practices) {
      // A title can outrun a narrow terminal too; the detail sits deeper than the title's own second line.
      lines.push(...item(practice.title, width).map((line) => (style.color ? `${line.slice(0, 4)}${paint('bold', line.slice(4))}` : line)));
      lines.push(...wrap(practice.detail, width - 6).map((line) => `      ${line}`));
    }
  }
  lines.push('', `Snippet (${advice.snippet.language}):`, '', advice.snippet.code.trimEnd());
  return `${lines.join('\n')}\n`;
}

/** Each reason a model is not viable, once, after the models it rules out: "sequential, threads: needsIsolation: ...". */
function notViableReasons(estimates: Advice['estimates']): string[] {
  const modelsByReason = new Map<string, string[]>();
  for (const estimate of estimates.filter((e) => !e.viable)) {
    const reason = (estimate.reason ?? 'no reason given').replace(/^Not viable:\s*/, '');
    modelsByReason.set(reason, [...(modelsByReason.get(reason) ?? []), kindOf(estimate)]);
  }
  return [...modelsByReason].map(([reason, models]) => `${models.join(', ')}: ${reason}`);
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
