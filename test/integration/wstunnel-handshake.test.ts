/**
 * The handshake of mod_wstunnel (wstunnel.md §3–§4): which requests it takes, version and key
 * checks, wstunnel.origins, sub-protocol negotiation (the ≥ 1.4.77 rule), and 503 after failover.
 */
import net from 'node:net';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closedPort, tcpBackend, type TestBackend } from '../helpers/backends.js';
import { startTunnelServer, type TunnelServer } from '../helpers/tunnel-server.js';
import { rawRequest, upgradeHead } from '../helpers/ws-raw.js';
import { handshakeStatus, openClient } from '../helpers/ws-client.js';
import type { Literal } from '../helpers/config-values.js';
import { waitFor } from '../helpers/wait.js';

async function setup(t: { after(fn: () => unknown): void }, extra: Readonly<Record<string, Literal>> = {}): Promise<{ srv: TunnelServer; backend: TestBackend }> {
  const backend = await tcpBackend();
  t.after(() => backend.close());
  const srv = await startTunnelServer({ 'wstunnel.server': { '/ws/': [{ host: '127.0.0.1', port: backend.port }] }, ...extra });
  t.after(() => srv.close());
  return { srv, backend };
}

test('claim rules: Upgrade/Connection tokens, GET, prefix key', async (t) => {
  const { srv } = await setup(t);
  const status = async (path: string, extra: Record<string, string | null> = {}): Promise<number> => {
    const r = await rawRequest(srv.port, upgradeHead(path, extra));
    r.socket.destroy();
    return r.status;
  };
  assert.equal(await status('/ws/a'), 101);
  assert.equal(await status('/ws/a', { Upgrade: 'WebSocket', Connection: 'keep-alive, Upgrade' }), 101);
  assert.equal(await status('/ws/a', { Upgrade: 'websocket2' }), 404);
  assert.equal(await status('/ws/a', { Connection: 'keep-alive' }), 404);
  assert.equal(await status('/ws/a', { Upgrade: 'h2c, websocket' }), 404);
  assert.equal(await status('/ws'), 404, 'the key /ws/ is a prefix: /ws does not match');
  assert.equal(await status('/other/'), 404);
});

test('Sec-WebSocket-Version: ≥ 8 accepted, others 400 with Sec-WebSocket-Version: 13, no backend contact', async (t) => {
  const { srv, backend } = await setup(t);
  for (const v of ['8', '12', '13', '25', '13abc']) {
    const r = await rawRequest(srv.port, upgradeHead('/ws/', { 'Sec-WebSocket-Version': v }));
    r.socket.destroy();
    assert.equal(r.status, 101, `version ${v}`);
  }
  const accepted = backend.accepted.length;
  for (const v of ['abc', '-1', '7', '1', '0', null]) {
    const r = await rawRequest(srv.port, upgradeHead('/ws/', { 'Sec-WebSocket-Version': v }));
    r.socket.destroy();
    assert.equal(r.status, 400, `version ${String(v)}`);
    assert.equal(r.headers['sec-websocket-version'], '13');
  }
  assert.equal(backend.accepted.length, accepted, 'no backend connection for a refused version');
});

