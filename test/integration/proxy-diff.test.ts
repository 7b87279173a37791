/**
 * Differential test of mod_proxy: the same config served by the real lighttpd 1.4.69 and by tswstunnel,
 * both proxying to one recording Node backend. For every case of test/helpers/proxy-diff-cases.ts the
 * status the client gets (plus Location, Set-Cookie and Content-Type) and what the backend receives
 * (method, target, HTTP version, every header in order) must agree. A difference is allowed only when
 * the case is in ALLOWED with its reason (also in docs/compat.md), and an allowed case must really
 * differ, so the list stays honest.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import { join } from 'node:path';
import { lighttpdAvailable, startLighttpd } from '../helpers/lighttpd.js';
import { closedPort } from '../helpers/backends.js';
import { proxiedView } from '../helpers/proxy-diff-view.js';
import { startTestServer } from '../helpers/server.js';
import { startHttpBackend, startWsBackend } from '../helpers/proxy-backends.js';
import { PROXY_DIFF_CASES, PROXY_DIFF_CONFIG } from '../helpers/proxy-diff-cases.js';
import { rawRequest, upgradeHead } from '../helpers/ws-raw.js';

/** Case name → why tswstunnel differs (docs/compat.md, mod_proxy). */
const ALLOWED: Readonly<Record<string, string>> = {
  'Upgrade h2c': 'lighttpd 1.4.69 itself upgrades the client connection to HTTP/2 (101, then h2 frames); tswstunnel has no HTTP/2 and answers over HTTP/1.1',
};

test('mod_proxy differential: tswstunnel vs lighttpd 1.4.69', { timeout: 120_000, skip: !lighttpdAvailable() && 'lighttpd not installed' }, async (t) => {
  const be = await startHttpBackend();
  t.after(() => be.close());
  const dead = await closedPort();
  const docroot = mkdtempSync(join(tmpdir(), 'tsw-proxy-diff-'));
  t.after(() => rmSync(docroot, { recursive: true, force: true }));
  const config = PROXY_DIFF_CONFIG.replaceAll('@BACKEND@', String(be.port)).replaceAll('@DEAD@', String(dead)).replaceAll('@DOCROOT@', docroot);
  const oracle = await startLighttpd(t, `${config}server.port = @PORT@\nserver.bind = "127.0.0.1"\n`);
  const tsw = await startTestServer(t, config);

  let agree = 0;
  const disagreements: string[] = [];
  const unexpectedAgreements: string[] = [];
  for (const c of PROXY_DIFF_CASES) {
    const want = await proxiedView(oracle.port, c.request, be.requests, oracle.port);
    const got = await proxiedView(tsw.port, c.request, be.requests, tsw.port);
    const same = want === got;
    if (same) agree++;
    if (c.name in ALLOWED) {
      if (same) unexpectedAgreements.push(c.name);
    } else if (!same) {
      disagreements.push(`--- ${c.name}\n${c.request.split('\r\n')[0] ?? ''}\nlighttpd:\n${want}\ntswstunnel:\n${got}`);
    }
  }
  const total = PROXY_DIFF_CASES.length;
  console.log(`# proxy differential: ${agree}/${total} agree (${Object.keys(ALLOWED).length} allowed differences)`);
  t.diagnostic(`${agree}/${total} agree`);
  assert.ok(total >= 40, `only ${total} cases`);
  assert.deepEqual(unexpectedAgreements, [], 'allowed differences that no longer differ: remove them from ALLOWED');
  assert.equal(disagreements.length, 0, disagreements.join('\n\n'));
});

