/**
 * Differential check against the real lighttpd 1.4.69: the same config and the same raw requests go to
 * both servers; status, the status-line version and the key headers must agree.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer } from '../helpers/server.js';
import { rawRequest, type RawResponse } from '../helpers/raw-http.js';
import { startLighttpd } from '../helpers/lighttpd.js';

const REQUESTS: readonly string[] = [
  'GET /missing HTTP/1.1\r\nHost: a\r\n\r\n',
  'GET /missing HTTP/1.0\r\n\r\n',
  'HEAD /missing HTTP/1.1\r\nHost: a\r\n\r\n',
  'GET /sub HTTP/1.1\r\nHost: a\r\n\r\n',
  'GET /sub?x=1&y=%20 HTTP/1.1\r\nHost: a\r\n\r\n',
  'GET /sub/ HTTP/1.1\r\nHost: a\r\n\r\n',
  'GET /x/../sub HTTP/1.1\r\nHost: a\r\n\r\n',
  'GET /%73ub HTTP/1.1\r\nHost: a\r\n\r\n',
  'PUT /missing HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n',
  'DELETE /sub/ HTTP/1.1\r\nHost: a\r\n\r\n',
  'OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n',
  'OPTIONS /sub/ HTTP/1.1\r\nHost: a\r\n\r\n',
  'GET / HTTP/1.1\r\n\r\n',
  'GET / HTTP/2.0\r\n\r\n',
  'FOO / HTTP/1.0\r\n\r\n',
  'get / HTTP/1.0\r\n\r\n',
  'POST /missing HTTP/1.0\r\n\r\n',
  'POST /missing HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc',
  'GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc',
  'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n',
  'GET / HTTP/1.0\r\nUpgrade: websocket\r\n\r\n',
  'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n',
  'GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n',
  'GET / HTTP/1.1\r\nHost: a_b.com\r\n\r\n',
  'GET / HTTP/1.1\r\nHost: a.com:99999\r\n\r\n',
  'GET / HTTP/1.1\r\nHost: 1.2.3\r\n\r\n',
  'GET / HTTP/1.1\r\nHost: [::1]:80\r\n\r\n',
  'GET /hello%00 HTTP/1.0\r\n\r\n',
  'GET /%C0%AF HTTP/1.0\r\n\r\n',
  'GET /%E2%82%AC HTTP/1.0\r\n\r\n',
  'GET /?%00 HTTP/1.0\r\n\r\n',
  'GET hello.txt HTTP/1.0\r\n\r\n',
  'GET * HTTP/1.0\r\n\r\n',
  'GET http://example.com/missing HTTP/1.1\r\n\r\n',
  'GET /missing HTTP/1.1\r\nHost: a\r\nIf-Modified-Since: a\r\nIf-Modified-Since: b\r\n\r\n',
  'GET /missing HTTP/1.1\r\nHost: a\r\nIf-None-Match: "a"\r\nIf-None-Match: "b"\r\n\r\n',
  'GET /missing HTTP/1.1\r\nHost: a\r\nX-Foo: a\xffb\r\n\r\n',
  'CONNECT 127.0.0.1:1 HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n',
  `GET /?${'a'.repeat(9000)} HTTP/1.1\r\nHost: a\r\n\r\n`,
  'GET /missing HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
];

function summary(r: RawResponse | undefined): string {
  if (!r) return '(no response)';
  const keys = ['content-type', 'content-length', 'location', 'allow'];
  const parts = [r.statusLine];
  for (const k of keys) {
    const v = r.header(k);
    if (v !== undefined) parts.push(`${k}: ${v}`);
  }
  if (r.status >= 400 && r.header('connection')?.toLowerCase() === 'close') parts.push('connection: close');
  return parts.join(' | ');
}

test('core statuses and headers agree with lighttpd 1.4.69', async (t) => {
  const conf = 'server.modules = ()\nserver.document-root = "@DIR@/www"\n';
  const ours = await startTestServer(t, conf);
  mkdirSync(join(ours.docroot, 'sub'));
  const oracle = await startLighttpd(t, `server.port = @PORT@\nserver.bind = "127.0.0.1"\n${conf}`, { dir: ours.dir });
  const diffs: string[] = [];
  for (const req of REQUESTS) {
    const head = req.startsWith('HEAD') ? [true] : [];
    const [a, b] = await Promise.all([rawRequest(oracle.port, req, { expect: 1, head, timeoutMs: 2000 }), rawRequest(ours.port, req, { expect: 1, head, timeoutMs: 2000 })]);
    const want = summary(a.responses[0]);
    const got = summary(b.responses[0]);
    if (want !== got) diffs.push(`${JSON.stringify(req.slice(0, 80))}\n  lighttpd: ${want}\n  ours:     ${got}`);
  }
  assert.equal(diffs.length, 0, `${diffs.length} of ${REQUESTS.length} differ:\n${diffs.join('\n')}`);
});
