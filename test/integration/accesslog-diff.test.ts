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

/** Config values with non-ASCII text: they go out and into the log as their UTF-8 bytes. */
const UTF8_CONFIG = `server.modules += ( "mod_accesslog", "mod_setenv" )
server.tag = "tag-\u00e9"
setenv.add-response-header = ( "X-Out" => "\u00e9-\u20ac" )
setenv.set-request-header = ( "X-In" => "\u00fc" )
accesslog.filename = "@DIR@/@LOG@"
accesslog.format = "[%r] [%U] [%{X-In}i] [%{X-Out}o] [%{User-Agent}i] %s"
`;

const UTF8_REQUESTS = [
  'GET /x HTTP/1.0\r\n\r\n',
  'GET /%C3%A9 HTTP/1.0\r\nUser-Agent: \xc3\xa4\t\xff\r\n\r\n',
  'GET /\xc3\xa9?q=\xe2\x82\xac HTTP/1.0\r\n\r\n',
];

test('non-ASCII config values (server.tag, setenv headers) and request bytes: headers and log lines agree with lighttpd 1.4.69', { timeout: 60_000 }, async (t) => {
  const ours = await startTestServer(t, UTF8_CONFIG.replaceAll('@LOG@', 'ours.log'));
  const oracle = await startLighttpd(t, `server.port = @PORT@\nserver.bind = "127.0.0.1"\nserver.document-root = "${ours.docroot}"\n${UTF8_CONFIG.replaceAll('@LOG@', 'lighttpd.log')}`, { dir: ours.dir });
  const shown = (x: Awaited<ReturnType<typeof rawRequest>>): string => {
    const r = x.responses[0];
    return `${r?.status ?? 0} X-Out: ${r?.header('x-out') ?? '(none)'} Server: ${r?.header('server') ?? '(none)'}`;
  };
  let sameHeads = 0;
  for (const req of UTF8_REQUESTS) {
    const theirs = shown(await rawRequest(oracle.port, Buffer.from(req, 'latin1'), { expect: 1 }));
    const mine = shown(await rawRequest(ours.port, Buffer.from(req, 'latin1'), { expect: 1 }));
    if (mine === theirs) sameHeads++;
    else console.log(`differs: ${JSON.stringify(req)}\n  lighttpd:   ${JSON.stringify(theirs)}\n  tswstunnel: ${JSON.stringify(mine)}`);
  }
  await oracle.stop();
  await ours.server.close();
  const theirs = readFileSync(path.join(ours.dir, 'lighttpd.log'), 'latin1').split('\n').filter((l) => l !== '');
  const mine = readFileSync(path.join(ours.dir, 'ours.log'), 'latin1').split('\n').filter((l) => l !== '');
  const same = theirs.filter((line, i) => line === mine[i]).length;
  console.log(`non-ASCII differential: ${sameHeads} of ${UTF8_REQUESTS.length} response heads and ${same} of ${theirs.length} log lines agree`);
  assert.equal(theirs.length, UTF8_REQUESTS.length);
  assert.deepEqual(mine, theirs);
  assert.equal(sameHeads, UTF8_REQUESTS.length);
});
