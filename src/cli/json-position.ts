import { parse, type ParseError } from 'jsonc-parser';

/**
 * The offset of the error JSON.parse threw for `text`, or undefined when it parses. Node 20 names the
 * position in most messages; where it does not, the text ended early (the error is at its end) or had an
 * unexpected token, which jsonc-parser's strict parse finds.
 */
export function jsonErrorOffset(text: string, message: string): number | undefined {
  const position = /position (\d+)/.exec(message);
  if (position) return Number(position[1]);
  if (message.includes('end of JSON input')) return text.length;
  const errors: ParseError[] = [];
  parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  return errors[0]?.offset;
}

/** 1-based line and column of an offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}
