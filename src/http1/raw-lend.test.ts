/**
 * Lending a connection for an upgrade decision, on both accept paths: a module that takes the handle
 * as a stream (raw connections: no net.Socket is ever made), and a module that looks at `req.socket`
 * (made then, on a raw connection) and declines — the engine answers the request on that socket and
 * keeps the connection alive, and what the module hung on the socket is gone. And a request handler
 * asking for `req.socket` in the middle of a raw connection: the engine goes on on that socket.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { queryObjects } from 'node:v8';
import type { HandleStream } from '../net/handle-stream.js';
import { Http1Connection } from './connection.js';
import type { Http1Handler, UpgradeControl } from './handler.js';
import type { HttpRequest } from './request.js';
import type { HttpResponse } from './response.js';
import { ConnectionSlots } from './connection-slots.js';
import { Http1Server } from './server.js';

type Upgrade = (req: HttpRequest, res: HttpResponse, head: Buffer, control: UpgradeControl) => void;

async function start(t: TestContext, rawAccept: boolean, upgrade: Upgrade): Promise<{ server: Http1Server; port: number }> {
  const handler: Http1Handler = {
    request: (req, res) => {
      res.statusCode = 200;
      res.end(`plain ${req.url}`);
    },
    upgrade,
    bodyError: () => undefined,
  };
  const options = { rawAccept, maxHeadSize: 8192, headerStrict: true, readIdle: 60, keepAliveIdle: 5, writeIdle: 360, connections: new ConnectionSlots(100, () => undefined), waitQueue: 16, log: () => undefined };
  const server = new Http1Server(options, handler);
  await new Promise<void>((resolve) => server.net.listen(0, '127.0.0.1', resolve));
  assert.equal(server.rawAccept, rawAccept);
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  const addr = server.net.address();
  return { server, port: typeof addr === 'object' && addr !== null ? addr.port : 0 };
}

function connect(t: TestContext, port: number): { socket: net.Socket; text: () => string } {
  const socket = net.connect(port, '127.0.0.1');
  t.after(() => socket.destroy());
  socket.on('error', () => undefined);
  let text = '';
  socket.on('data', (b: Buffer) => (text += b.toString('latin1')));
  return { socket, text: () => text };
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const UPGRADE = 'GET /t HTTP/1.1\r\nHost: x\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\n';

test('raw accept: a module takes the handle as a stream; the connection counts until the stream closes', async (t) => {
  const buffer = Buffer.alloc(1024);
  const streams: HandleStream[] = [];
  let io = '';
  const { server, port } = await start(t, true, (req, _res, head, control) => {
    const stream = req.takeStream({
      buffer,
      callback: (n) => stream?.write(Buffer.from(`echo:${buffer.toString('latin1', 0, n)}`)),
    });
    assert.ok(stream, 'a raw connection gives its handle');
    assert.equal(req.takeStream({ buffer, callback: () => undefined }), null, 'only once');
    streams.push(stream);
    stream.on('end', () => stream.end());
    stream.writeLatin1(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\nhead:${head.toString('latin1')}`);
    stream.resume();
    control.taken();
    io = req.io.constructor.name;
  });
  const c = connect(t, port);
  c.socket.write(`${UPGRADE}early`);
  await until(() => c.text().endsWith('head:early'), 'the 101 and the early bytes');
  c.socket.write('ping');
  await until(() => c.text().endsWith('echo:ping'), 'the echo');
  assert.equal(io, 'RawSocket', 'no net.Socket was made: the raw connection stays as the stand-in');
  assert.equal(server.connectionCount, 1);
  assert.equal(queryObjects(Http1Connection), 0, 'the engine forgot the connection');
  c.socket.end();
  await until(() => server.connectionCount === 0, 'the stand-in to close with the stream');
  assert.equal(streams[0]?.closed, true);
});

test('raw accept: a module that destroys the stand-in closes the stream it took', async (t) => {
  const buffer = Buffer.alloc(1024);
  let stream: HandleStream | null = null;
  let standIn: { destroy(): unknown } | null = null;
  const { server, port } = await start(t, true, (req, _res, _head, control) => {
    stream = req.takeStream({ buffer, callback: () => undefined });
    stream?.writeLatin1('HTTP/1.1 101 Switching Protocols\r\n\r\n');
    standIn = req.io;
    control.taken();
  });
  const c = connect(t, port);
  c.socket.write(UPGRADE);
  await until(() => c.text().includes('101'), 'the 101');
  assert.equal(server.connectionCount, 1);
  const closed = new Promise((resolve) => c.socket.on('close', resolve));
  (standIn as { destroy(): unknown } | null)?.destroy();
  await closed;
  await until(() => server.connectionCount === 0, 'the count to drop');
  assert.equal((stream as HandleStream | null)?.closed, true);
});

for (const rawAccept of [true, false]) {
  const mode = rawAccept ? 'raw accept' : 'net.Socket accept';

  test(`${mode}: a module looks at req.socket and declines: the request is answered on it and keep-alive goes on`, async (t) => {
    const seen: string[] = [];
    const { port } = await start(t, rawAccept, (req, res, head, control) => {
      const socket = req.socket;
      assert.ok(socket instanceof net.Socket);
      assert.equal(req.socket, socket, 'one socket per connection');
      socket.on('data', (b: Buffer) => seen.push(b.toString('latin1')));
      socket.on('end', () => seen.push('end'));
      control.resume();
      res.end(`declined, head ${JSON.stringify(head.toString('latin1'))}`);
    });
    const c = connect(t, port);
    // a second request pipelined behind the upgrade candidate
    c.socket.write(`${UPGRADE}GET /next HTTP/1.1\r\nHost: x\r\n\r\n`);
    await until(() => c.text().includes('plain /next'), 'both answers');
    assert.match(c.text(), /^HTTP\/1\.1 200 OK\r\n[^]*declined, head "GET \/next HTTP\/1\.1\\r\\nHost: x\\r\\n\\r\\n"HTTP\/1\.1 200 OK\r\n[^]*plain \/next$/);
    c.socket.write('GET /third HTTP/1.1\r\nHost: x\r\n\r\n');
    await until(() => c.text().endsWith('plain /third'), 'a request on the kept-alive connection');
    assert.deepEqual(seen, [], "the module's listeners were removed when it declined");
  });
}

test('raw accept: a declined upgrade that never asked for req.socket stays raw', async (t) => {
  const { port } = await start(t, true, (req, res, _head, control) => {
    control.resume();
    res.end(`declined ${req.io.constructor.name}`);
  });
  const c = connect(t, port);
  c.socket.write(`${UPGRADE}`);
  await until(() => c.text().endsWith('declined RawSocket'), 'the answer');
  c.socket.write('GET /again HTTP/1.1\r\nHost: x\r\n\r\n');
  await until(() => c.text().endsWith('plain /again'), 'the next answer');
});

test('raw accept: a request handler asks for req.socket mid-connection; bodies and keep-alive go on on it', async (t) => {
  const handler: Http1Handler = {
    request: (req, res) => {
      const socket = req.socket;
      const chunks: Buffer[] = [];
      req.body.on('data', (b: Buffer) => chunks.push(b));
      req.body.on('end', () => res.end(`${socket.constructor.name} ${req.url} ${Buffer.concat(chunks).length}`));
    },
    upgrade: (_req, _res, _head, control) => control.resume(),
    bodyError: () => undefined,
  };
  const options = { rawAccept: true, maxHeadSize: 8192, headerStrict: true, readIdle: 60, keepAliveIdle: 5, writeIdle: 360, connections: new ConnectionSlots(100, () => undefined), waitQueue: 16, log: () => undefined };
  const server = new Http1Server(options, handler);
  await new Promise<void>((resolve) => server.net.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  const addr = server.net.address();
  const c = connect(t, typeof addr === 'object' && addr !== null ? addr.port : 0);
  const body = 'x'.repeat(200_000);
  c.socket.write(`POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n`);
  await new Promise((r) => setTimeout(r, 20));
  c.socket.write(body);
  await until(() => c.text().endsWith('Socket /a 200000'), 'the first answer');
  c.socket.write(`POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc`);
  await until(() => c.text().endsWith('Socket /b 3'), 'the second answer, on the same connection');
  assert.equal(server.connectionCount, 1);
});
