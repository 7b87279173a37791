import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { createProbeModule } from '../helpers/probe-module.js';
import { rawRequest } from '../helpers/raw-http.js';
import type { TestContext } from 'node:test';

const probe = { mod_probe: createProbeModule };

function okServer(t: TestContext, extra = ''): Promise<TestServer> {
  return startTestServer(t, `server.modules = ("mod_probe")\nprobe.tag = "ok"\n${extra}`, { modules: probe });
}

async function firstLine(s: TestServer, req: string): Promise<{ line: string; close: string | undefined; closed: boolean }> {
  const ex = await rawRequest(s.port, req, { expect: 1 });
  const r = ex.responses[0];
  return { line: r?.statusLine ?? '(none)', close: r?.header('connection'), closed: ex.closed };
}

test('parser and request errors get lighttpd\'s statuses and close the connection', async (t) => {
  const s = await okServer(t);
  const cases: [string, string][] = [
    ['GET / HTTP/1.1\r\n\r\n', 'HTTP/1.1 400 Bad Request'],
    ['GET / HTTP/2.0\r\n\r\n', 'HTTP/1.0 505 HTTP Version Not Supported'],
    ['FOO / HTTP/1.0\r\n\r\n', 'HTTP/1.0 501 Not Implemented'],
    ['POST / HTTP/1.0\r\n\r\n', 'HTTP/1.0 411 Length Required'],
    ['GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc', 'HTTP/1.1 400 Bad Request'],
    ['POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n', 'HTTP/1.1 501 Not Implemented'],
    ['GET / HTTP/1.0\r\nUpgrade: websocket\r\n\r\n', 'HTTP/1.0 400 Bad Request'],
    ['GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', 'HTTP/1.1 400 Bad Request'],
    ['GET / HTTP/1.1\r\nHost: a_b.com\r\n\r\n', 'HTTP/1.1 400 Bad Request'],
    ['GET / HTTP/1.1\r\nHost: a.com:99999\r\n\r\n', 'HTTP/1.1 400 Bad Request'],
    ['GET / HTTP/1.1\r\nHost: 1.2.3\r\n\r\n', 'HTTP/1.1 400 Bad Request'],
    ['GET /hello%00 HTTP/1.0\r\n\r\n', 'HTTP/1.0 400 Bad Request'],
    ['GET /%C0%AF HTTP/1.0\r\n\r\n', 'HTTP/1.0 400 Bad Request'],
    ['GET /?%7F HTTP/1.0\r\n\r\n', 'HTTP/1.0 400 Bad Request'],
    ['GET hello.txt HTTP/1.0\r\n\r\n', 'HTTP/1.0 400 Bad Request'],
    ['GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx', 'HTTP/1.1 400 Bad Request'],
    ['PROPFIND / HTTP/1.0\r\n\r\n', 'HTTP/1.0 200 OK'],
  ];
  for (const [req, want] of cases) {
    const got = await firstLine(s, req);
    assert.equal(got.line, want, JSON.stringify(req));
    if (!want.includes(' 200 ')) assert.ok(got.closed, `connection closed after ${JSON.stringify(req)}`);
  }
});

test('a malformed request never crashes the server', async (t) => {
  const s = await okServer(t);
  const junk = ['\x16\x03\x01\x00\xa5\x01\x00', '\r\n\r\n', ' / HTTP/1.1\r\n\r\n', 'GET / HTTP/1.1\r\nX: a\x01b\r\n\r\n', 'GET / HTTP/1.1\r\nX-Foo : b\r\n\r\n', '\x00\x00\x00'];
  for (const j of junk) {
    const ex = await rawRequest(s.port, j, { expect: 1, timeoutMs: 1000 });
    assert.ok(ex.responses.length === 0 || ex.responses[0]?.status === 400 || ex.responses[0]?.status === 501, JSON.stringify(j));
  }
  const ok = await fetch(`${s.base}/`);
  assert.equal(ok.status, 200);
  await ok.arrayBuffer();
  assert.match(s.stderr(), /unexpected TLS ClientHello on clear port \(127\.0\.0\.1\)/);
});

test('header block limit: server.max-request-field-size -> 431 with HTTP/1.0 and Connection: close', async (t) => {
  const s = await okServer(t, 'server.max-request-field-size = 2048\n');
  const small = await firstLine(s, `GET /?${'a'.repeat(1500)} HTTP/1.0\r\n\r\n`);
  assert.equal(small.line, 'HTTP/1.0 200 OK');
  const big = await firstLine(s, `GET /?${'a'.repeat(3000)} HTTP/1.1\r\nHost: a\r\n\r\n`);
  assert.equal(big.line, 'HTTP/1.0 431 Request Header Fields Too Large');
  assert.equal(big.close, 'close');
  assert.match(s.stderr(), /\(connections\.c\.686\) oversized request-header -> sending Status 431/);
});