test('Sec-WebSocket-Key: missing or malformed → 400 after the backend connect, Connection: close', async (t) => {
  const { srv, backend } = await setup(t);
  for (const key of [null, 'x']) {
    const r = await rawRequest(srv.port, upgradeHead('/ws/', { 'Sec-WebSocket-Key': key }));
    assert.equal(r.status, 400);
    assert.equal(r.headers.connection, 'close');
    r.socket.destroy();
  }
  assert.equal(backend.accepted.length, 2);
  const r = await rawRequest(srv.port, upgradeHead('/ws/'));
  assert.equal(r.headers['sec-websocket-accept'], 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  r.socket.destroy();
});

test('a refused upgrade ends the connection: closed at the client\'s FIN, or after 5 s without it', async (t) => {
  // found by the wire fuzz test: the refused socket stayed paused and half-open, open for good
  const { srv } = await setup(t);
  const fin = await rawRequest(srv.port, upgradeHead('/ws/', { 'Sec-WebSocket-Version': '7' }));
  assert.equal(fin.status, 400);
  fin.socket.end();
  fin.socket.resume();
  await waitFor(() => srv.server.connectionCount === 0, 2000, 'the server closed after the client FIN');
  // a client that keeps its side open after the server's FIN
  const silent = net.connect({ host: '127.0.0.1', port: srv.port, allowHalfOpen: true });
  t.after(() => silent.destroy());
  let answer = '';
  silent.on('data', (d: Buffer) => (answer += d.toString('latin1')));
  silent.write(upgradeHead('/ws/', { 'Sec-WebSocket-Key': null }));
  await new Promise<void>((resolve) => silent.once('end', resolve));
  const started = Date.now();
  assert.match(answer, /^HTTP\/1\.1 400 Bad Request\r\n/);
  await waitFor(() => srv.server.connectionCount === 0, 7000, 'the server closed a client that keeps its side open');
  const took = Date.now() - started;
  assert.ok(took >= 4000 && took < 7000, `closed after ${took} ms`);
});

test('wstunnel.origins: suffix after a dot, case-sensitive; 400 without Origin, 403 on mismatch', async (t) => {
  const { srv, backend } = await setup(t, { 'wstunnel.origins': ['example.com', 'http://good.org'] });
  const cases: Array<[Record<string, string>, number]> = [
    [{}, 400],
    [{ Origin: 'example.com' }, 101],
    [{ Origin: 'http://example.com' }, 403],
    [{ Origin: 'http://www.example.com' }, 101],
    [{ Origin: 'https://a.b.example.com' }, 101],
    [{ Origin: 'http://evilexample.com' }, 403],
    [{ Origin: 'http://www.example.com:8080' }, 403],
    [{ Origin: 'http://WWW.EXAMPLE.COM' }, 403],
    [{ Origin: 'http://good.org' }, 101],
    [{ Origin: 'https://good.org' }, 403],
    [{ Origin: 'x.http://good.org' }, 101],
    [{ Origin: 'null' }, 403],
    [{ 'Sec-WebSocket-Origin': 'http://good.org' }, 101],
    [{ Origin: 'http://bad', 'Sec-WebSocket-Origin': 'http://good.org' }, 403],
  ];
  let opened = 0;
  for (const [headers, want] of cases) {
    // the ws client sends no Origin unless asked; `origin` option would add one, so headers go raw
    const r = await rawRequest(srv.port, upgradeHead('/ws/', headers));
    r.socket.destroy();
    assert.equal(r.status, want, JSON.stringify(headers));
    if (want === 101) opened++;
  }
  assert.equal(backend.accepted.length, opened, 'refused origins never reach the backend');
});

test('sub-protocols: none, binary, base64, other; frame-type binary never adds an unrequested header', async (t) => {
  const text = await setup(t);
  const bin = await setup(t, { 'wstunnel.frame-type': 'BINARY' });
  const probe = async (srv: TunnelServer, protocols: string | null): Promise<[string | undefined, number]> => {
    const r = await rawRequest(srv.port, upgradeHead('/ws/', { 'Sec-WebSocket-Protocol': protocols }));
    r.socket.destroy();
    return [r.headers['sec-websocket-protocol'], r.status];
  };
  assert.deepEqual(await probe(text.srv, null), [undefined, 101]);
  assert.deepEqual(await probe(text.srv, 'binary'), ['binary', 101]);
  assert.deepEqual(await probe(text.srv, 'base64'), ['base64', 101]);
  assert.deepEqual(await probe(text.srv, 'chat, Binary'), ['Binary', 101]);
  assert.deepEqual(await probe(text.srv, 'base64, binary'), ['binary', 101]);
  assert.deepEqual(await probe(text.srv, 'chat'), [undefined, 101]);
  assert.deepEqual(await probe(bin.srv, null), [undefined, 101]);
  assert.deepEqual(await probe(bin.srv, 'chat'), [undefined, 101]);
  assert.deepEqual(await probe(bin.srv, 'binary'), ['binary', 101]);
  // and the ws client agrees: no sub-protocol offered → opens (1.4.69 broke exactly this)
  const c = await openClient(`${bin.srv.url}/ws/`);
  assert.equal(c.ws.protocol, '');
  c.ws.send('x');
  assert.equal((await c.next()).isBinary, true);
  c.ws.close();
  await c.closed();
  // a client that offers only an unknown protocol gets no header; ws then refuses, as browsers do
  await assert.rejects(openClient(`${text.srv.url}/ws/`, ['chat']));
});

test('backend refuses: 503 (HTML page) after failover; the log names the backend', async (t) => {
  const port = await closedPort();
  const srv = await startTunnelServer({ 'wstunnel.server': { '': [{ host: '127.0.0.1', port }] } });
  t.after(() => srv.close());
  const r = await rawRequest(srv.port, upgradeHead('/'));
  assert.equal(r.status, 503);
  assert.equal(r.headers['content-type'], 'text/html');
  r.socket.destroy();
  assert.ok(srv.logs.includes(`wstunnel: establishing connection failed: socket: tcp:127.0.0.1:${port}: Connection refused`), srv.logs.join('\n'));
  assert.ok(srv.logs.includes('wstunnel: all handlers for / on "" are down.'));
  assert.equal(await handshakeStatus(`${srv.url}/`), 503);
});
