import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import { ErrorReplySchema } from '../../src/http/errors.js';
import { startApp } from '../helpers/app.js';

/**
 * What app.inject cannot send, over a real socket: bodies that disagree with their framing, bad chunks,
 * a garbled request line, oversized headers, a body in another encoding. Each gets a 4xx in the one
 * error shape, and the server goes on serving.
 */

let ctx: Awaited<ReturnType<typeof startApp>>;
let port: number;
before(async () => {
  ctx = await startApp();
  await ctx.app.listen({ host: '127.0.0.1', port: 0 });
  port = (ctx.app.server.address() as { port: number }).port;
});
after(async () => {
  await ctx.app.close();
});

/** Writes the bytes, half-closes, and reads until the server closes (or 5 s pass): the first response's status and body. */
function exchange(request: string | Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(new Error('no reply within 5 s')), 5_000);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
      const length = Number(/content-length: (\d+)/i.exec(head)?.[1]);
      resolve({ status, body: rest.join('\r\n\r\n').slice(0, length) });
    });
    socket.end(request);
  });
}

const BODY = '{"tasks": 5, "cpuMsPerTask": 1, "waitMsPerTask": 0}';
const head = (headers: string) => `POST /advise HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n${headers}\r\n\r\n`;

const CASES: [string, string | Buffer, number, RegExp][] = [
  ['a body shorter than its Content-Length', `${head('Content-Length: 100')}${BODY}`, 400, /^HPE_/],
  ['a body longer than its Content-Length', `${head('Content-Length: 10')}${BODY}`, 400, /^HPE_|^FST_ERR_CTP_INVALID_JSON_BODY$/],
  ['a chunk size that is not hex', `${head('Transfer-Encoding: chunked')}zz\r\n${BODY}\r\n0\r\n\r\n`, 400, /^HPE_/],
  ['a chunked body cut off mid-chunk', `${head('Transfer-Encoding: chunked')}40\r\n{"tasks": 5, "cpu`, 400, /^HPE_/],
  ['both Content-Length and Transfer-Encoding', `${head('Content-Length: 5\r\nTransfer-Encoding: chunked')}0\r\n\r\n`, 400, /^HPE_/],
  ['a request line that is not HTTP', 'HELLO THERE\r\n\r\n', 400, /^HPE_/],
  ['headers over the limit', `GET /health HTTP/1.1\r\nHost: localhost\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`, 431, /^HEADERS_TOO_LARGE$/],
  [
    'a UTF-16 body labelled as such',
    Buffer.concat([
      Buffer.from(`POST /advise HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json; charset=utf-16le\r\nContent-Length: ${Buffer.byteLength(BODY, 'utf16le')}\r\n\r\n`),
      Buffer.from(BODY, 'utf16le'),
    ]),
    415,
    /^UNSUPPORTED_CHARSET$/,
  ],
];

for (const [name, request, status, code] of CASES) {
  test(`${name}: ${status} in the error shape`, async () => {
    const res = await exchange(request);
    assert.equal(res.status, status, res.body);
    const body = ErrorReplySchema.parse(JSON.parse(res.body));
    assert.equal(body.statusCode, status);
    assert.match(body.code, code);
  });
}

test('the server still answers after all of them', async () => {
  const res = await exchange('GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
  assert.equal(res.status, 200);
  assert.equal(JSON.parse(res.body).status, 'ok');
});
