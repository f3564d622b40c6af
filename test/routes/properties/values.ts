import fc from 'fast-check';
import type { Json } from '../../helpers/openapi-document.js';
import { RawJson } from './json-text.js';

/** The next double after x towards +/- infinity: "just past" a bound, for floats. */
function nextAfter(x: number, direction: 1 | -1): number {
  if (x === 0) return direction * Number.MIN_VALUE;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  view.setBigUint64(0, x > 0 === direction > 0 ? bits + 1n : bits - 1n);
  return view.getFloat64(0);
}

/** Deeply nested arrays and objects, as text: a parser or validator that recurses would overflow its stack. */
const DEEP = [
  new RawJson(`${'['.repeat(5_000)}${']'.repeat(5_000)}`),
  new RawJson(`${'{"a":'.repeat(2_000)}1${'}'.repeat(2_000)}`),
];

/** Values of the wrong type for any field, and numbers JSON cannot carry (NaN, Infinity) in the forms clients send them. */
export const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    true,
    'NaN',
    'Infinity',
    '-Infinity',
    '12',
    '',
    [],
    [1],
    {},
    { value: 1 },
    new RawJson('1e400'),
    new RawJson('-1e400'),
    ...DEEP,
  ),
  fc.jsonValue({ maxDepth: 2 }),
);

/** A schema with its `allOf` members folded in: the document wraps a described $ref that way. */
export function merged(schema: Json): Json {
  if (!schema?.allOf) return schema;
  const { allOf, ...rest } = schema;
  return Object.assign({}, ...allOf.map(merged), rest);
}

function numbers(schema: Json): fc.Arbitrary<unknown> {
  const integer = schema.type === 'integer';
  const low: number = schema.minimum ?? schema.exclusiveMinimum;
  const high: number = schema.maximum ?? schema.exclusiveMaximum;
  const step = (x: number, direction: 1 | -1) => (integer ? x + direction : nextAfter(x, direction));
  const boundaries = [low, high, step(low, -1), step(low, 1), step(high, -1), step(high, 1), 0, -0, -1];
  const inRange = integer ? fc.integer({ min: low, max: high }) : fc.double({ min: low, max: high, noNaN: true });
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...boundaries) },
    { weight: 2, arbitrary: inRange },
    {
      weight: 2,
      arbitrary: fc.constantFrom<unknown>(
        low + 0.5,
        2 ** 53 + 2,
        Number.MAX_VALUE,
        -Number.MAX_VALUE,
        Number.MIN_VALUE,
        new RawJson('1e400'),
        new RawJson('-1e400'),
        new RawJson('1e-400'),
        new RawJson('1E2'),
        new RawJson('-0.0e0'),
      ),
    },
    { weight: 1, arbitrary: fc.double() },
  );
}

function strings(schema: Json): fc.Arbitrary<unknown> {
  if (schema.enum) {
    const names: string[] = schema.enum;
    return fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...names) },
      { weight: 1, arbitrary: fc.constantFrom(...names.map((name) => name.toUpperCase()), ...names.map((name) => ` ${name}`), '') },
    );
  }
  const most: number = schema.maxLength ?? 64;
  return fc.oneof(
    fc.constantFrom<unknown>(
      '',
      'x'.repeat(most),
      'x'.repeat(most + 1),
      // Within maxLength in code points (JSON Schema's unit), twice it in UTF-16 units.
      '😀'.repeat(most),
      'e\u0301'.repeat(Math.floor(most / 2)),
      '\u0000\u001f\u202e\u200b',
      new RawJson('"\\ud800 lone surrogate"'),
    ),
    fc.string({ unit: 'grapheme', maxLength: most + 2 }),
  );
}

/** Values for one field: its boundaries and just past them, values inside, and the wrong types. */
export function fieldValues(fieldSchema: Json): fc.Arbitrary<unknown> {
  const schema = merged(fieldSchema);
  const own =
    schema.type === 'number' || schema.type === 'integer'
      ? numbers(schema)
      : schema.type === 'string'
        ? strings(schema)
        : schema.type === 'boolean'
          ? fc.constantFrom<unknown>(true, false, 'true', 0, 1)
          : fc.constantFrom<unknown>({}, 'object');
  return fc.oneof({ weight: 3, arbitrary: own }, { weight: 1, arbitrary: wrongType });
}

/** Keys no schema has: unicode, look-alikes of real ones, and names of Object.prototype members. */
export const unknownKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('Tasks', 'tasks ', 'colour', 'constructor', 'toString', 'hasOwnProperty', 'ｔａｓｋｓ', 'таsks', '😀', ''),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
);
