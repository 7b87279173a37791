/**
 * `extforward.hap-PROXY` on real sockets (127.0.0.1, port 0): PROXY protocol v1 (TCP4, TCP6, UNKNOWN)
 * and v2 (PROXY with TLVs, LOCAL) on a `$SERVER["socket"]` listener, the header in a write of its own or
 * together with the request, a header cut by the first segment and a plain request closed (with
 * lighttpd's log line), an untrusted peer served plain, a connection that sends nothing closed after
 * max-read-idle; a WebSocket tunnel through the listener whose `$HTTP["remote-ip"]` block sees the
 * header's client, mod_proxy's X-Forwarded-For naming that client, and an https listener reading the
 * header before the TLS handshake.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { tcpBackend } from '../helpers/backends.js';
import { rawHeader, startHttpBackend } from '../helpers/proxy-backends.js';
import { proxyV1, proxyV2, sslTlv, tlv } from '../helpers/proxy-header.js';
import { rawRequest, type RawExchange } from '../helpers/raw-http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { testCert } from '../helpers/tls-cert.js';
import { waitFor } from '../helpers/wait.js';
import { openClient } from '../helpers/ws-client.js';

const PROBES = `
$HTTP["remote-ip"] =~ "^(.*)$" { url.redirect = ( "^/echo" => "/ip/%1" ) }
$HTTP["scheme"] == "https" { url.redirect-code = 308 }
accesslog.filename = "@DIR@/access.log"
accesslog.format = "%h %{remote}p %>s"
`;

/** A plain listener (first) and a hap-PROXY one (second); `extra` is appended. */
async function hapServer(t: TestContext, extra = '', modules = '"mod_extforward", "mod_redirect", "mod_accesslog"'): Promise<{ srv: TestServer; hap: number }> {
  const srv = await startTestServer(
    t,
    `server.modules = ( ${modules} )
extforward.forwarder = ( "127.0.0.1" => "trust" )
$SERVER["socket"] == "127.0.0.1:@FREEPORT@" { extforward.hap-PROXY = "enable" }
${PROBES}
${extra}`,
  );
  const hap = srv.server.listeners[1]?.port ?? 0;
  assert.notEqual(hap, 0);
  return { srv, hap };
}

const GET = 'GET /echo HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n';

function location(ex: RawExchange): string | undefined {
  return ex.responses[0]?.header('location');
}

test('v1 TCP4 / TCP6 / UNKNOWN and v2 PROXY / LOCAL: the address conditions see, in a write of its own or with the request', async (t) => {
  const { hap } = await hapServer(t);
  assert.equal(location(await rawRequest(hap, GET, { preface: proxyV1('TCP4 203.0.113.9 127.0.0.1 5555 80') })), '/ip/203.0.113.9');
  assert.equal(location(await rawRequest(hap, Buffer.concat([proxyV1('TCP4 203.0.113.10 127.0.0.1 5555 80'), Buffer.from(GET)]))), '/ip/203.0.113.10');
  assert.equal(location(await rawRequest(hap, GET, { preface: proxyV1('TCP6 2001:DB8::0:1 ::1 5555 80') })), '/ip/2001:db8::1');
  assert.equal(location(await rawRequest(hap, GET, { preface: proxyV1('UNKNOWN') })), '/ip/127.0.0.1');
  assert.equal(location(await rawRequest(hap, GET, { preface: proxyV2({ src: '198.51.100.7', tlvs: [tlv(0x05, 'id'), tlv(0x04, '')] }) })), '/ip/198.51.100.7');
  assert.equal(location(await rawRequest(hap, GET, { preface: proxyV2({ family: 0x21, src: '2001:db8::77' }) })), '/ip/2001:db8::77');
  // LOCAL (a health check by the proxy itself) keeps the real peer, its TLVs are not read
  assert.equal(location(await rawRequest(hap, GET, { preface: proxyV2({ command: 0, tlvs: [sslTlv(0x01, 0)] }) })), '/ip/127.0.0.1');
});

test('v2 SSL TLV: the connection is https for every request on it (308 from the scheme block); keep-alive keeps the address', async (t) => {
  const { hap } = await hapServer(t);
  const two = 'GET /echo HTTP/1.1\r\nHost: localhost\r\n\r\nGET /echo HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n';
  const ex = await rawRequest(hap, two, { preface: proxyV2({ src: '203.0.113.30', tlvs: [sslTlv(0x01, 0, [tlv(0x21, 'TLSv1.3')])] }), expect: 2 });
  assert.deepEqual(
    ex.responses.map((r) => [r.status, r.header('location')]),
    [
      [308, '/ip/203.0.113.30'],
      [308, '/ip/203.0.113.30'],
    ],
  );
});

