/**
 * Differential check of the access log's request-line fields against the real lighttpd 1.4.69 for
 * requests that fail while their request line is parsed: the same malformed requests go to both and
 * every log line (`%r`, `%H`, `%m`, `%U`, `%s`) must agree. lighttpd logs only what it parsed before
 * the failure: no protocol when the version was not read, no method when it is unknown.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startTestServer } from '../helpers/server.js';
import { startLighttpd } from '../helpers/lighttpd.js';
import { rawRequest } from '../helpers/raw-http.js';

const CONFIG = `server.modules += ( "mod_accesslog" )
accesslog.filename = "@DIR@/@LOG@"
accesslog.format = "[%r] [%H] [%m] [%U] %s"
`;

const REQUESTS = [
  'xyz\r\n\r\n',
  'FOO / HTTP/1.1\r\nHost: a\r\n\r\n',
  'GET / HTTP/2.0\r\nHost: a\r\n\r\n',
  'GET /\r\n\r\n',
  'GET / XTTP/1.0\r\n\r\n',
  'GET / HTTP/1.1\r\n\r\n',
  'GET  HTTP/1.0\r\n\r\n',
  'GET /a b HTTP/1.0\r\n\r\n',
  'GET /x HTTP/1.0\r\nHost: a_b\r\n\r\n',
  'GET /x HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\n\r\n',
  'GET /x?q=1 HTTP/1.1\r\nHost: a\r\n\r\n',
];

test('access log request-line fields of malformed requests agree with lighttpd 1.4.69', { timeout: 60_000 }, async (t) => {
  const ours = await startTestServer(t, CONFIG.replaceAll('@LOG@', 'ours.log'));
  const oracle = await startLighttpd(t, `server.port = @PORT@\nserver.bind = "127.0.0.1"\nserver.document-root = "${ours.docroot}"\n${CONFIG.replaceAll('@LOG@', 'lighttpd.log')}`, { dir: ours.dir });
  for (const req of REQUESTS) {
    // one after the other: the log lines come in the same order
    await rawRequest(oracle.port, req, { expect: 1 });
    await rawRequest(ours.port, req, { expect: 1 });
  }
  await oracle.stop();
  await ours.server.close();
  const theirs = readFileSync(path.join(ours.dir, 'lighttpd.log'), 'utf8').split('\n').filter((l) => l !== '');
  const mine = readFileSync(path.join(ours.dir, 'ours.log'), 'utf8').split('\n').filter((l) => l !== '');
  const same = theirs.filter((line, i) => line === mine[i]).length;
  console.log(`access log differential: ${same} of ${theirs.length} lines agree`);
  assert.equal(theirs.length, REQUESTS.length);
  assert.deepEqual(mine, theirs);
});
