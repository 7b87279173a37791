/**
 * mod_proxy reads the core keys `server.max-read-idle` and `server.tag` from the request's merged core
 * config (lighttpd: r->conf), so a value set in a sibling conditional block that matches the request
 * counts as much as one in the proxy block itself or the global block (proxy.md §4.2, http-core.md §2).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import WebSocket from 'ws';
import { startTestServer } from '../helpers/server.js';
import { startHttpBackend, startWsBackend } from '../helpers/proxy-backends.js';
import { rawRequest, upgradeHead } from '../helpers/ws-raw.js';

function proxyBlock(port: number): string {
  return `$HTTP["url"] =~ "^/ws/" {
  proxy.server = ( "/ws/" => ( ( "host" => "127.0.0.1", "port" => ${port} ) ) )
  proxy.header = ( "upgrade" => "enable" )
}
`;
}

function openWs(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Resolves with the close code, or rejects after `ms`. */
function closedWithin(ws: WebSocket, ms: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still open after ${ms} ms`)), ms);
    void (once(ws, 'close') as Promise<[number, Buffer]>).then(([code]) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

test('server.max-read-idle from a sibling block closes a silent proxied upgrade tunnel; other URLs keep the default', { timeout: 15_000 }, async (t) => {
  const be = await startWsBackend();
  t.after(() => be.close());
  const srv = await startTestServer(
    t,
    `server.modules += ( "mod_proxy" )\n$HTTP["url"] =~ "^/ws/short" { server.max-read-idle = 1 }\n${proxyBlock(be.port)}`,
  );
  const short = await openWs(`ws://127.0.0.1:${srv.port}/ws/short`);
  const long = await openWs(`ws://127.0.0.1:${srv.port}/ws/long`);
  t.after(() => {
    short.terminate();
    long.terminate();
  });
  const started = Date.now();
  const code = await closedWithin(short, 5000);
  const took = Date.now() - started;
  assert.equal(code, 1006, 'plain TCP close, no CLOSE frame (mod_proxy does not speak WebSocket)');
  assert.ok(took >= 900, `closed after ${took} ms`);
  assert.equal(long.readyState, WebSocket.OPEN, 'the default 60 s still holds where the sibling block does not match');
  const echoed = once(long, 'message') as Promise<[Buffer, boolean]>;
  long.send('still here');
  assert.equal((await echoed)[0].toString(), 'still here');
});

test('server.tag from a sibling block is the Server header mod_proxy writes on the raw socket (101 and a declined upgrade)', { timeout: 15_000 }, async (t) => {
  const ws = await startWsBackend();
  t.after(() => ws.close());
  const plain = await startHttpBackend();
  t.after(() => plain.close());
  const tagBlock = '$HTTP["remote-ip"] == "127.0.0.1" { server.tag = "sibling-tag/1" }\n';
  const srv = await startTestServer(t, `server.modules += ( "mod_proxy" )\n${tagBlock}${proxyBlock(ws.port)}`);
  const up = await rawRequest(srv.port, upgradeHead('/ws/tag'));
  up.socket.destroy();
  assert.equal(up.status, 101);
  assert.equal(up.headers.server, 'sibling-tag/1');

  const declined = await startTestServer(t, `server.modules += ( "mod_proxy" )\n${proxyBlock(plain.port)}${tagBlock}`);
  const r = await rawRequest(declined.port, upgradeHead('/ws/plain'));
  r.socket.destroy();
  assert.equal(r.status, 200);
  assert.equal(r.headers.server, 'sibling-tag/1');
});