test('no valid header on the first read: closed without an answer, lighttpd\'s log line; the other listener is plain HTTP', async (t) => {
  const { srv, hap } = await hapServer(t);
  // the header cut by the first segment: lighttpd 1.4.69 decides on the first read and closes
  const cut = await rawRequest(hap, '', { preface: Buffer.from('PROXY TCP4 203.0.') });
  assert.equal(cut.closed, true);
  assert.equal(cut.raw.length, 0);
  const plain = await rawRequest(hap, GET);
  assert.equal(plain.closed, true);
  assert.equal(plain.raw.length, 0);
  // framed but unreadable (a port of 0): closed too, without a log line
  const refused = await rawRequest(hap, GET, { preface: proxyV1('TCP4 203.0.113.9 127.0.0.1 0 80') });
  assert.equal(refused.raw.length, 0);
  assert.equal(srv.stderr().split('hap-PROXY proto received invalid/unsupported request').length - 1, 2);
  assert.match(srv.stderr(), /\(mod_extforward\.ts\) hap-PROXY proto received invalid\/unsupported request/);
  assert.equal(location(await rawRequest(srv.port, GET)), '/ip/127.0.0.1');
});

test('a peer that is not a trusted forwarder sends no header: plain HTTP with its own address', async (t) => {
  const srv = await startTestServer(
    t,
    `server.modules = ( "mod_extforward", "mod_redirect" )
extforward.forwarder = ( "10.1.1.1" => "trust" )
extforward.hap-PROXY = "enable"
${PROBES}`,
  );
  assert.equal(location(await rawRequest(srv.port, GET)), '/ip/127.0.0.1');
  assert.equal(srv.stderr().includes('hap-PROXY'), false);
});

test('a connection that sends nothing is closed after server.max-read-idle', async (t) => {
  const { hap } = await hapServer(t, 'server.max-read-idle = 1');
  const sock = net.connect({ host: '127.0.0.1', port: hap });
  t.after(() => sock.destroy());
  sock.on('error', () => undefined);
  await new Promise<void>((resolve) => sock.once('connect', () => resolve()));
  const started = Date.now();
  sock.resume();
  await new Promise<void>((resolve) => sock.once('close', () => resolve()));
  const took = Date.now() - started;
  assert.ok(took >= 900 && took < 5000, `closed after ${took} ms`);
});

test('access log: the header\'s address and port', async (t) => {
  const { srv, hap } = await hapServer(t);
  await rawRequest(hap, GET, { preface: proxyV1('TCP4 203.0.113.9 127.0.0.1 5555 80') });
  await rawRequest(hap, GET, { preface: proxyV2({ family: 0x21, src: '2001:db8::5', srcPort: 4711 }) });
  await srv.server.close();
  assert.deepEqual(readFileSync(`${srv.dir}/access.log`, 'latin1').split('\n').filter((l) => l !== ''), ['203.0.113.9 5555 301', '2001:db8::5 4711 301']);
});

test('WebSocket tunnel through hap-PROXY: the $HTTP["remote-ip"] block with wstunnel.server sees the header\'s client', async (t) => {
  const backend = await tcpBackend();
  t.after(() => backend.close());
  const { hap } = await hapServer(
    t,
    `$HTTP["remote-ip"] == "203.0.113.0/24" { wstunnel.server = ( "" => (( "host" => "127.0.0.1", "port" => ${backend.port} )) ) }`,
    '"mod_extforward", "mod_redirect", "mod_accesslog", "mod_wstunnel"',
  );
  const viaProxy = (header: Buffer) => () => {
    const s = net.connect({ host: '127.0.0.1', port: hap });
    s.write(header);
    return s;
  };
  const c = await openClient(`ws://127.0.0.1:${hap}/websockify`, undefined, { createConnection: viaProxy(proxyV1('TCP4 203.0.113.50 127.0.0.1 40000 80')) });
  c.ws.send('through haproxy');
  assert.equal((await c.collect(15)).toString(), 'through haproxy');
  c.ws.close();
  await c.closed();
  // the same upgrade from a client outside the block gets no tunnel
  await assert.rejects(openClient(`ws://127.0.0.1:${hap}/websockify`, undefined, { createConnection: viaProxy(proxyV1('TCP4 198.51.100.1 127.0.0.1 40000 80')) }), /unexpected response/);
  assert.equal(backend.accepted.length, 1);
});

