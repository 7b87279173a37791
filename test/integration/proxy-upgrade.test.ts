/**
 * WebSocket pass-through (proxy.md §4) and CONNECT (§5) through mod_proxy, with a real `ws` backend
 * and `ws` clients: upgrade enabled (tunnel, backpressure, teardown from either side), disabled
 * (Upgrade dropped), a backend that declines, and CONNECT on and off.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import WebSocket from 'ws';
import { startTestServer } from '../helpers/server.js';
import { rawRequest } from '../helpers/raw-http.js';
import { tcpBackend } from '../helpers/backends.js';
import { rawHeader, startHttpBackend, startWsBackend } from '../helpers/proxy-backends.js';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { waitFor } from '../helpers/wait.js';

async function wsBackend(t: { after(fn: () => Promise<void>): void }): Promise<Awaited<ReturnType<typeof startWsBackend>>> {
  const b = await startWsBackend();
  t.after(() => b.close());
  return b;
}

function config(port: number, header: string): string {
  return `server.modules += ( "mod_proxy" )\nproxy.server = ( "/ws/" => ( ( "host" => "127.0.0.1", "port" => ${port} ) ) )\n${header}\n`;
}

function openWs(url: string): Promise<{ ws: WebSocket; upgradeHeaders: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    let upgradeHeaders: Record<string, string | string[] | undefined> = {};
    ws.once('upgrade', (res) => (upgradeHeaders = res.headers));
    ws.once('open', () => resolve({ ws, upgradeHeaders }));
    ws.once('error', reject);
  });
}

async function echo(ws: WebSocket, data: string | Buffer): Promise<WebSocket.RawData> {
  const got = once(ws, 'message') as Promise<[WebSocket.RawData, boolean]>;
  ws.send(data);
  return (await got)[0];
}

test('"upgrade" enabled: the handshake reaches the backend, the 101 tunnels text and 4 MiB binary both ways', async (t) => {
  const be = await wsBackend(t);
  const srv = await startTestServer(t, config(be.port, 'proxy.header = ( "upgrade" => "enable" )'));
  const { ws, upgradeHeaders } = await openWs(`ws://127.0.0.1:${srv.port}/ws/echo`);
  t.after(() => ws.terminate());
  assert.equal(upgradeHeaders.connection, 'upgrade');
  const hs = be.upgrades[0];
  assert.ok(hs);
  assert.equal(rawHeader(hs, 'connection'), 'close, upgrade');
  assert.equal(rawHeader(hs, 'upgrade'), 'websocket');
  assert.equal(rawHeader(hs, 'x-forwarded-for'), '127.0.0.1');
  for (const n of ['1\n', '2\n', '3\n']) assert.equal((await echo(ws, n) as Buffer).toString(), n);
  const big = Buffer.alloc(4 * 1024 * 1024, 7);
  const back = (await echo(ws, big)) as Buffer;
  assert.equal(back.length, big.length);
  assert.ok(back.equals(big));
  const closed = once(ws, 'close') as Promise<[number, Buffer]>;
  ws.close(1000, 'done');
  const [code] = await closed;
  assert.equal(code, 1000);
});

test('a backend that goes away ends the client connection', async (t) => {
  const be = await wsBackend(t);
  const srv = await startTestServer(t, config(be.port, 'proxy.header = ( "upgrade" => "enable" )'));
  const { ws } = await openWs(`ws://127.0.0.1:${srv.port}/ws/x`);
  const closed = once(ws, 'close') as Promise<[number, Buffer]>;
  await be.close();
  const [code] = await closed;
  assert.equal(code, 1006, 'raw relay: the TCP close arrives without a CLOSE frame');
});

test('server.max-read-idle counts client bytes only: a silent client loses the tunnel', async (t) => {
  const be = await wsBackend(t);
  const srv = await startTestServer(t, `server.max-read-idle = 1\n${config(be.port, 'proxy.header = ( "upgrade" => "enable" )')}`);
  const { ws } = await openWs(`ws://127.0.0.1:${srv.port}/ws/idle`);
  t.after(() => ws.terminate());
  const started = Date.now();
  const closed = once(ws, 'close') as Promise<[number, Buffer]>;
  const [code] = await closed;
  const took = Date.now() - started;
  assert.equal(code, 1006, 'plain TCP close, no CLOSE frame (mod_proxy does not speak WebSocket)');
  assert.ok(took >= 900 && took < 5000, `closed after ${took} ms`);
});

test('without "upgrade" the Upgrade header is dropped: the backend answers a plain GET', async (t) => {
  const be = await wsBackend(t);
  const srv = await startTestServer(t, config(be.port, ''));
  const status = await new Promise<number>((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${srv.port}/ws/x`);
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('open', () => reject(new Error('the handshake went through')));
    ws.once('error', () => undefined);
  });
  assert.equal(status, 200);
  assert.equal(be.upgrades.length, 0);
});

test('"upgrade" enabled but the backend declines: its response is relayed and the connection closed', async (t) => {
  const be = await startHttpBackend();
  t.after(() => be.close());
  const srv = await startTestServer(t, config(be.port, 'proxy.header = ( "upgrade" => "enable" )'));
  const r = await rawRequest(
    srv.port,
    'GET /ws/plain HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    { timeoutMs: 3000 },
  );
  assert.equal(r.responses[0]?.status, 200);
  assert.equal(r.closed, true);
  assert.equal(rawHeader(be.requests[0] ?? { method: '', url: '', httpVersion: '', rawHeaders: [], bodyBytes: 0 }, 'upgrade'), 'websocket');
});

test('CONNECT: relayed to the configured backend with "connect", 405 without', async (t) => {
  const echoBackend = await tcpBackend();
  t.after(() => echoBackend.close());
  const on = await startTestServer(t, `server.modules += ( "mod_proxy" )\nproxy.server = ( "" => ( ( "host" => "127.0.0.1", "port" => ${echoBackend.port} ) ) )\nproxy.header = ( "connect" => "enable" )\n`);
  const sock = net.connect(on.port, '127.0.0.1');
  t.after(() => sock.destroy());
  sock.write('CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: 127.0.0.1:443\r\n\r\n');
  let got = '';
  sock.on('data', (d: Buffer) => (got += d.toString('latin1')));
  await new Promise<void>((resolve) => {
    const check = (): void => {
      if (got.includes('\r\n\r\n')) {
        sock.off('data', check);
        resolve();
      }
    };
    sock.on('data', check);
  });
  assert.match(got, /^HTTP\/1\.1 200 OK\r\nConnection: close\r\n/);
  sock.write('ping');
  await new Promise<void>((resolve) => {
    const check = (): void => {
      if (got.endsWith('ping')) resolve();
    };
    sock.on('data', check);
  });
  const off = await startTestServer(t, `server.modules += ( "mod_proxy" )\nproxy.server = ( "" => ( ( "host" => "127.0.0.1", "port" => ${echoBackend.port} ) ) )\n`);
  const r = await rawRequest(off.port, 'CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: 127.0.0.1:443\r\n\r\n', { timeoutMs: 1500 });
  assert.equal(r.responses[0]?.status, 405);
});

test('access log: a proxied WebSocket tunnel is logged with 101 when it closes (as lighttpd 1.4.69)', async (t) => {
  const be = await wsBackend(t);
  const log = 'access.log';
  const srv = await startTestServer(
    t,
    `server.modules += ( "mod_proxy", "mod_accesslog" )\naccesslog.filename = "@DIR@/${log}"\naccesslog.format = "%s %r"\n` +
      `proxy.server = ( "/ws/" => ( ( "host" => "127.0.0.1", "port" => ${be.port} ) ) )\n` +
      'proxy.header = ( "upgrade" => "enable" )\n',
  );
  const file = path.join(srv.dir, log);
  const lines = (): string[] => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l !== '') : []);
  const { ws } = await openWs(`ws://127.0.0.1:${srv.port}/ws/echo`);
  assert.equal(((await echo(ws, 'x')) as Buffer).toString(), 'x');
  assert.deepEqual(lines(), [], 'nothing is logged while the tunnel is open');
  const closed = once(ws, 'close');
  ws.close(1000, 'done');
  await closed;
  await waitFor(() => lines().length === 1, 3000, 'the tunnel\'s access log line');
  assert.deepEqual(lines(), ['101 GET /ws/echo HTTP/1.1']);
});

test('"upgrade" enabled, the backend declines: the client connection is closed once the answer is written (no descriptor left), and logged with the status', async (t) => {
  const be = await startHttpBackend();
  t.after(() => be.close());
  const log = 'access.log';
  const srv = await startTestServer(
    t,
    `server.modules += ( "mod_proxy", "mod_accesslog" )\naccesslog.filename = "@DIR@/${log}"\naccesslog.format = "%s %r"\n` +
      `proxy.server = ( "/ws/" => ( ( "host" => "127.0.0.1", "port" => ${be.port} ) ) )\nproxy.header = ( "upgrade" => "enable" )\n`,
  );
  const file = path.join(srv.dir, log);
  const lines = (): string[] => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l !== '') : []);
  // the client keeps its side open: the server must close the connection itself after the answer
  const sock = net.connect(srv.port, '127.0.0.1');
  t.after(() => sock.destroy());
  sock.write('GET /ws/plain HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
  let got = '';
  sock.on('data', (d: Buffer) => (got += d.toString('latin1')));
  sock.resume();
  await once(sock, 'close');
  assert.match(got, /^HTTP\/1\.1 200 /);
  await waitFor(() => lines().length === 1, 3000, 'the declined upgrade\'s access log line');
  assert.deepEqual(lines(), ['200 GET /ws/plain HTTP/1.1']);
});
