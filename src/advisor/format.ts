/**
 * Numbers as the reply prints them: milliseconds to 0.1 ms (3 significant figures from 1 s up), every other
 * fraction (shares, speed-ups, per-task costs) to 3 significant figures, counts exact. Hand-rolled rather than
 * Intl or toLocaleString, which cost about 3 us a call, on a path that formats a few hundred numbers per advice.
 */

/** Significant figures kept for a measured or predicted quantity: the model is not more precise than that. */
export const SIGNIFICANT_FIGURES = 3;

/** 10^0 to 10^22, the powers of ten a double holds exactly, looked up rather than computed on every rounding. */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, exponent) => 10 ** exponent);

function powerOfTen(exponent: number): number {
  return POWERS_OF_TEN[exponent] ?? 10 ** exponent;
}

/** `value` rounded to `figures` significant figures, as the nearest double to that decimal. */
export function roundSignificant(value: number, figures = SIGNIFICANT_FIGURES): number {
  if (value === 0 || !Number.isFinite(value)) return value;
  const magnitude = Math.floor(Math.log10(Math.abs(value))) + 1;
  const shift = figures - magnitude;
  // Past 1e±290 the scale itself would overflow: let the engine round (5x slower, and never reached by real figures).
  if (Math.abs(shift) > 290) return Number(value.toPrecision(figures));
  // Divide by an exact power of ten (never multiply by 0.1): the result is then the double nearest the decimal.
  if (shift > 0) {
    const scale = powerOfTen(shift);
    return Math.round(value * scale) / scale;
  }
  const step = powerOfTen(-shift);
  return Math.round(value / step) * step;
}

/** A duration in the reply's JSON: to 0.1 ms below 1 s, 3 significant figures from 1 s up. */
export function roundMs(ms: number): number {
  if (!Number.isFinite(ms)) return ms;
  const tenths = Math.round(ms * 10) / 10;
  return Math.abs(tenths) < 1000 ? tenths : roundSignificant(ms);
}

/** The integer part with its digits in groups of three: "1,234,567". */
function grouped(digits: string): string {
  let out = '';
  for (let end = digits.length; end > 0; end -= 3) {
    const start = Math.max(0, end - 3);
    out = out === '' ? digits.slice(start, end) : `${digits.slice(start, end)},${out}`;
  }
  return out;
}

/** A number already rounded, written out: grouped thousands, no exponent, no trailing zeros. */
function written(value: number): string {
  const abs = Math.abs(value);
  // Most figures need neither grouping nor writing out: String() has them right.
  if (abs === 0 || (abs >= 1e-6 && abs < 1000)) return String(value);
  const negative = value < 0;
  // String() switches to exponents below 1e-6 and from 1e21; toFixed writes those out in full.
  let text = abs !== 0 && abs < 1e-6 ? abs.toFixed(20).replace(/0+$/, '') : abs >= 1e21 ? abs.toFixed(0) : String(abs);
  const point = text.indexOf('.');
  const whole = point === -1 ? text : text.slice(0, point);
  text = whole.length > 3 ? grouped(whole) + (point === -1 ? '' : text.slice(point)) : text;
  return negative ? `-${text}` : text;
}

/** A count or a quantity in a sentence: integers exact ("2,000"), fractions to 3 significant figures ("41.9"). */
export function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return written(Number.isInteger(value) ? value : roundSignificant(value));
}

/**
 * A duration as a person reads it: "0.08 ms", "41.9 ms", "61.3 s", "10.2 min", "5.61 h". Below 0.1 ms it
 * keeps 2 significant figures, since per-task overheads live there and "0 ms" would be false.
 */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return `${ms} ms`;
  const abs = Math.abs(ms);
  if (abs > 0 && abs < 0.1) return `${written(roundSignificant(ms, 2))} ms`;
  // From the figure the JSON carries, so a sentence never reads 2.11 min beside predictedWallMs 126000.
  const rounded = roundMs(ms);
  if (Math.abs(rounded) < 1000) return `${written(rounded)} ms`;
  const seconds = roundSignificant(rounded / 1000);
  if (Math.abs(seconds) < 120) return `${written(seconds)} s`;
  const minutes = roundSignificant(rounded / 60_000);
  if (Math.abs(minutes) < 120) return `${written(minutes)} min`;
  return `${written(roundSignificant(rounded / 3_600_000))} h`;
}

/**
 * A per-task cost: 3 significant figures below a second ("0.122 ms", "41.9 ms"), as the reply's MsPerTask
 * fields have them, since 0.1 ms steps blur the overheads that decide small tasks; from a second up as fmtMs.
 */
export function fmtTaskMs(ms: number): string {
  return Math.abs(ms) < 1000 ? `${fmt(roundSignificant(ms))} ms` : fmtMs(ms);
}

export function fmtBytes(bytes: number): string {
  if (bytes < 1000) return `${fmt(bytes)} B`;
  if (bytes < 1e6) return `${fmt(roundSignificant(bytes / 1e3))} kB`;
  if (bytes < 1e9) return `${fmt(roundSignificant(bytes / 1e6))} MB`;
  return `${fmt(roundSignificant(bytes / 1e9))} GB`;
}

/** "1 process", "8 processes", "2,000 tasks": the count and the noun that agrees with it. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${fmt(n)} ${n === 1 ? singular : plural}`;
}

/** Reply fields that are durations of a batch or a pool, rounded as durations. */
const MS_FIELD = /Ms$/;
/**
 * Fields rounded to 3 significant figures even when whole: ratios (a speed-up of 1,234 is 1,230) and per-task
 * costs, where 0.1 ms steps would turn a 5 us task into 0.
 */
const SIGNIFICANT_FIELD = /(Speedup|Share|MsPerTask)$/;

type Rounding = 'duration' | 'significant' | 'count';
/** Each field name's rounding, found once: the names are the reply schema's, a few dozen. */
const roundingOfField = new Map<string, Rounding>();

function roundingOf(key: string): Rounding {
  let rounding = roundingOfField.get(key);
  if (rounding === undefined) {
    rounding = MS_FIELD.test(key) ? 'duration' : SIGNIFICANT_FIELD.test(key) ? 'significant' : 'count';
    roundingOfField.set(key, rounding);
  }
  return rounding;
}

/**
 * The one rounding step of a reply: every number in it, at any depth, rounded to what it means, by its field
 * name; any other fraction to 3 significant figures; other integers are counts and stay exact. It rounds in
 * place rather than copying the reply: the reply is built afresh for each call and shares no object with
 * anything else. A field left undefined stays so, and JSON leaves it out.
 */
export function roundNumbers<T>(value: T, key = ''): T {
  if (typeof value === 'number') return roundNumber(value, key) as T;
  if (typeof value === 'object' && value !== null) roundFields(value as Record<string, unknown>, key);
  return value;
}

function roundNumber(value: number, key: string): number {
  if (!Number.isFinite(value)) return value;
  const rounding = roundingOf(key);
  if (rounding === 'duration') return roundMs(value);
  if (rounding === 'significant' || !Number.isInteger(value)) return roundSignificant(value);
  return value;
}

function roundFields(value: Record<string, unknown> | unknown[], key: string): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      if (typeof item === 'number') value[i] = roundNumber(item, key);
      else if (typeof item === 'object' && item !== null) roundFields(item as Record<string, unknown>, key);
    }
    return;
  }
  for (const k in value) {
    const field = value[k];
    if (typeof field === 'number') value[k] = roundNumber(field, k);
    else if (typeof field === 'object' && field !== null) roundFields(field as Record<string, unknown>, k);
  }
}
