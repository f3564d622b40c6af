import type { FieldIssue } from './errors.js';

/** The parts of a zod issue that say what went wrong; fastify's validation errors carry the same fields. */
export interface RawIssue {
  path: readonly PropertyKey[];
  code: string;
  message: string;
  maximum?: unknown;
  minimum?: unknown;
  values?: unknown;
  keys?: unknown;
}

function dotted(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(body)' : path.map(String).join('.');
}

function numeric(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  return undefined;
}

/** One field issue per bad field: an unknown-keys issue names each key, so none is lost in a list. */
export function toFieldIssues(issues: readonly RawIssue[], prefix: readonly PropertyKey[] = []): FieldIssue[] {
  return issues.flatMap((issue): FieldIssue[] => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys' && Array.isArray(issue.keys)) {
      return issue.keys.map((key) => ({
        path: dotted([...path, String(key)]),
        code: issue.code,
        message: `Unknown field "${String(key)}": it is not part of the schema; check its spelling or remove it.`,
      }));
    }
    const limit = numeric(issue.maximum) ?? numeric(issue.minimum);
    const allowed = Array.isArray(issue.values) ? issue.values.map(String) : undefined;
    return [
      {
        path: dotted(path),
        code: issue.code,
        message: issue.message,
        ...(limit !== undefined ? { limit } : {}),
        ...(allowed ? { allowed } : {}),
      },
    ];
  });
}

export function summarise(issues: readonly FieldIssue[]): string {
  const head = issues
    .slice(0, 5)
    .map((issue) => `${issue.path}: ${issue.message}`)
    .join('; ');
  return issues.length > 5 ? `${head}; and ${issues.length - 5} more` : head;
}
