import { parse, type ParseError } from 'jsonc-parser';
import { CliError, EXIT } from './errors.js';

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

/**
 * Where in the text a JSON.parse error points, as line and column. From the offset (Node 22+ also print a line
 * and column, Node 20 neither for some errors), so every Node says it the same way, end of input included.
 */
export function jsonErrorWhere(text: string, message: string): string {
  const offset = jsonErrorOffset(text, message);
  if (offset === undefined) return '';
  const { line, column } = lineColumn(text, offset);
  return ` at line ${line}, column ${column}${offset >= text.length ? ' (end of input)' : ''}`;
}

/** The JSON value of a file's (or stdin's) text; invalid JSON exits with where it went wrong and JSON.parse's words. */
export function parseJsonText(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new CliError(`${source} is not valid JSON${jsonErrorWhere(text, message)}: ${message}`, EXIT.json);
  }
}