test('server.max-request-size (KiB): a larger Content-Length is 413 before any module runs', async (t) => {
  const s = await okServer(t, 'server.max-request-size = 1\n$HTTP["url"] =^ "/big/" { server.max-request-size = 4 }\n');
  const over = await firstLine(s, `POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2000\r\n\r\n${'x'.repeat(2000)}`);
  assert.equal(over.line, 'HTTP/1.1 413 Payload Too Large');
  assert.ok(over.closed);
  const under = await firstLine(s, `POST /big/ HTTP/1.1\r\nHost: a\r\nConnection: close\r\nContent-Length: 2000\r\n\r\n${'x'.repeat(2000)}`);
  assert.equal(under.line, 'HTTP/1.1 200 OK');
  assert.match(s.stderr(), /request-size too long: 2000 -> 413/);
});

test('OPTIONS * is 200 with Allow; CONNECT without handler is 405', async (t) => {
  const s = await startTestServer(t, 'server.modules = ()\n');
  const ex = await rawRequest(s.port, 'OPTIONS * HTTP/1.0\r\n\r\n', { expect: 1 });
  assert.equal(ex.responses[0]?.statusLine, 'HTTP/1.0 200 OK');
  assert.equal(ex.responses[0]?.header('allow'), 'OPTIONS, GET, HEAD, POST');
  assert.equal(ex.responses[0]?.header('content-length'), '0');
  const c = await rawRequest(s.port, 'CONNECT 127.0.0.1:1 HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n', { expect: 1 });
  assert.equal(c.responses[0]?.status, 405);
});

test('keep-alive: pipelined requests answered in order; max-keep-alive-requests = N serves N+1', async (t) => {
  const s = await startTestServer(t, 'server.modules = ("mod_probe")\nserver.max-keep-alive-requests = 3\n$HTTP["url"] =~ "^/([0-9])$" { probe.tag = "n" }\n', { modules: probe });
  const five = [1, 2, 3, 4, 5].map((n) => `GET /${n} HTTP/1.1\r\nHost: a\r\n\r\n`).join('');
  const ex = await rawRequest(s.port, five, { timeoutMs: 2000 });
  assert.equal(ex.responses.length, 4);
  assert.deepEqual(ex.responses.map((r) => JSON.parse(r.body.toString()) as { path: string }).map((j) => j.path), ['/1', '/2', '/3', '/4']);
  assert.notEqual(ex.responses[2]?.header('connection'), 'close');
  assert.equal(ex.responses[3]?.header('connection'), 'close');
  assert.ok(ex.closed);
});

test('HTTP/1.0 keep-alive on request; HTTP/1.1 Connection: close honoured', async (t) => {
  const s = await okServer(t);
  const ka = await rawRequest(s.port, 'GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.0\r\n\r\n', { timeoutMs: 2000 });
  assert.equal(ka.responses.length, 2);
  assert.equal(ka.responses[0]?.header('connection')?.toLowerCase(), 'keep-alive');
  assert.ok(ka.closed);
  const close = await rawRequest(s.port, 'GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n', { timeoutMs: 2000 });
  assert.equal(close.responses[0]?.header('connection'), 'close');
  assert.ok(close.closed);
});

test('server.max-keep-alive-idle closes an idle kept-alive connection silently', async (t) => {
  const s = await okServer(t, 'server.max-keep-alive-idle = 1\n');
  const start = Date.now();
  const ex = await rawRequest(s.port, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n', { timeoutMs: 6000 });
  assert.equal(ex.responses.length, 1);
  assert.ok(ex.closed);
  const took = Date.now() - start;
  assert.ok(took >= 900 && took < 5500, `closed after ${took} ms`);
});

test('header block like lighttpd: no Keep-Alive header, no Connection on HTTP/1.1 keep-alive, Date then Server last', async (t) => {
  const s = await okServer(t);
  const ex = await rawRequest(s.port, 'GET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n', { expect: 2 });
  const [a, b] = ex.responses;
  assert.equal(a?.header('keep-alive'), undefined);
  assert.equal(a?.header('connection'), undefined);
  const names = a?.headerList.map(([k]) => k.toLowerCase()) ?? [];
  assert.deepEqual(names.slice(-2), ['date', 'server']);
  assert.equal(b?.statusLine, 'HTTP/1.0 200 OK');
  assert.equal(b?.header('connection'), 'keep-alive');
  assert.equal(b?.header('keep-alive'), undefined);
});

test('server.protocol-http11 = "disable": HTTP/1.0 status line and Connection: close', async (t) => {
  const s = await okServer(t, 'server.protocol-http11 = "disable"\n');
  const ex = await rawRequest(s.port, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n', { expect: 1 });
  assert.equal(ex.responses[0]?.statusLine, 'HTTP/1.0 200 OK');
  assert.equal(ex.responses[0]?.header('connection'), 'close');
  assert.ok(ex.closed);
});
