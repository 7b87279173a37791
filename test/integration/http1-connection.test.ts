/**
 * The engine's connection handling on real sockets (http-core.md §5): heads split anywhere, the idle
 * timeouts (read, keep-alive, write), server.max-connections (new connections wait rather than being
 * refused), and an Upgrade request that nobody takes staying an ordinary kept-alive request.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createBodyTestModule } from '../helpers/body-module.js';
import { createProbeModule } from '../helpers/probe-module.js';
import { openRaw } from '../helpers/raw-conn.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const modules = { mod_bodytest: createBodyTestModule, mod_probe: createProbeModule };

function server(t: TestContext, extra = ''): Promise<TestServer> {
  return startTestServer(
    t,
    `server.modules = ("mod_access", "mod_bodytest", "mod_probe")
$HTTP["url"] =^ "/big" { bodytest.mode = "big" bodytest.size = 67108864 }
$HTTP["url"] =^ "/echo" { bodytest.mode = "echo" }
$HTTP["url"] =^ "/probe" { probe.tag = "p" }
$HTTP["url"] =^ "/denied" { url.access-deny = ( "" ) }
$HTTP["url"] =^ "/throw" { bodytest.mode = "throw" }
${extra}`,
    { modules },
  );
}

test('a request head arriving one byte at a time is answered; so is the next one on the same connection', async (t) => {
  const s = await server(t);
  const c = await openRaw(t, s.port);
  for (const b of Buffer.from('GET /probe?1 HTTP/1.1\r\nHost: x\r\n\r\n')) {
    c.write(Buffer.from([b]));
    await new Promise((r) => setImmediate(r));
  }
  assert.ok(await c.waitFor('"query":"1"'));
  c.write('\r\nGET /probe?2 HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.ok(await c.waitFor('"query":"2"'), 'one empty line between requests is skipped');
  assert.equal(c.closed, false);
});

test('server.max-read-idle: a stalled head or body is closed silently; the first request waits that long', async (t) => {
  const s = await server(t, 'server.max-read-idle = 1\nserver.max-keep-alive-idle = 30\n');
  const head = await openRaw(t, s.port);
  head.write('GET /probe HTTP/1.1\r\nHo');
  const start = Date.now();
  assert.ok(await head.waitClosed(5000));
  assert.equal(head.text(), '');
  assert.ok(Date.now() - start >= 900, `closed after ${Date.now() - start} ms`);

  const body = await openRaw(t, s.port);
  body.write('POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345');
  assert.ok(await body.waitClosed(5000));
  assert.equal(body.text(), '');
});

test('server.max-keep-alive-idle applies between requests, not to the first one', async (t) => {
  const s = await server(t, 'server.max-read-idle = 30\nserver.max-keep-alive-idle = 1\n');
  const c = await openRaw(t, s.port);
  c.write('GET /probe HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.ok(await c.waitFor('"tag":"p"'));
  const start = Date.now();
  assert.ok(await c.waitClosed(5000));
  assert.ok(Date.now() - start >= 900);
  const fresh = await openRaw(t, s.port);
  assert.equal(await fresh.waitClosed(2500), false, 'a new connection gets max-read-idle (30 s)');
});

test('server.max-write-idle: a client that stops reading a large answer is dropped', async (t) => {
  const s = await server(t, 'server.max-write-idle = 1\n');
  const c = await openRaw(t, s.port, { read: false });
  c.write('GET /big HTTP/1.1\r\nHost: x\r\n\r\n');
  await new Promise((r) => setTimeout(r, 3500));
  let received = 0;
  c.socket.on('data', (d: Buffer) => (received += d.length));
  c.socket.resume();
  assert.ok(await c.waitClosed(5000));
  assert.ok(received < 64 * 1024 * 1024, `received ${received} bytes`);
});

test('server.max-connections: one more connection waits unread until a slot frees, then is served', async (t) => {
  const s = await server(t, 'server.max-connections = 2\n');
  const a = await openRaw(t, s.port);
  const b = await openRaw(t, s.port);
  a.write('GET /probe?a HTTP/1.1\r\nHost: x\r\n\r\n');
  b.write('GET /probe?b HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.ok(await a.waitFor('"query":"a"'));
  assert.ok(await b.waitFor('"query":"b"'));
  const c = await openRaw(t, s.port);
  c.write('GET /probe?c HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.equal(await c.waitFor('"query":"c"', 500), false, 'the third connection waits');
  assert.equal(c.closed, false);
  assert.match(s.stderr(), /\[note\] sockets disabled, connection limit reached/);
  a.socket.destroy();
  assert.ok(await c.waitFor('"query":"c"'));
  b.socket.destroy();
  await new Promise((r) => setTimeout(r, 100));
  assert.match(s.stderr(), /\[note\] sockets enabled again/);
});

test('an Upgrade request that no module takes is answered like any other and the connection stays open', async (t) => {
  const s = await server(t);
  const c = await openRaw(t, s.port);
  const upgrade = 'Host: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n';
  c.write(`GET /denied HTTP/1.1\r\n${upgrade}`);
  assert.ok(await c.waitFor('403 Forbidden'));
  c.write(`GET /probe?after HTTP/1.1\r\n${upgrade}`);
  assert.ok(await c.waitFor('"query":"after"'));
  c.write('GET /probe?plain HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.ok(await c.waitFor('"query":"plain"'));
  assert.equal(c.closed, false);
  assert.ok(!c.text().includes('Connection: close'));
});

test('a module listener that throws costs its connection, not the server', async (t) => {
  const s = await server(t);
  const c = await openRaw(t, s.port);
  c.write('GET /throw HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.ok(await c.waitClosed());
  assert.ok(c.text().endsWith('\r\n\r\nok'));
  const d = await openRaw(t, s.port);
  d.write('GET /probe HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.ok(await d.waitFor('"tag":"p"'));
  assert.match(s.stderr(), /request handling failed: listener bug/);
});
