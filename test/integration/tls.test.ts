/**
 * TLS listeners (http-core.md §12.2) on real sockets: Debian's layout (global `ssl.pemfile`, only
 * `ssl.engine` in the `$SERVER["socket"]` block) next to a plain listener; https static files with
 * ALPN http/1.1, `$HTTP["scheme"]` and Host normalisation with port 443, TLS 1.1 refused, plain HTTP
 * on the TLS port closed without an answer, both logged as lighttpd logs them; wss:// through
 * mod_wstunnel and through mod_proxy's upgrade; `ssl.ca-file` completing the chain; `ssl.openssl.ssl-conf-cmd` MinProtocol.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { connect as tlsConnect } from 'node:tls';
import { once } from 'node:events';
import WebSocket from 'ws';
import { tcpBackend } from '../helpers/backends.js';
import { rawHeader, startWsBackend } from '../helpers/proxy-backends.js';
import { httpsRequest } from '../helpers/https-client.js';
import { rawRequest } from '../helpers/raw-http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { testCert, testChain } from '../helpers/tls-cert.js';
import { waitFor } from '../helpers/wait.js';
import { openClient } from '../helpers/ws-client.js';

const FILES = { 'index.html': 'hello over tls\n' };

/** A plain listener (first) and a TLS one on @FREEPORT@ (second); extra config appended. */
async function twoListeners(t: TestContext, extra = ''): Promise<{ srv: TestServer; tlsPort: number }> {
  const cert = testCert();
  const srv = await startTestServer(
    t,
    `server.modules = ("mod_openssl", "mod_redirect", "mod_setenv", "mod_wstunnel")
ssl.pemfile = "${cert.bothFile}"
$SERVER["socket"] == "127.0.0.1:@FREEPORT@" { ssl.engine = "enable" }
$HTTP["scheme"] == "https" { setenv.add-response-header = ("X-Scheme" => "https") }
url.redirect = ( "^/where$" => "\${url.scheme}://\${url.authority}/" )
${extra}`,
    { files: FILES },
  );
  const tlsPort = srv.server.listeners[1]?.port ?? 0;
  assert.notEqual(tlsPort, 0);
  return { srv, tlsPort };
}

test('https GET of a static file: verified certificate, ALPN http/1.1 chosen from h2 + http/1.1, scheme https', async (t) => {
  const { tlsPort } = await twoListeners(t);
  const r = await httpsRequest(tlsPort, '/index.html', { ca: testCert().certPem, alpn: ['h2', 'http/1.1'] });
  assert.equal(r.status, 200);
  assert.equal(r.body, FILES['index.html']);
  assert.equal(r.alpn, 'http/1.1');
  assert.equal(r.protocol, 'TLSv1.3');
  assert.equal(r.headers['x-scheme'], 'https');
  const r12 = await httpsRequest(tlsPort, '/index.html', { ca: testCert().certPem, maxVersion: 'TLSv1.2' });
  assert.equal(r12.status, 200);
  assert.equal(r12.protocol, 'TLSv1.2');
});

test('a client offering only h2 is refused with a no-application-protocol alert (no HTTP/2 here); no ALPN at all is fine', async (t) => {
  const { tlsPort } = await twoListeners(t);
  const h2 = tlsConnect({ host: '127.0.0.1', port: tlsPort, servername: 'localhost', ca: testCert().certPem, ALPNProtocols: ['h2'] });
  t.after(() => h2.destroy());
  const err = await new Promise<Error>((resolve) => {
    h2.once('error', resolve);
    h2.once('secureConnect', () => resolve(new Error('handshake succeeded')));
  });
  assert.match(err.message, /no application protocol/);
  const r = await httpsRequest(tlsPort, '/index.html', { ca: testCert().certPem });
  assert.equal(r.alpn, false);
  assert.equal(r.status, 200);
});

test('the plain listener next to it stays plain: scheme http, no X-Scheme', async (t) => {
  const { srv } = await twoListeners(t);
  const r = await rawRequest(srv.port, 'GET /index.html HTTP/1.0\r\nHost: localhost\r\n\r\n');
  assert.equal(r.responses[0]?.status, 200);
  assert.equal(r.responses[0]?.header('x-scheme'), undefined);
});

test('Host normalisation on TLS drops :443 (not :80); on the plain listener :443 stays (url.authority in a redirect)', async (t) => {
  const { srv, tlsPort } = await twoListeners(t);
  const a = await httpsRequest(tlsPort, '/where', { headers: { Host: 'localhost:443' } });
  assert.equal(a.headers.location, 'https://localhost/');
  const b = await httpsRequest(tlsPort, '/where', { headers: { Host: 'localhost:80' } });
  assert.equal(b.headers.location, 'https://localhost:80/');
  const c = await rawRequest(srv.port, 'GET /where HTTP/1.0\r\nHost: localhost:443\r\n\r\n');
  assert.equal(c.responses[0]?.header('location'), 'http://localhost:443/');
  const d = await rawRequest(srv.port, 'GET /where HTTP/1.0\r\nHost: localhost:80\r\n\r\n');
  assert.equal(d.responses[0]?.header('location'), 'http://localhost/');
});

