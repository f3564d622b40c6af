import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** JSON is UTF-8 (RFC 8259 8.1); US-ASCII is a subset of it, so a body declared as either is read right. */
const READABLE_CHARSETS = new Set(['utf-8', 'utf8', 'us-ascii']);
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)"?/i;

/** A JSON body declared in another charset; the error handler sends its message as it is, with 415. */
export class UnsupportedCharsetError extends Error {
  readonly statusCode = 415;
  readonly code = 'UNSUPPORTED_CHARSET';
}

/**
 * fastify reads every JSON body as UTF-8 whatever its Content-Type declares, so a UTF-16 body came out as
 * garbled JSON (a 400 that said nothing useful). A JSON body declared in another charset is refused
 * before it is read, with 415 naming the charset.
 */
async function charsetCheck(app: FastifyInstance) {
  app.addHook('preParsing', async (request, _reply, payload) => {
    const contentType = request.headers['content-type'];
    if (contentType === undefined || !contentType.includes('json')) return payload;
    const charset = CHARSET.exec(contentType)?.[1];
    if (charset === undefined || READABLE_CHARSETS.has(charset.toLowerCase())) return payload;
    throw new UnsupportedCharsetError(
      `The body is declared as charset=${charset}; JSON is read as UTF-8 only: send it encoded as UTF-8, with charset=utf-8 or no charset.`,
    );
  });
}

export const charsetPlugin = fp(charsetCheck, { name: 'charset' });
