/**
 * Differential check of TLS listeners against the real lighttpd 1.4.69 with mod_openssl (Debian package
 * lighttpd-mod-openssl): the same config (certificate made at test time) and the same raw requests over
 * TLS to both; status line and the headers that matter (type, length, Location built from the scheme,
 * the scheme condition's header, the WebSocket answer) must agree. Then what happens without TLS on the
 * TLS port and with TLS 1.1: both close without an HTTP answer / refuse the handshake, both log the line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { tcpBackend } from '../helpers/backends.js';
import { startLighttpd } from '../helpers/lighttpd.js';
import { rawRequest, type RawResponse } from '../helpers/raw-http.js';
import { startTestServer } from '../helpers/server.js';
import { testCert } from '../helpers/tls-cert.js';
import { waitFor } from '../helpers/wait.js';

const WS_HEAD = 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n';

const REQUESTS: readonly string[] = [
  'GET /index.html HTTP/1.1\r\nHost: localhost\r\n\r\n',
  'HEAD /index.html HTTP/1.1\r\nHost: localhost\r\n\r\n',
  'GET /missing HTTP/1.1\r\nHost: localhost\r\n\r\n',
  'GET /sub HTTP/1.1\r\nHost: localhost\r\n\r\n',
  'GET /sub HTTP/1.1\r\nHost: localhost:443\r\n\r\n',
  'GET /where HTTP/1.1\r\nHost: localhost:443\r\n\r\n',
  'GET /where HTTP/1.1\r\nHost: LocalHost:80\r\n\r\n',
  'GET /where HTTP/1.1\r\nHost: localhost:8443\r\n\r\n',
  'GET /where HTTP/1.0\r\n\r\n',
  'GET / HTTP/1.1\r\n\r\n',
  'GET /index.html HTTP/1.1\r\nHost: localhost:99999\r\n\r\n',
  `GET /ws HTTP/1.1\r\nHost: localhost\r\n${WS_HEAD}\r\n`,
  `GET /ws HTTP/1.1\r\nHost: localhost\r\n${WS_HEAD.replace('13', '8')}\r\n`,
];

function summary(r: RawResponse | undefined): string {
  if (!r) return '(no response)';
  // not on a 101: lighttpd adds mod_setenv's response headers to it, tswstunnel's mod_wstunnel does not
  // (a difference of the 101 answer on any listener, not of TLS)
  const keys = ['content-type', 'content-length', 'location', ...(r.status === 101 ? [] : ['x-scheme']), 'upgrade', 'sec-websocket-accept'];
  const parts = [r.statusLine];
  for (const k of keys) {
    const v = r.header(k);
    if (v !== undefined) parts.push(`${k}: ${v}`);
  }
  return parts.join(' | ');
}

test('https answers agree with lighttpd 1.4.69 + mod_openssl', async (t) => {
  const cert = testCert();
  const backend = await tcpBackend();
  t.after(() => backend.close());
  const conf = `server.modules = ("mod_openssl", "mod_redirect", "mod_setenv", "mod_wstunnel")
server.document-root = "@DIR@/www"
mimetype.assign = ( ".html" => "text/html" )
ssl.engine = "enable"
ssl.pemfile = "${cert.bothFile}"
$HTTP["scheme"] == "https" { setenv.add-response-header = ("X-Scheme" => "https") }
url.redirect = ( "^/where$" => "\${url.scheme}://\${url.authority}/" )
$HTTP["url"] =~ "^/ws" { wstunnel.server = ( "" => (( "host" => "127.0.0.1", "port" => ${backend.port} )) ) }
`;
  const ours = await startTestServer(t, conf);
  mkdirSync(join(ours.docroot, 'sub'));
  writeFileSync(join(ours.docroot, 'index.html'), 'hello over tls\n');
  const oracle = await startLighttpd(t, `server.port = @PORT@\nserver.bind = "127.0.0.1"\n${conf}`, { dir: ours.dir });
  const diffs: string[] = [];
  for (const req of REQUESTS) {
    const head = req.startsWith('HEAD') ? [true] : [];
    const o = { expect: 1, head, timeoutMs: 3000, tls: true };
    const [a, b] = await Promise.all([rawRequest(oracle.port, req, o), rawRequest(ours.port, req, o)]);
    const want = summary(a.responses[0]);
    const got = summary(b.responses[0]);
    if (want !== got) diffs.push(`${JSON.stringify(req.slice(0, 60))}\n  lighttpd: ${want}\n  ours:     ${got}`);
  }
  assert.equal(diffs.length, 0, `${diffs.length} of ${REQUESTS.length} differ:\n${diffs.join('\n')}`);

  // plain HTTP on the TLS port: neither answers, both close, both log OpenSSL's "http request"
  const plain = 'GET /index.html HTTP/1.1\r\nHost: localhost\r\n\r\n';
  const [pa, pb] = await Promise.all([rawRequest(oracle.port, plain), rawRequest(ours.port, plain)]);
  assert.deepEqual([pa.closed, pa.raw.includes('HTTP/')], [true, false], 'lighttpd');
  assert.deepEqual([pb.closed, pb.raw.includes('HTTP/')], [true, false], 'ours');
  const line = 'SSL: 1 error:0A00009C:SSL routines::http request (127.0.0.1)';
  await waitFor(() => oracle.stderr().includes(line) && ours.stderr().includes(line), 3000, `"${line}" in both logs`);

  // TLS 1.1: both refuse with a protocol-version alert and log it the same way
  for (const port of [oracle.port, ours.port]) {
    const s = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false, minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' });
    const err = await new Promise<Error>((resolve) => {
      s.once('error', resolve);
      s.once('secureConnect', () => resolve(new Error('handshake succeeded')));
    });
    s.destroy();
    assert.match(err.message, /protocol version/, `port ${port}`);
  }
  const old = 'SSL: 1 error:0A000102:SSL routines::unsupported protocol (127.0.0.1)';
  await waitFor(() => oracle.stderr().includes(old) && ours.stderr().includes(old), 3000, `"${old}" in both logs`);
});

test('SNI: the certificate each server name gets agrees with lighttpd 1.4.69 + mod_openssl', async (t) => {
  const main = testCert();
  const other = testCert('other.test');
  const third = testCert('third.test');
  const conf = `server.modules = ("mod_openssl")
server.document-root = "@DIR@/www"
ssl.engine = "enable"
ssl.pemfile = "${main.bothFile}"
$HTTP["host"] == "other.test" { ssl.pemfile = "${other.certFile}"
ssl.privkey = "${other.keyFile}" }
$HTTP["host"] =~ "^third\\." { ssl.pemfile = "${third.bothFile}" }
`;
  const ours = await startTestServer(t, conf);
  const oracle = await startLighttpd(t, `server.port = @PORT@\nserver.bind = "127.0.0.1"\n${conf}`, { dir: ours.dir });
  const subject = async (port: number, servername: string): Promise<string> => {
    const s = tlsConnect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false });
    t.after(() => s.destroy());
    await new Promise<void>((resolve, reject) => {
      s.once('secureConnect', resolve);
      s.once('error', reject);
    });
    const cn = s.getPeerCertificate().subject.CN;
    s.destroy();
    return Array.isArray(cn) ? cn.join(',') : (cn ?? '');
  };
  const names = ['other.test', 'Other.Test', 'third.test', 'third.example', 'localhost', 'nothing.test', 'other.test.evil'];
  const diffs: string[] = [];
  for (const n of names) {
    const [want, got] = [await subject(oracle.port, n), await subject(ours.port, n)];
    if (want !== got) diffs.push(`${n}: lighttpd ${want}, ours ${got}`);
  }
  assert.deepEqual(diffs, []);
});
