/**
 * The engine's request bodies and response framing on real sockets: Content-Length and chunked bodies
 * (pipelined, split anywhere), lighttpd's 400/413 for bad or oversized chunked bodies, Expect:
 * 100-continue, unread bodies (Connection: close, no reset), streamed answers without a length.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createBodyTestModule, type EchoReply } from '../helpers/body-module.js';
import { createProbeModule } from '../helpers/probe-module.js';
import { openRaw } from '../helpers/raw-conn.js';
import { rawRequest } from '../helpers/raw-http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const modules = { mod_bodytest: createBodyTestModule, mod_probe: createProbeModule };

function server(t: TestContext, extra = ''): Promise<TestServer> {
  return startTestServer(
    t,
    `server.modules = ("mod_bodytest", "mod_probe", "mod_staticfile")
$HTTP["url"] =^ "/echo" { bodytest.mode = "echo" }
$HTTP["url"] =^ "/stream" { bodytest.mode = "stream" }
$HTTP["url"] =^ "/ignore" { bodytest.mode = "ignore" }
$HTTP["url"] =^ "/probe" { probe.tag = "p" }
${extra}`,
    { modules, files: { 'file.txt': 'static file\n' } },
  );
}

function sha1(s: string | Buffer): string {
  return createHash('sha1').update(s).digest('hex');
}

function chunked(body: string, size: number): string {
  let out = '';
  for (let i = 0; i < body.length; i += size) {
    const part = body.slice(i, i + size);
    out += `${part.length.toString(16)}\r\n${part}\r\n`;
  }
  return `${out}0\r\n\r\n`;
}

test('pipelined requests with Content-Length and chunked bodies are answered in order on one connection', async (t) => {
  const s = await server(t);
  const a = 'a'.repeat(100_000);
  const b = 'bcd'.repeat(5000);
  const reqs =
    `POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: ${a.length}\r\n\r\n${a}` +
    `POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${chunked(b, 777)}` +
    'GET /probe HTTP/1.1\r\nHost: x\r\n\r\n';
  const ex = await rawRequest(s.port, reqs, { expect: 3, timeoutMs: 5000 });
  assert.equal(ex.responses.length, 3);
  const [r1, r2, r3] = ex.responses;
  assert.deepEqual(JSON.parse(r1?.body.toString() ?? '{}') as EchoReply, { length: a.length, sha1: sha1(a), head: a.slice(0, 64) });
  assert.deepEqual(JSON.parse(r2?.body.toString() ?? '{}') as EchoReply, { length: b.length, sha1: sha1(b), head: b.slice(0, 64) });
  assert.equal(r3?.status, 200);
  assert.equal(ex.closed, false);
  for (const r of ex.responses) assert.equal(r.header('connection'), undefined);
});

test('a body split at every byte boundary of its chunked framing arrives intact', async (t) => {
  const s = await server(t);
  const body = 'hello, chunked world';
  const wire = Buffer.from(`POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n4;ext=1\r\nhell\r\n${(body.length - 4).toString(16)}\r\n${body.slice(4)}\r\n0\r\nX-Trailer: 1\r\n\r\n`, 'latin1');
  const c = await openRaw(t, s.port);
  for (const byte of wire) {
    c.write(Buffer.from([byte]));
    await new Promise((r) => setImmediate(r));
  }
  assert.ok(await c.waitClosed(5000));
  const reply = JSON.parse(c.text().slice(c.text().indexOf('\r\n\r\n') + 4)) as EchoReply;
  assert.deepEqual(reply, { length: body.length, sha1: sha1(body), head: body });
});

test('bad chunked framing is 400 and a chunked body over server.max-request-size is 413; both close', async (t) => {
  const s = await server(t, 'server.max-request-size = 1\n');
  const bad = await rawRequest(s.port, 'POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n', { expect: 1 });
  assert.equal(bad.responses[0]?.statusLine, 'HTTP/1.1 400 Bad Request');
  assert.equal(bad.responses[0]?.header('connection'), 'close');
  assert.ok(bad.closed);
  const big = await rawRequest(s.port, `POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${chunked('y'.repeat(1500), 1000)}`, { expect: 1 });
  assert.equal(big.responses[0]?.statusLine, 'HTTP/1.1 413 Payload Too Large');
  assert.ok(big.closed);
  assert.match(s.stderr(), /chunked header invalid chars -> 400/);
  assert.match(s.stderr(), /request-size too long: 1500 -> 413/);
  const fits = await rawRequest(s.port, `POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${chunked('y'.repeat(1000), 300)}`, { expect: 1 });
  assert.equal((JSON.parse(fits.responses[0]?.body.toString() ?? '{}') as EchoReply).length, 1000);
});

test('Expect: 100-continue: sent when the handler reads and nothing of the body came yet; never for static answers', async (t) => {
  const s = await server(t);
  const c = await openRaw(t, s.port);
  c.write('POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n');
  assert.ok(await c.waitFor('HTTP/1.1 100 Continue\r\n\r\n'));
  c.write('12345');
  assert.ok(await c.waitFor('"length":5'));
  assert.ok(c.text().startsWith('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n'));

  const together = await rawRequest(s.port, 'POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n12345', { expect: 1 });
  assert.ok(together.raw.toString('latin1').startsWith('HTTP/1.1 200 OK\r\n'));

  const v10 = await openRaw(t, s.port);
  v10.write('POST /echo HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n');
  assert.equal(await v10.waitFor('100 Continue', 300), false);
  v10.write('ab');
  assert.ok(await v10.waitFor('"length":2'));

  const probe = await openRaw(t, s.port);
  probe.write('POST /probe HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n');
  assert.ok(await probe.waitFor('"tag":"p"'));
  assert.ok(!probe.text().includes('100 Continue'));
  assert.match(probe.text(), /\r\nConnection: close\r\n/);
});

test('an unread body ends keep-alive, and the answer arrives intact even with a large body left unread', async (t) => {
  const s = await server(t);
  const small = await rawRequest(s.port, 'POST /ignore HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET /probe HTTP/1.1\r\nHost: x\r\n\r\n', { timeoutMs: 2000 });
  assert.equal(small.responses.length, 1);
  assert.equal(small.responses[0]?.header('connection'), 'close');
  assert.ok(small.closed);

  const c = await openRaw(t, s.port);
  c.write(`POST /file.txt HTTP/1.1\r\nHost: x\r\nContent-Length: ${4 * 1024 * 1024}\r\n\r\n`);
  c.write(Buffer.alloc(2 * 1024 * 1024, 0x7a));
  assert.ok(await c.waitFor('static file\n'));
  c.write(Buffer.alloc(2 * 1024 * 1024, 0x7a));
  assert.ok(await c.waitClosed(8000));
  assert.match(c.text(), /^HTTP\/1\.1 200 OK\r\n[^]*\r\nConnection: close\r\n[^]*\r\n\r\nstatic file\n$/);
});

test('answers without a length: chunked to HTTP/1.1 (kept alive), close-delimited to HTTP/1.0', async (t) => {
  const s = await server(t);
  const v11 = await rawRequest(s.port, 'GET /stream HTTP/1.1\r\nHost: x\r\n\r\nGET /probe HTTP/1.1\r\nHost: x\r\n\r\n', { expect: 2 });
  assert.equal(v11.responses[0]?.header('transfer-encoding'), 'chunked');
  assert.equal(v11.responses[0]?.body.toString(), 'onetwo');
  assert.equal(v11.responses[1]?.status, 200);
  const v10 = await rawRequest(s.port, 'GET /stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n', { timeoutMs: 2000 });
  assert.equal(v10.responses[0]?.header('connection'), 'close');
  assert.equal(v10.responses[0]?.header('transfer-encoding'), undefined);
  assert.equal(v10.responses[0]?.body.toString(), 'onetwo');
  assert.ok(v10.closed);
});

test('a client that half-closes after its request still gets the answer', async (t) => {
  const s = await server(t);
  const c = await openRaw(t, s.port);
  c.socket.end('GET /probe HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.ok(await c.waitClosed());
  assert.match(c.text(), /^HTTP\/1\.1 200 OK\r\n[^]*"tag":"p"/);
});