test('TLS 1.1 is refused with a protocol-version alert and logged like lighttpd', async (t) => {
  const { srv, tlsPort } = await twoListeners(t);
  const s = tlsConnect({ host: '127.0.0.1', port: tlsPort, rejectUnauthorized: false, minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' });
  const err = await new Promise<Error>((resolve) => {
    s.once('error', resolve);
    s.once('secureConnect', () => resolve(new Error('handshake succeeded')));
  });
  s.destroy();
  assert.match(err.message, /protocol version/);
  await waitFor(() => srv.stderr().includes('SSL: 1 error:0A000102:SSL routines::unsupported protocol (127.0.0.1)'), 3000, 'the log line');
});

test('plain HTTP sent to the TLS port: no HTTP answer, connection closed, one log line', async (t) => {
  const { srv, tlsPort } = await twoListeners(t);
  const r = await rawRequest(tlsPort, 'GET /index.html HTTP/1.1\r\nHost: localhost\r\n\r\n');
  assert.equal(r.closed, true);
  assert.equal(r.responses.length, 0);
  assert.equal(r.raw.includes('HTTP/'), false);
  await waitFor(() => srv.stderr().includes('(mod_openssl.c.3275) SSL: 1 error:0A00009C:SSL routines::http request (127.0.0.1)'), 3000, 'the log line');
  // the server is fine afterwards
  assert.equal((await httpsRequest(tlsPort, '/index.html')).status, 200);
});

test('a connection closed before or during the handshake logs nothing and breaks nothing', async (t) => {
  const { srv, tlsPort } = await twoListeners(t);
  await rawRequest(tlsPort, Buffer.alloc(0), { timeoutMs: 100 });
  await rawRequest(tlsPort, Buffer.from([0x16, 0x03, 0x01, 0x00]), { timeoutMs: 100 });
  assert.equal((await httpsRequest(tlsPort, '/index.html')).status, 200);
  assert.equal(srv.stderr().includes('SSL:'), false, srv.stderr());
});

test('a handshake that stalls is closed after server.max-read-idle, as a stalled request head is', async (t) => {
  const { tlsPort } = await twoListeners(t, 'server.max-read-idle = 1');
  const started = Date.now();
  // the first bytes of a ClientHello record, then nothing
  const r = await rawRequest(tlsPort, Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]), { timeoutMs: 6000 });
  assert.equal(r.closed, true);
  const took = Date.now() - started;
  assert.ok(took >= 900 && took < 5000, `closed after ${took} ms`);
});

test('wss:// through mod_wstunnel to a TCP echo backend: small and 200 KiB messages both ways', async (t) => {
  const backend = await tcpBackend();
  t.after(() => backend.close());
  const { srv, tlsPort } = await twoListeners(t, `$HTTP["url"] =~ "^/ws" { wstunnel.server = ( "" => (( "host" => "127.0.0.1", "port" => ${backend.port} )) ) }`);
  const c = await openClient(`wss://localhost:${tlsPort}/ws`, undefined, { ca: testCert().certPem });
  c.ws.send('hello tunnel');
  assert.equal((await c.collect(12)).toString(), 'hello tunnel');
  const big = 'x'.repeat(200 * 1024);
  c.ws.send(big);
  assert.equal((await c.collect(big.length)).toString(), big);
  c.ws.close();
  await c.closed();
  await waitFor(() => srv.server.connectionCount === 0, 3000, 'the tunnel to close');
});

test('mod_proxy upgrade over TLS: wss:// to a ws backend, X-Forwarded-Proto https, 1 MiB echoed', async (t) => {
  const be = await startWsBackend();
  t.after(() => be.close());
  const cert = testCert();
  const srv = await startTestServer(
    t,
    `server.modules = ("mod_openssl", "mod_proxy")
ssl.engine = "enable"
ssl.pemfile = "${cert.bothFile}"
proxy.server = ( "/ws/" => ( ( "host" => "127.0.0.1", "port" => ${be.port} ) ) )
proxy.header = ( "upgrade" => "enable" )`,
  );
  const ws = new WebSocket(`wss://localhost:${srv.port}/ws/echo`, { perMessageDeflate: false, ca: cert.certPem });
  t.after(() => ws.terminate());
  await once(ws, 'open');
  const hs = be.upgrades[0];
  assert.ok(hs);
  assert.equal(rawHeader(hs, 'x-forwarded-proto'), 'https');
  const big = Buffer.alloc(1024 * 1024, 9);
  const got = once(ws, 'message') as Promise<[Buffer, boolean]>;
  ws.send(big);
  const [back] = await got;
  assert.ok(back.equals(big));
  const closed = once(ws, 'close');
  ws.close(1000, 'done');
  await closed;
});

