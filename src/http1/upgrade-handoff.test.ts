/**
 * The engine's hand-off of an upgraded socket: once a module takes it, no connection object, head
 * reader or engine listener stays reachable from it, the bytes after the request head go to the module,
 * and the socket still counts for server.max-connections until it closes. Each test runs on both
 * engines' accept paths: raw handles (raw-accept.ts; `req.socket` made on first use) and net.Sockets.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { queryObjects } from 'node:v8';
import { Http1Connection } from './connection.js';
import type { Http1Handler, Http1Options } from './handler.js';
import { HeadReader } from './head-reader.js';
import { ConnectionSlots } from './connection-slots.js';
import { Http1Server } from './server.js';

interface Taken {
  readonly socket: net.Socket;
  readonly head: Buffer;
  /** Bytes the module read itself after taking the socket. */
  readonly later: Buffer[];
}

const MODES = [
  { name: 'raw accept', rawAccept: true },
  { name: 'net.Socket accept', rawAccept: false },
] as const;

function options(maxConnections: number, rawAccept: boolean): Http1Options {
  return {
    rawAccept,
    maxHeadSize: 8192,
    headerStrict: true,
    readIdle: 60,
    keepAliveIdle: 5,
    writeIdle: 360,
    connections: new ConnectionSlots(maxConnections, () => undefined),
    waitQueue: 128,
    log: () => undefined,
  };
}

/** An engine whose upgrade handler takes every socket, answers 101 and keeps what it reads. */
async function start(t: TestContext, rawAccept: boolean, maxConnections = 1000): Promise<{ server: Http1Server; port: number; taken: Taken[] }> {
  const taken: Taken[] = [];
  const handler: Http1Handler = {
    request: (_req, res) => {
      res.statusCode = 200;
      res.end('plain');
    },
    upgrade: (req, _res, head, control) => {
      const socket = req.socket;
      const entry: Taken = { socket, head: Buffer.from(head), later: [] };
      taken.push(entry);
      socket.on('data', (b: Buffer) => entry.later.push(b));
      socket.on('error', () => undefined);
      socket.on('end', () => socket.end());
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\n');
      control.taken();
    },
    bodyError: () => undefined,
  };
  const server = new Http1Server(options(maxConnections, rawAccept), handler);
  await new Promise<void>((resolve) => server.net.listen(0, '127.0.0.1', resolve));
  assert.equal(server.rawAccept, rawAccept);
  t.after(() => {
    server.closeAllConnections();
    for (const e of taken) e.socket.destroy();
    server.close();
  });
  const addr = server.net.address();
  return { server, port: typeof addr === 'object' && addr !== null ? addr.port : 0, taken };
}

const UPGRADE = 'GET /t HTTP/1.1\r\nHost: x\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\n';

/** Connects, sends `bytes`, resolves with the socket once `until` was received. */
function client(t: TestContext, port: number, bytes: string, until: string): Promise<{ socket: net.Socket; text: () => string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    t.after(() => socket.destroy());
    let text = '';
    socket.on('error', reject);
    socket.on('data', (b: Buffer) => {
      text += b.toString('latin1');
      if (text.includes(until)) resolve({ socket, text: () => text });
    });
    socket.write(bytes);
  });
}

for (const mode of MODES) {
  test(`${mode.name}: after the hand-off no Http1Connection or HeadReader stays alive, however many sockets are upgraded`, async (t) => {
    const { server, port, taken } = await start(t, mode.rawAccept);
    const N = 40;
    const clients = await Promise.all(Array.from({ length: N }, () => client(t, port, UPGRADE, '\r\n\r\n')));
    assert.equal(taken.length, N);
    assert.equal(server.connectionCount, N, 'upgraded sockets still count');
    // queryObjects runs a full GC first: only objects something still refers to are counted
    assert.equal(queryObjects(Http1Connection), 0, String(queryObjects(Http1Connection, { format: 'summary' })));
    assert.equal(queryObjects(HeadReader), 0, String(queryObjects(HeadReader, { format: 'summary' })));
    // Node's own listeners on any socket, plus the module's (data, end) and the server's count (close)
    const bare = new net.Socket();
    for (const e of taken) {
      assert.equal(e.socket.listenerCount('data'), bare.listenerCount('data') + 1, 'only the module reads');
      assert.equal(e.socket.listenerCount('end'), bare.listenerCount('end') + 1);
      assert.equal(e.socket.listenerCount('drain'), bare.listenerCount('drain'));
      assert.equal(e.socket.listenerCount('close'), bare.listenerCount('close') + 1);
    }
    // a plain request on another connection still has its connection object while it is served
    const plain = await client(t, port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', 'plain');
    assert.equal(queryObjects(Http1Connection), 1);
    plain.socket.destroy();
    for (const c of clients) c.socket.destroy();
    const deadline = Date.now() + 3000;
    while (server.connectionCount > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(server.connectionCount, 0, 'closed upgraded sockets stop counting');
  });

  test(`${mode.name}: bytes pipelined after the upgrade request reach the module: in \`head\`, and later on the socket`, async (t) => {
    const { port, taken } = await start(t, mode.rawAccept);
    const c = await client(t, port, `${UPGRADE}first`, '\r\n\r\n');
    c.socket.write('second');
    const deadline = Date.now() + 3000;
    while (Buffer.concat(taken[0]?.later ?? []).toString() !== 'second' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(taken[0]?.head.toString(), 'first');
    assert.equal(Buffer.concat(taken[0]?.later ?? []).toString(), 'second');
  });

  test(`${mode.name}: upgraded sockets count for max-connections: one more connection waits until one of them closes`, async (t) => {
    const { server, port } = await start(t, mode.rawAccept, 2);
    const a = await client(t, port, UPGRADE, '\r\n\r\n');
    await client(t, port, UPGRADE, '\r\n\r\n');
    assert.equal(server.connectionCount, 2);
    let answered = false;
    const third = client(t, port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', 'plain').then((c) => {
      answered = true;
      return c;
    });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(answered, false, 'the third connection waits unread');
    a.socket.destroy();
    const c = await third;
    assert.match(c.text(), /^HTTP\/1\.1 200/);
  });
}
