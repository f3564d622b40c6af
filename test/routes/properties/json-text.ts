/** JSON text written as it is, for what JSON.stringify cannot write: 1e400, a lone surrogate, deep nesting. */
export class RawJson {
  constructor(readonly text: string) {}
}

const MARK = '\u0001raw';

/** The body's JSON text, with each RawJson in place. */
export function toJsonText(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, item: unknown) => {
    if (!(item instanceof RawJson)) return item;
    raws.push(item.text);
    return `${MARK}${raws.length - 1}`;
  });
  if (text === undefined) return '';
  return raws.length === 0 ? text : text.replace(/"\\u0001raw(\d+)"/g, (_match, index: string) => raws[Number(index)]!);
}

/** Whether a parsed value holds a key that secure-json-parse (fastify's JSON parser) refuses as prototype poisoning. */
function poisoned(root: unknown): boolean {
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    if (Object.hasOwn(node, '__proto__')) return true;
    const ctor = (node as Record<string, unknown>).constructor;
    if (Object.hasOwn(node, 'constructor') && ctor !== null && typeof ctor === 'object' && Object.hasOwn(ctor, 'prototype')) return true;
    stack.push(...Object.values(node));
  }
  return false;
}

/** What fastify makes of a JSON body: the value, or that it is not JSON it accepts. A leading BOM is dropped, as secure-json-parse does. */
export function parseLikeFastify(text: string): { json: true; value: unknown } | { json: false } {
  if (text === '') return { json: false };
  try {
    const value: unknown = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    return poisoned(value) ? { json: false } : { json: true, value };
  } catch {
    return { json: false };
  }
}
