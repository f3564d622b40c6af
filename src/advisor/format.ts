/** Numbers in sentences: short, grouped, and never "1e-7". */
export function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 100) return Math.round(value).toLocaleString('en-US');
  if (abs >= 10) return value.toFixed(1).replace(/\.0$/, '');
  if (abs >= 0.01 || abs === 0) return value.toFixed(2).replace(/\.?0+$/, '');
  return String(Number(value.toPrecision(2)));
}

/** A duration as a person reads it: "340 ms", "12.5 s", "3.2 h". */
export function fmtMs(ms: number): string {
  if (ms < 1000) return `${fmt(ms)} ms`;
  if (ms < 120_000) return `${fmt(ms / 1000)} s`;
  if (ms < 7_200_000) return `${fmt(ms / 60_000)} min`;
  return `${fmt(ms / 3_600_000)} h`;
}

export function fmtBytes(bytes: number): string {
  if (bytes < 1000) return `${fmt(bytes)} B`;
  if (bytes < 1e6) return `${fmt(bytes / 1e3)} kB`;
  if (bytes < 1e9) return `${fmt(bytes / 1e6)} MB`;
  return `${fmt(bytes / 1e9)} GB`;
}
