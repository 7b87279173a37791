/**
 * The listening socket's own troubles: an accept that fails (what libuv reports through the listening
 * handle's callback — EMFILE beyond its own remedy, ENOBUFS, …) is logged, at most once a second, and
 * the server goes on serving; between two generations of a graceful restart (release() → adopt),
 * connections made meanwhile wait for the successor instead of being left unserved.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { Http1Handler } from './handler.js';
import { ConnectionSlots } from './connection-slots.js';
import { Http1Server } from './server.js';

const handler: Http1Handler = {
  request: (req, res) => {
    res.statusCode = 200;
    res.end(`ok ${req.url}`);
  },
  upgrade: (_req, _res, _head, control) => control.resume(),
  bodyError: () => undefined,
};

function engine(rawAccept: boolean, log: (source: string, message: string) => void, adopt?: ConstructorParameters<typeof Http1Server>[2]): Http1Server {
  const options = { rawAccept, maxHeadSize: 8192, headerStrict: true, readIdle: 60, keepAliveIdle: 5, writeIdle: 360, connections: new ConnectionSlots(100, log), waitQueue: 16, log };
  return new Http1Server(options, handler, adopt);
}

async function listen(t: TestContext, server: Http1Server): Promise<number> {
  await new Promise<void>((resolve) => server.net.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  const addr = server.net.address();
  return typeof addr === 'object' && addr !== null ? addr.port : 0;
}

/** One HTTP/1.0 GET; the answer (or what came within 5 s). */
function get(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(`GET ${path} HTTP/1.0\r\n\r\n`));
    s.setTimeout(5000, () => s.destroy());
    let text = '';
    s.setEncoding('latin1');
    s.on('data', (d: string) => (text += d));
    s.once('close', () => resolve(text));
    s.once('error', reject);
  });
}

/** The listening handle's accept callback, called as libuv calls it when accept() fails. */
function failAccept(server: Http1Server, status: number): void {
  const handle: unknown = Reflect.get(server.net, '_handle');
  const onconnection: unknown = typeof handle === 'object' && handle !== null ? Reflect.get(handle, 'onconnection') : undefined;
  assert.equal(typeof onconnection, 'function', "node's listening handle has an accept callback");
  (onconnection as (status: number, client: undefined) => void).call(handle, status, undefined);
}

for (const rawAccept of [true, false]) {
  test(`a failed accept is logged once a second and the server goes on (${rawAccept ? 'raw' : 'net.Socket'} accept)`, { timeout: 15000 }, async (t) => {
    const lines: string[] = [];
    const server = engine(rawAccept, (_source, message) => lines.push(message));
    const port = await listen(t, server);
    const EMFILE = -24;
    failAccept(server, EMFILE);
    failAccept(server, EMFILE);
    failAccept(server, EMFILE);
    assert.equal(lines.length, 1);
    assert.match(lines[0] ?? '', /^accept failed: .*EMFILE/);
    assert.match(await get(port, '/after'), /^HTTP\/1\.0 200 [\s\S]*ok \/after$/);
    await new Promise((r) => setTimeout(r, 1050));
    failAccept(server, EMFILE);
    assert.equal(lines.length, 2);
    assert.match(lines[1] ?? '', /and 2 more since the last line/);
  });
}

test('between release() and the successor, new connections wait and the successor answers them', { timeout: 15000 }, async (t) => {
  const first = engine(true, () => undefined);
  const port = await listen(t, first);
  first.hold();
  const handover = first.release();
  // made in the gap: no engine owns the socket now
  const answer = get(port, '/gap');
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(handover.waiting.length, 1, 'the connection waits for the successor');
  const next = engine(true, () => undefined, handover);
  t.after(() => {
    next.closeAllConnections();
    next.close();
  });
  assert.match(await answer, /^HTTP\/1\.0 200 [\s\S]*ok \/gap$/);
  assert.match(await get(port, '/next'), /ok \/next$/);
});
