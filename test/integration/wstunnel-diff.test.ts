/**
 * Differential: the same wstunnel config served by the real lighttpd 1.4.69 and by tswstunnel, the
 * same raw handshakes sent to both. Where they must agree (claim rules, versions ≥ 8 and junk,
 * origins, sub-protocol answers for a text config) the statuses and headers are compared; the known
 * deliberate differences (docs/compat.md) are asserted as differences, so a change on either side shows.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { loadConfig } from '../../src/config/load.js';
import { startServer } from '../../src/main.js';
import { tcpBackend } from '../helpers/backends.js';
import { lighttpdAvailable, startLighttpd } from '../helpers/lighttpd.js';
import { clientFrame, rawRequest, readBytes, upgradeHead } from '../helpers/ws-raw.js';

type Headers = Record<string, string | null>;

const PREAMBLE = 'server.bind = "127.0.0.1"\nserver.modules += ( "mod_wstunnel" )\n';

/** Starts lighttpd and tswstunnel with the same wstunnel keys (`@BACKEND@` = an echo backend's port). */
async function both(t: TestContext, keys: string): Promise<{ ours: number; theirs: number }> {
  assert.ok(lighttpdAvailable(), 'the differential tests need /usr/sbin/lighttpd (apt-get install lighttpd)');
  const backend = await tcpBackend();
  t.after(() => backend.close());
  const text = keys.replaceAll('@BACKEND@', String(backend.port));
  const lt = await startLighttpd(t, `server.document-root = "@DIR@"\nserver.port = @PORT@\n${PREAMBLE}${text}\n`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsw-diff-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'lighttpd.conf');
  writeFileSync(file, `server.document-root = "${dir}"\nserver.port = 0\n${PREAMBLE}${text}\n`);
  const { tree, diagnostics } = loadConfig({ file, cwd: dir });
  assert.ok(tree, diagnostics.map((d) => d.message).join('\n'));
  const err = new PassThrough();
  err.resume();
  const server = await startServer(tree, { foreground: true, stderr: err });
  t.after(() => server.close());
  return { ours: server.listeners[0]?.port ?? 0, theirs: lt.port };
}

async function ask(port: number, path: string, headers: Headers): Promise<{ status: number; protocol: string | undefined }> {
  const r = await rawRequest(port, upgradeHead(path, headers));
  r.socket.destroy();
  return { status: r.status, protocol: r.headers['sec-websocket-protocol'] };
}

test('differential: claim rules, versions and origins give lighttpd’s statuses', async (t) => {
  const { ours, theirs } = await both(
    t,
    '$HTTP["url"] =^ "/ws/" {\n  wstunnel.server = ( "" => ( ( "host" => "127.0.0.1", "port" => @BACKEND@ ) ) )\n  wstunnel.origins = ( "example.com", "http://good.org" )\n}',
  );
  const o = { Origin: 'http://www.example.com' };
  const cases: Array<[string, Headers]> = [
    ['/ws/', o],
    ['/ws/', { ...o, Upgrade: 'WebSocket', Connection: 'keep-alive, Upgrade' }],
    ['/ws/', { ...o, Upgrade: 'websocket2' }],
    ['/ws/', { ...o, Connection: 'keep-alive' }],
    ['/other', o],
    ['/ws/', { ...o, 'Sec-WebSocket-Version': '8' }],
    ['/ws/', { ...o, 'Sec-WebSocket-Version': '25' }],
    ['/ws/', { ...o, 'Sec-WebSocket-Version': '13abc' }],
    ['/ws/', { ...o, 'Sec-WebSocket-Version': 'abc' }],
    ['/ws/', { ...o, 'Sec-WebSocket-Key': null }],
    ['/ws/', {}],
    ['/ws/', { Origin: 'example.com' }],
    ['/ws/', { Origin: 'http://example.com' }],
    ['/ws/', { Origin: 'https://a.b.example.com' }],
    ['/ws/', { Origin: 'http://evilexample.com' }],
    ['/ws/', { Origin: 'http://www.example.com:8080' }],
    ['/ws/', { Origin: 'http://WWW.EXAMPLE.COM' }],
    ['/ws/', { Origin: 'https://good.org' }],
    ['/ws/', { Origin: 'x.http://good.org' }],
    ['/ws/', { 'Sec-WebSocket-Origin': 'http://good.org' }],
    ['/ws/', { Origin: 'http://bad', 'Sec-WebSocket-Origin': 'http://good.org' }],
  ];
  for (const [path, headers] of cases) {
    const a = await ask(theirs, path, headers);
    const b = await ask(ours, path, headers);
    assert.equal(b.status, a.status, `${path} ${JSON.stringify(headers)}`);
  }
});