test('mod_proxy behind hap-PROXY: X-Forwarded-For and Forwarded name the header\'s client', async (t) => {
  const be = await startHttpBackend();
  t.after(() => be.close());
  const { hap } = await hapServer(t, `proxy.server = ( "/app/" => (( "host" => "127.0.0.1", "port" => ${be.port} )) )\nproxy.forwarded = ( "for" => 1 )`, '"mod_extforward", "mod_redirect", "mod_accesslog", "mod_proxy"');
  const ex = await rawRequest(hap, 'GET /app/x HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n', { preface: proxyV1('TCP4 203.0.113.9 127.0.0.1 5555 80') });
  assert.equal(ex.responses[0]?.status, 200);
  const rec = be.requests[0];
  assert.ok(rec);
  assert.equal(rawHeader(rec, 'x-forwarded-for'), '203.0.113.9');
  assert.equal(rawHeader(rec, 'forwarded'), 'for=203.0.113.9');
});

test('https listener: the header comes before the TLS handshake (mod_openssl listed before mod_extforward); wss:// through it', async (t) => {
  const cert = testCert();
  const backend = await tcpBackend();
  t.after(() => backend.close());
  const srv = await startTestServer(
    t,
    `server.modules = ( "mod_openssl", "mod_extforward", "mod_redirect", "mod_wstunnel" )
ssl.pemfile = "${cert.bothFile}"
extforward.forwarder = ( "127.0.0.1" => "trust" )
$SERVER["socket"] == "127.0.0.1:@FREEPORT@" { ssl.engine = "enable" extforward.hap-PROXY = "enable" }
$HTTP["remote-ip"] == "203.0.113.0/24" { $HTTP["url"] =^ "/ws" { wstunnel.server = ( "" => (( "host" => "127.0.0.1", "port" => ${backend.port} )) ) } }
${PROBES}`,
  );
  const port = srv.server.listeners[1]?.port ?? 0;
  const ex = await rawRequest(port, GET, { preface: proxyV1('TCP4 203.0.113.9 127.0.0.1 5555 443'), tls: true });
  assert.equal(ex.responses[0]?.status, 308);
  assert.equal(location(ex), '/ip/203.0.113.9');
  // a handshake right away is no PROXY header: closed
  const direct = await rawRequest(port, GET, { tls: true });
  assert.equal(direct.responses.length, 0);
  // wss:// through it, the header first on the TCP connection, then TLS
  const createConnection = (): net.Socket => {
    const tcp = net.connect({ host: '127.0.0.1', port });
    tcp.write(proxyV2({ src: '203.0.113.60', tlvs: [sslTlv(0x01, 0)] }));
    return tlsConnect({ socket: tcp, servername: 'localhost', ca: cert.certPem });
  };
  const c = await openClient(`wss://localhost:${port}/ws`, undefined, { createConnection });
  c.ws.send('over tls, behind haproxy');
  assert.equal((await c.collect(24)).toString(), 'over tls, behind haproxy');
  c.ws.close();
  await c.closed();
  assert.equal(srv.stderr().includes('must be loaded after'), false);
});

test('mod_openssl listed after mod_extforward: lighttpd\'s warning, and TLS reads first on the https listener', async (t) => {
  const cert = testCert();
  const srv = await startTestServer(
    t,
    `server.modules = ( "mod_extforward", "mod_redirect", "mod_openssl" )
ssl.pemfile = "${cert.bothFile}"
extforward.forwarder = ( "127.0.0.1" => "trust" )
extforward.hap-PROXY = "enable"
$SERVER["socket"] == "127.0.0.1:@FREEPORT@" { ssl.engine = "enable" }
${PROBES}`,
  );
  assert.match(srv.stderr(), /mod_extforward must be loaded after mod_openssl in server\.modules when extforward\.hap-PROXY = "enable"/);
  const port = srv.server.listeners[1]?.port ?? 0;
  assert.equal(location(await rawRequest(port, GET, { tls: true })), '/ip/127.0.0.1');
  // the plain listener still wants the header
  assert.equal(location(await rawRequest(srv.port, GET, { preface: proxyV1('TCP4 203.0.113.9 127.0.0.1 5555 80') })), '/ip/203.0.113.9');
  const tls = tlsConnect({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false });
  tls.on('error', () => undefined);
  await new Promise<void>((resolve) => tls.once('secureConnect', () => resolve()));
  tls.destroy();
});

test('a connection waiting for its header counts, and closes with the server', async (t) => {
  const { srv, hap } = await hapServer(t);
  const sock = net.connect({ host: '127.0.0.1', port: hap });
  sock.on('error', () => undefined);
  await new Promise<void>((resolve) => sock.once('connect', () => resolve()));
  await waitFor(() => srv.server.connectionCount === 1, 2000, 'the waiting connection to count');
  const closed = new Promise<void>((resolve) => sock.once('close', () => resolve()));
  sock.resume();
  await srv.server.close();
  await closed;
});