test('SNI: ssl.pemfile in $HTTP["host"] blocks picks the certificate by server name; other names get the socket\'s', async (t) => {
  const main = testCert();
  const other = testCert('other.test');
  const third = testCert('third.test');
  const srv = await startTestServer(
    t,
    `server.modules = ("mod_openssl")
ssl.engine = "enable"
ssl.pemfile = "${main.bothFile}"
$HTTP["host"] == "other.test" { ssl.pemfile = "${other.certFile}"\nssl.privkey = "${other.keyFile}" }
$HTTP["host"] =~ "^third\\." { ssl.pemfile = "${third.bothFile}" }
$HTTP["url"] =^ "/x" { ssl.pemfile = "${other.bothFile}" }`,
    { files: FILES },
  );
  const subject = async (servername: string): Promise<string> => {
    const s = tlsConnect({ host: '127.0.0.1', port: srv.port, servername, rejectUnauthorized: false });
    t.after(() => s.destroy());
    await once(s, 'secureConnect');
    const cn = s.getPeerCertificate().subject.CN;
    s.destroy();
    return Array.isArray(cn) ? cn.join(',') : (cn ?? '');
  };
  assert.equal(await subject('other.test'), 'other.test');
  assert.equal(await subject('OTHER.test'), 'other.test');
  assert.equal(await subject('third.test'), 'third.test');
  assert.equal(await subject('localhost'), 'localhost');
  assert.equal(await subject('unknown.test'), 'localhost');
  // the verified path: the other certificate is trusted for its name
  const s = tlsConnect({ host: '127.0.0.1', port: srv.port, servername: 'other.test', ca: other.certPem });
  t.after(() => s.destroy());
  await once(s, 'secureConnect');
  assert.match(srv.stderr(), /WARNING: ssl\.pemfile in a \$HTTP\["url"\] block is not supported by tswstunnel/);
  assert.doesNotMatch(srv.stderr(), /\$HTTP\["host"\] block is not supported/);
});

test('ssl.ca-file supplies the intermediate: a client trusting only the root verifies the chain', async (t) => {
  const chain = testChain();
  const srv = await startTestServer(
    t,
    `server.modules = ("mod_openssl")
ssl.engine = "enable"
ssl.pemfile = "${chain.leafBothFile}"
ssl.ca-file = "${chain.intermediateFile}"`,
    { files: FILES },
  );
  const r = await httpsRequest(srv.port, '/index.html', { ca: chain.rootPem });
  assert.equal(r.status, 200);
});

test('ssl.openssl.ssl-conf-cmd MinProtocol TLSv1.3 refuses a TLS 1.2 client; unmapped commands are warned about', async (t) => {
  const cert = testCert();
  const srv = await startTestServer(
    t,
    `server.modules = ("mod_openssl")
ssl.engine = "enable"
ssl.pemfile = "${cert.certFile}"
ssl.privkey = "${cert.keyFile}"
ssl.openssl.ssl-conf-cmd = ( "MinProtocol" => "TLSv1.3", "Options" => "-SessionTicket" )`,
    { files: FILES },
  );
  assert.equal((await httpsRequest(srv.port, '/index.html')).protocol, 'TLSv1.3');
  await assert.rejects(httpsRequest(srv.port, '/index.html', { maxVersion: 'TLSv1.2' }), /protocol version/);
  assert.match(srv.stderr(), /ssl-conf-cmd Options -SessionTicket is not supported by tswstunnel \(ignored\)/);
});

test('ssl.* keys without mod_openssl in server.modules: lighttpd adds it and warns; listed: no warning', async (t) => {
  const cert = testCert();
  const without = await startTestServer(t, `ssl.engine = "enable"\nssl.pemfile = "${cert.bothFile}"`, { files: FILES });
  assert.match(without.stderr(), /Warning: please add "mod_openssl" to server.modules list in lighttpd.conf/);
  assert.equal((await httpsRequest(without.port, '/index.html')).status, 200);
  const listed = await startTestServer(t, `server.modules = ("mod_openssl")\nssl.engine = "enable"\nssl.pemfile = "${cert.bothFile}"`, { files: FILES });
  assert.doesNotMatch(listed.stderr(), /please add "mod_openssl"/);
  assert.doesNotMatch(listed.stderr(), /not supported/);
});