test('differential: sub-protocol answers agree for a text config; frame-type binary differs only where 1.4.69 is wrong', async (t) => {
  const { ours, theirs } = await both(
    t,
    'wstunnel.server = ( "" => ( ( "host" => "127.0.0.1", "port" => @BACKEND@ ) ) )\n$HTTP["url"] =^ "/bin/" {\n  wstunnel.frame-type = "binary"\n}',
  );
  for (const offered of [null, 'binary', 'base64', 'chat', 'chat, binary']) {
    const a = await ask(theirs, '/', { 'Sec-WebSocket-Protocol': offered });
    const b = await ask(ours, '/', { 'Sec-WebSocket-Protocol': offered });
    assert.deepEqual(b, a, `text config, offered ${String(offered)}`);
  }
  // the bug: 1.4.69 answers an unrequested "binary"; tswstunnel answers nothing
  assert.deepEqual(await ask(theirs, '/bin/', {}), { status: 101, protocol: 'binary' });
  assert.deepEqual(await ask(ours, '/bin/', {}), { status: 101, protocol: undefined });
  assert.deepEqual(await ask(ours, '/bin/', { 'Sec-WebSocket-Protocol': 'binary' }), await ask(theirs, '/bin/', { 'Sec-WebSocket-Protocol': 'binary' }));
});

test('differential: an echoed text frame is byte-identical; the CLOSE answer differs (1.4.69 sends ASCII "1000")', async (t) => {
  const { ours, theirs } = await both(t, 'wstunnel.server = ( "" => ( ( "host" => "127.0.0.1", "port" => @BACKEND@ ) ) )');
  const exchange = async (port: number): Promise<{ echo: Buffer; close: Buffer }> => {
    const r = await rawRequest(port, upgradeHead('/'));
    r.socket.write(clientFrame(1, Buffer.from('hello')));
    const echo = await readBytes(r.socket, 7, r.rest);
    const code = Buffer.alloc(2);
    code.writeUInt16BE(1000);
    r.socket.write(clientFrame(8, code));
    const close = await readBytes(r.socket, 4);
    r.socket.destroy();
    return { echo, close: close.subarray(0, 4) };
  };
  const a = await exchange(theirs);
  const b = await exchange(ours);
  assert.deepEqual(b.echo, a.echo);
  assert.deepEqual(a.close, Buffer.from([0x88, 0x04, 0x31, 0x30]), '1.4.69: CLOSE with the text "1000"');
  assert.deepEqual(b.close, Buffer.from([0x88, 0x02, 0x03, 0xe8]), 'tswstunnel: CLOSE 1000 as 2 bytes');
});

test('differential: the 101 has lighttpd’s header order, and the 101 and a refusal carry server.tag from a sibling block', async (t) => {
  const { ours, theirs } = await both(
    t,
    '$HTTP["remote-ip"] == "127.0.0.1" {\n  server.tag = "sibling-tag/1"\n}\n$HTTP["url"] =^ "/ws/" {\n  wstunnel.server = ( "" => ( ( "host" => "127.0.0.1", "port" => @BACKEND@ ) ) )\n  wstunnel.origins = ( "example.com" )\n}',
  );
  const answers = async (port: number): Promise<{ order: string[]; connection: string | undefined; servers: Array<string | undefined> }> => {
    const ok = await rawRequest(port, upgradeHead('/ws/', { Origin: 'http://www.example.com' }));
    ok.socket.destroy();
    assert.equal(ok.status, 101);
    const refused = await rawRequest(port, upgradeHead('/ws/', { Origin: 'http://bad.org' }));
    refused.socket.destroy();
    assert.equal(refused.status, 403);
    return { order: Object.keys(ok.headers), connection: ok.headers['connection']?.toLowerCase(), servers: [ok.headers['server'], refused.headers['server']] };
  };
  const mine = await answers(ours);
  const real = await answers(theirs);
  assert.deepEqual(mine.order, real.order);
  assert.equal(mine.connection, real.connection);
  assert.deepEqual(real.servers, ['sibling-tag/1', 'sibling-tag/1']);
  assert.deepEqual(mine.servers, real.servers);
});
