import fc from 'fast-check';
import type { Json } from '../../helpers/openapi-document.js';
import { toJsonText } from './json-text.js';

/** What is sent: the Content-Type (none when undefined) and the body's text. */
export interface Sent {
  contentType: string | undefined;
  text: string;
}

/** Content types fastify takes as JSON (parameters and case do not matter), and ones it refuses with 415. */
export const JSON_TYPES = ['application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/json;'];
const OTHER_TYPES = [
  undefined,
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/json-patch+json',
  'text/json',
  '*/*',
];

/** Texts that are not JSON, or are JSON of the wrong shape, or are refused as prototype poisoning. */
const ODD_TEXTS = [
  '',
  ' ',
  'null',
  '[]',
  '"text"',
  '0',
  '{',
  '{"tasks": 1,}',
  "{'tasks': 1}",
  '{"tasks": NaN}',
  '{"tasks": Infinity}',
  '{"tasks": 0x10}',
  '\uFEFF{}',
  '{"__proto__": {"tasks": 1}}',
  '{"constructor": {"prototype": {"tasks": 1}}}',
];

/**
 * Requests around one route's bodies: mostly the bodies as JSON, and besides them other JSON content
 * types, refused content types, truncated text, odd texts, random JSON and bytes, a leading BOM,
 * and bodies over the size limit.
 */
export function requests(bodies: fc.Arbitrary<Json>, bodyLimit: number): fc.Arbitrary<Sent> {
  const texts = bodies.map(toJsonText);
  const json = (text: fc.Arbitrary<string>) => fc.tuple(fc.constantFrom(...JSON_TYPES), text).map(([contentType, body]) => ({ contentType, text: body }));
  return fc.oneof(
    { weight: 40, arbitrary: texts.map((text) => ({ contentType: 'application/json', text })) },
    { weight: 2, arbitrary: json(texts) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...OTHER_TYPES), texts).map(([contentType, text]) => ({ contentType, text })) },
    { weight: 2, arbitrary: json(texts.chain((text) => fc.nat({ max: Math.max(0, text.length - 1) }).map((end) => text.slice(0, end)))) },
    { weight: 2, arbitrary: json(fc.constantFrom(...ODD_TEXTS)) },
    { weight: 2, arbitrary: json(fc.jsonValue().map(toJsonText)) },
    { weight: 1, arbitrary: json(fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes).toString('latin1'))) },
    { weight: 1, arbitrary: json(texts.map((text) => `\uFEFF${text}`)) },
    { weight: 1, arbitrary: json(texts.map((text) => `{"padding": "${'x'.repeat(bodyLimit)}", "body": ${text || 'null'}}`)) },
  );
}
