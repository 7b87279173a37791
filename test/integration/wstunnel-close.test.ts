/**
 * Closing and liveness (wstunnel.md §8–§9): each close path with its 2-byte code, no leaked backend
 * socket, pings, and server.max-read-idle counting traffic in both directions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type net from 'node:net';
import WebSocket from 'ws';
import { tcpBackend, type OnConnection, type TestBackend } from '../helpers/backends.js';
import { startLighttpd } from '../helpers/lighttpd.js';
import { startTestServer } from '../helpers/server.js';
import { startTunnelServer, type TunnelServer } from '../helpers/tunnel-server.js';
import { openClient } from '../helpers/ws-client.js';
import { rawRequest, upgradeHead } from '../helpers/ws-raw.js';
import { waitFor } from '../helpers/wait.js';
import type { Literal } from '../helpers/config-values.js';

async function setup(
  t: { after(fn: () => unknown): void },
  extra: Readonly<Record<string, Literal>> = {},
  onConn?: OnConnection,
): Promise<{ srv: TunnelServer; backend: TestBackend }> {
  const backend = await tcpBackend(onConn);
  t.after(() => backend.close());
  const srv = await startTunnelServer({ 'wstunnel.server': { '': [{ host: '127.0.0.1', port: backend.port }] }, ...extra });
  t.after(() => srv.close());
  return { srv, backend };
}

function hostLoad(srv: TunnelServer): number {
  return srv.module.registry.hosts.reduce((n, h) => n + h.load, 0);
}

test('client CLOSE: echoed, the backend gets EOF, the lease is released', async (t) => {
  let backendEnded = false;
  const { srv, backend } = await setup(t, {}, (sock) => {
    sock.on('end', () => {
      backendEnded = true;
      sock.end();
    });
    sock.pipe(sock, { end: false });
  });
  const c = await openClient(`${srv.url}/`);
  c.ws.send('last words');
  await c.next();
  c.ws.close(4000, 'bye');
  assert.deepEqual(await c.closed(), { code: 4000, reason: 'bye' });
  await waitFor(() => backendEnded && backend.open.size === 0, 3000, 'backend EOF');
  await waitFor(() => srv.module.tunnelCount === 0 && hostLoad(srv) === 0, 3000, 'tunnel released');
});

test('backend EOF: data first, then CLOSE 1000', async (t) => {
  const { srv } = await setup(t, {}, (sock) => sock.end('goodbye'));
  const c = await openClient(`${srv.url}/`);
  assert.equal((await c.next()).data.toString(), 'goodbye');
  assert.equal((await c.closed()).code, 1000);
  await waitFor(() => srv.module.tunnelCount === 0 && hostLoad(srv) === 0, 3000, 'tunnel released');
});

test('backend error (reset mid-stream): CLOSE 1011, logged with the backend name', async (t) => {
  const { srv, backend } = await setup(t, {}, (sock: net.Socket) => {
    sock.write('partial');
    setTimeout(() => sock.resetAndDestroy(), 50);
  });
  const c = await openClient(`${srv.url}/`);
  assert.equal((await c.next()).data.toString(), 'partial');
  assert.equal((await c.closed()).code, 1011);
  assert.ok(srv.logs.some((l) => l.startsWith(`wstunnel: backend tcp:127.0.0.1:${backend.port} error: ECONNRESET`)), srv.logs.join('\n'));
  await waitFor(() => srv.module.tunnelCount === 0, 3000, 'tunnel gone');
});

test('server shutdown: CLOSE 1001 to every tunnel, backends closed', async (t) => {
  const { srv, backend } = await setup(t);
  const a = await openClient(`${srv.url}/`);
  const b = await openClient(`${srv.url}/`);
  const closing = srv.server.close();
  assert.equal((await a.closed()).code, 1001);
  assert.equal((await b.closed()).code, 1001);
  await closing;
  await waitFor(() => backend.open.size === 0, 3000, 'backend sockets closed');
});

test('client half-close (FIN without CLOSE) and client reset both end the tunnel and the backend socket', async (t) => {
  const { srv, backend } = await setup(t);
  const fin = await rawRequest(srv.port, upgradeHead('/'));
  assert.equal(fin.status, 101);
  await waitFor(() => backend.open.size === 1, 3000, 'backend connected');
  fin.socket.end();
  await waitFor(() => backend.open.size === 0, 3000, 'backend closed after FIN');
  const rst = await rawRequest(srv.port, upgradeHead('/'));
  await waitFor(() => backend.open.size === 1, 3000, 'backend connected');
  rst.socket.resetAndDestroy();
  await waitFor(() => backend.open.size === 0 && srv.module.tunnelCount === 0, 3000, 'backend closed after RST');
});

test('idle: no traffic for server.max-read-idle → CLOSE 1001, backend closed; a vanished client too', async (t) => {
  const { srv, backend } = await setup(t, { 'server.max-read-idle': 1 });
  const c = await openClient(`${srv.url}/`);
  // a client that vanished: handshake done, then silence, never reads or answers
  const gone = await rawRequest(srv.port, upgradeHead('/'));
  t.after(() => gone.socket.destroy());
  const started = Date.now();
  assert.equal((await c.closed(4000)).code, 1001);
  const took = Date.now() - started;
  assert.ok(took >= 900 && took < 4000, `closed after ${took} ms`);
  await waitFor(() => backend.open.size === 0, 3000, 'both backend sockets closed within the idle bound');
});

test('idle: a global server.max-read-idle applies to a wstunnel.server set in a condition; a block may override it', async (t) => {
  // found by the wire fuzz test: the limit was only read from blocks that also held wstunnel keys
  const backend = await tcpBackend();
  t.after(() => backend.close());
  const s = await startTestServer(
    t,
    `server.modules = ("mod_wstunnel")
server.max-read-idle = 1
$HTTP["url"] =~ "^/ws" { wstunnel.server = ( "" => (( "host" => "127.0.0.1", "port" => ${backend.port} )) ) }
$HTTP["url"] =~ "^/ws/long" { server.max-read-idle = 60 }
`,
  );
  const short = await openClient(`ws://127.0.0.1:${s.port}/ws`);
  const long = await openClient(`ws://127.0.0.1:${s.port}/ws/long`);
  assert.equal((await short.closed(4000)).code, 1001);
  assert.equal(long.ws.readyState, WebSocket.OPEN);
  long.ws.send('still here');
  assert.equal((await long.next()).data.toString(), 'still here');
});

test('idle: server.max-read-idle from a sibling block (no wstunnel key in it) applies to the tunnels it matches', async (t) => {
  const backend = await tcpBackend();
  t.after(() => backend.close());
  const s = await startTestServer(
    t,
    `server.modules = ("mod_wstunnel")
$HTTP["url"] =~ "^/ws/short" { server.max-read-idle = 1 }
$HTTP["url"] =~ "^/ws" { wstunnel.server = ( "" => (( "host" => "127.0.0.1", "port" => ${backend.port} )) ) }
`,
  );
  const short = await openClient(`ws://127.0.0.1:${s.port}/ws/short`);
  const long = await openClient(`ws://127.0.0.1:${s.port}/ws/long`);
  const started = Date.now();
  assert.equal((await short.closed(4000)).code, 1001);
  const took = Date.now() - started;
  assert.ok(took >= 900, `closed after ${took} ms`);
  assert.equal(long.ws.readyState, WebSocket.OPEN);
  long.ws.send('still here');
  assert.equal((await long.next()).data.toString(), 'still here');
});

test('idle: backend traffic alone keeps a tunnel open (a VNC viewer that only watches)', async (t) => {
  // the first tunnel's backend talks every 250 ms, the second one's never: same server, same limit
  let n = 0;
  const { srv } = await setup(t, { 'server.max-read-idle': 1 }, (sock) => {
    if (n++ > 0) return;
    const timer = setInterval(() => sock.write('frame'), 250);
    sock.on('close', () => clearInterval(timer));
  });
  const c = await openClient(`${srv.url}/`);
  const silent = await openClient(`${srv.url}/`);
  const silentClosed = silent.closed(6000);
  // the limit closes a silent tunnel within 2 s (two ticks); 3 s leaves a second for a loaded machine
  await new Promise((r) => setTimeout(r, 3000));
  assert.equal((await silentClosed).code, 1001);
  assert.equal(c.ws.readyState, WebSocket.OPEN);
  assert.ok(c.received.length >= 6, `${c.received.length} messages`);
  c.ws.close();
  await c.closed();
});

test('ping-interval: PINGs with payload "ping"; a client answering them is not idle, one that does not is closed', async (t) => {
  const { srv } = await setup(t, { 'server.max-read-idle': 2, 'wstunnel.ping-interval': 1 });
  const answering = await openClient(`${srv.url}/`);
  const pings: string[] = [];
  answering.ws.on('ping', (d: Buffer) => pings.push(d.toString()));
  const silent = await openClient(`${srv.url}/`, undefined, { autoPong: false });
  const silentClosed = silent.closed(5000);
  await new Promise((r) => setTimeout(r, 3300));
  assert.ok(pings.length >= 2, `${pings.length} pings`);
  assert.ok(pings.every((p) => p === 'ping'));
  assert.equal(answering.ws.readyState, WebSocket.OPEN);
  assert.equal((await silentClosed).code, 1001);
  answering.ws.close();
  await answering.closed();
});

test('host read-timeout: a silent backend ends the tunnel with 1011 even while the client talks', async (t) => {
  const backend = await tcpBackend((s) => s.resume()); // swallows everything, says nothing
  t.after(() => backend.close());
  const srv = await startTunnelServer({ 'wstunnel.server': { '': [{ host: '127.0.0.1', port: backend.port, 'read-timeout': 1 }] } });
  t.after(() => srv.close());
  const c = await openClient(`${srv.url}/`);
  const chatter = setInterval(() => c.ws.send('still here'), 200);
  t.after(() => clearInterval(chatter));
  const started = Date.now();
  assert.equal((await c.closed(4000)).code, 1011);
  clearInterval(chatter);
  assert.ok(Date.now() - started < 4500);
  assert.ok(srv.logs.includes(`wstunnel: read timeout on socket: tcp:127.0.0.1:${backend.port}`), srv.logs.join('\n'));
  await waitFor(() => backend.open.size === 0, 3000, 'backend socket closed');
});

test('idle: server.max-read-idle = 0 is no limit for a tunnel; lighttpd 1.4.69 closes such a tunnel within a second (docs/compat.md)', async (t) => {
  const backend = await tcpBackend();
  t.after(() => backend.close());
  // /ws/zero opens first and /ws/short (limit 1 s) closes after more than 1 s of silence: by then a
  // limit of 0 has long passed in lighttpd's check (idle > max-read-idle, once a second)
  const config = `server.modules = ("mod_wstunnel")
server.max-read-idle = 0
$HTTP["url"] =~ "^/ws/short" { server.max-read-idle = 1 }
$HTTP["url"] =~ "^/ws" { wstunnel.server = ( "" => (( "host" => "127.0.0.1", "port" => ${backend.port} )) ) }
`;
  const ours = await startTestServer(t, config);
  const oracle = await startLighttpd(t, `server.port = @PORT@\nserver.bind = "127.0.0.1"\nserver.document-root = "${ours.docroot}"\n${config}`, { dir: ours.dir });
  for (const [name, port, zeroCloses] of [['lighttpd', oracle.port, true], ['tswstunnel', ours.port, false]] as const) {
    const zero = await openClient(`ws://127.0.0.1:${port}/ws/zero`);
    const zeroClosed = zero.closed(6000);
    const short = await openClient(`ws://127.0.0.1:${port}/ws/short`);
    await short.closed(6000);
    assert.equal(zero.ws.readyState !== WebSocket.OPEN, zeroCloses, `${name}: the tunnel under max-read-idle 0 ${zeroCloses ? 'closed' : 'is open'}`);
    if (zeroCloses) {
      await zeroClosed;
      continue;
    }
    zero.ws.send('still here');
    assert.equal((await zero.next()).data.toString(), 'still here');
    zero.ws.close();
    await zeroClosed;
  }
});