/** Sends a WebSocket handshake plus one masked text frame; returns the 101 head (Date dropped) and the echo frame. */
async function wsExchange(port: number): Promise<string> {
  const sock = net.connect(port, '127.0.0.1');
  sock.on('error', () => undefined);
  let buf = Buffer.alloc(0);
  const waitFor = (pred: (b: Buffer) => boolean): Promise<void> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timeout; got ${JSON.stringify(buf.toString('latin1'))}`)), 3000);
      const check = (): void => {
        if (pred(buf)) {
          clearTimeout(timer);
          sock.off('data', onData);
          resolve();
        }
      };
      const onData = (d: Buffer): void => {
        buf = Buffer.concat([buf, d]);
        check();
      };
      sock.on('data', onData);
      check();
    });
  sock.write(
    'GET /up/ws HTTP/1.1\r\nHost: front.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n',
  );
  await waitFor((b) => b.includes('\r\n\r\n'));
  const end = buf.indexOf('\r\n\r\n') + 4;
  const head = buf.subarray(0, end).toString('latin1').split('\r\n').filter((l) => !/^(date|server):/i.test(l));
  buf = buf.subarray(end);
  // masked text frame "hi" (mask 01 02 03 04)
  sock.write(Buffer.from([0x81, 0x82, 1, 2, 3, 4, 0x68 ^ 1, 0x69 ^ 2]));
  await waitFor((b) => b.length >= 4);
  const frame = buf.subarray(0, 4).toString('hex');
  sock.destroy();
  return [...head, `echo frame ${frame}`].join('\n');
}

test('mod_proxy differential: a WebSocket handshake and frame through "upgrade"', { timeout: 60_000, skip: !lighttpdAvailable() && 'lighttpd not installed' }, async (t) => {
  const be = await startWsBackend();
  t.after(() => be.close());
  const docroot = mkdtempSync(join(tmpdir(), 'tsw-proxy-diff-ws-'));
  t.after(() => rmSync(docroot, { recursive: true, force: true }));
  const config = `server.document-root = "${docroot}"\nserver.modules += ( "mod_proxy" )\nproxy.server = ( "/up/" => ( ( "host" => "127.0.0.1", "port" => ${be.port} ) ) )\nproxy.header = ( "upgrade" => "enable" )\n`;
  const oracle = await startLighttpd(t, `${config}server.port = @PORT@\nserver.bind = "127.0.0.1"\n`);
  const tsw = await startTestServer(t, config);
  const want = await wsExchange(oracle.port);
  const wantSeen = be.upgrades.at(-1)?.rawHeaders.join('|');
  const got = await wsExchange(tsw.port);
  const gotSeen = be.upgrades.at(-1)?.rawHeaders.join('|');
  assert.equal(be.upgrades.length, 2);
  assert.equal(got, want);
  assert.equal(gotSeen, wantSeen);
  assert.match(want, /^HTTP\/1\.1 101 Switching Protocols\n/);
});

/** The status and Server header an upgrade request to `path` gets on the raw socket. */
async function upgradeServerHeader(port: number, path: string): Promise<string> {
  const r = await rawRequest(port, upgradeHead(path));
  r.socket.destroy();
  return `${r.status} Server: ${r.headers.server ?? '-'}`;
}

test('mod_proxy differential: server.tag from a sibling block on a 101 and on a declined upgrade', { timeout: 60_000, skip: !lighttpdAvailable() && 'lighttpd not installed' }, async (t) => {
  const ws = await startWsBackend();
  t.after(() => ws.close());
  const plain = await startHttpBackend();
  t.after(() => plain.close());
  const docroot = mkdtempSync(join(tmpdir(), 'tsw-proxy-diff-tag-'));
  t.after(() => rmSync(docroot, { recursive: true, force: true }));
  const upstream = (prefix: string, port: number): string =>
    `$HTTP["url"] =^ "${prefix}" {\n  proxy.server = ( "${prefix}" => ( ( "host" => "127.0.0.1", "port" => ${port} ) ) )\n  proxy.header = ( "upgrade" => "enable" )\n}\n`;
  const config =
    `server.document-root = "${docroot}"\nserver.modules += ( "mod_proxy" )\n` +
    `$HTTP["remote-ip"] == "127.0.0.1" { server.tag = "sibling-tag/1" }\n${upstream('/up/', ws.port)}${upstream('/plain/', plain.port)}`;
  const oracle = await startLighttpd(t, `${config}server.port = @PORT@\nserver.bind = "127.0.0.1"\n`);
  const tsw = await startTestServer(t, config);
  for (const path of ['/up/ws', '/plain/x']) {
    const want = await upgradeServerHeader(oracle.port, path);
    assert.equal(await upgradeServerHeader(tsw.port, path), want, path);
    assert.match(want, /Server: sibling-tag\/1$/);
  }
});
