/**
 * Low descriptor limits (`ulimit -n` in a child shell), compared with lighttpd 1.4.69 where it has a
 * say: tswstunnel starts under `ulimit -n 64` (Node's loader used to fail with EMFILE), logs lighttpd's
 * "can't have more connections than fds/2" as lighttpd does (and how many connections fit beside Node's
 * own descriptors), refuses a limit below 32 with a clear
 * message; with more WebSocket clients than descriptors it neither crashes nor spins: the tunnels it
 * took keep echoing, the others wait or are closed, and once the tunnels close new ones open again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { tcpBackend } from '../helpers/backends.js';
import { LIGHTTPD_BIN, freePort } from '../helpers/lighttpd.js';
import { spawnLimited, type LimitedChild } from '../helpers/limited-child.js';
import { BIN, REPO_ROOT } from '../helpers/run-cli.js';
import { waitFor } from '../helpers/wait.js';

function tempConf(t: { after(fn: () => void): void }, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsw-fds-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'fds.conf');
  writeFileSync(file, `server.document-root = "${dir}"\n${text}`);
  return file;
}

async function started(c: LimitedChild): Promise<void> {
  await waitFor(() => c.stderr().includes('server started') || c.exited(), 20_000, 'server started');
  assert.ok(!c.exited(), `exited at startup: ${c.stderr()}`);
}

/** The error log without timestamps and without the start / stop lines. */
function notes(c: LimitedChild): string[] {
  return c.stderr().split('\n').filter((l) => l !== '' && !/server (started|stopped)/.test(l)).map((l) => l.replace(/^[0-9: -]+: \([^)]*\) /, ''));
}

test('ulimit -n 64: tswstunnel starts, and warns about server.max-connections above fds/2 as lighttpd 1.4.69', { timeout: 60_000 }, async (t) => {
  const port = await freePort();
  const conf = tempConf(t, `server.port = ${port}\nserver.bind = "127.0.0.1"\nserver.max-connections = 40\n`);
  const theirs = spawnLimited(64, [LIGHTTPD_BIN, '-D', '-f', conf], REPO_ROOT);
  t.after(() => theirs.stop());
  await started(theirs);
  await theirs.stop();
  const ours = spawnLimited(64, [process.execPath, BIN, '-D', '-f', conf], REPO_ROOT);
  t.after(() => ours.stop());
  await started(ours);
  const res = await fetch(`http://127.0.0.1:${port}/missing`);
  assert.equal(res.status, 404);
  await ours.stop();
  assert.deepEqual(notes(theirs), ["can't have more connections than fds/2: 40 64"]);
  // and (a deliberate addition) what fits next to Node's own descriptors
  const [same, fit, ...rest] = notes(ours);
  assert.deepEqual([same, rest], [notes(theirs)[0], []]);
  assert.match(fit ?? '', /^max-connections lowered from 32 to 1\d: 2\d of 64 descriptors are in use at start, each connection may need two$/);
});

test('ulimit -n 31: tswstunnel refuses with a clear message (Node itself needs the descriptors)', { timeout: 30_000 }, async (t) => {
  const conf = tempConf(t, 'server.port = 0\n');
  const ours = spawnLimited(31, [process.execPath, BIN, '-D', '-f', conf], REPO_ROOT);
  t.after(() => ours.stop());
  assert.equal(await ours.exit, 255);
  assert.equal(ours.stderr(), 'tswstunnel: the open files limit (ulimit -n) is 31; tswstunnel needs at least 32\n');
});

interface Tunnel {
  readonly ws: WebSocket;
  readonly ok: boolean;
}

function openTunnel(port: number): Promise<Tunnel> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { perMessageDeflate: false, handshakeTimeout: 3000 });
    ws.once('open', () => resolve({ ws, ok: true }));
    ws.once('error', () => resolve({ ws, ok: false }));
  });
}

function echoes(ws: WebSocket, text: string): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), 5000);
    ws.once('message', (d: Buffer) => {
      clearTimeout(timer);
      resolve(d.toString() === text);
    });
    ws.send(text);
  });
}

test('ulimit -n 64, 40 WebSocket clients: the tunnels taken keep working, the rest wait or are closed, no spin, and new tunnels open once they close', { timeout: 90_000 }, async (t) => {
  const backend = await tcpBackend();
  t.after(() => backend.close());
  const port = await freePort();
  const conf = tempConf(t, `server.port = ${port}\nserver.bind = "127.0.0.1"\nserver.modules = ( "mod_wstunnel" )\nwstunnel.server = ( "" => (( "host" => "127.0.0.1", "port" => ${backend.port} )) )\n`);
  const ours = spawnLimited(64, [process.execPath, BIN, '-D', '-f', conf], REPO_ROOT);
  t.after(() => ours.stop());
  await started(ours);
  const first = await Promise.all(Array.from({ length: 40 }, () => openTunnel(port)));
  const open = first.filter((c) => c.ok);
  assert.ok(open.length >= 10, `only ${open.length} tunnels opened: ${ours.stderr()}`);
  assert.ok(open.length < 40, 'more tunnels than descriptors allow');
  const replies = await Promise.all(open.map((c, i) => echoes(c.ws, `hello ${i}`)));
  assert.deepEqual(replies.filter((r) => !r), [], 'every open tunnel echoes');
  // with clients still knocking, the server idles
  const retry = Array.from({ length: 5 }, () => openTunnel(port));
  const before = ours.cpuTicks();
  await new Promise((r) => setTimeout(r, 1000));
  const spent = ours.cpuTicks() - before;
  assert.ok(spent < 50, `${spent} ticks of CPU in 1 s while full`);
  for (const c of [...first, ...(await Promise.all(retry))]) c.ws.terminate();
  await new Promise((r) => setTimeout(r, 1500));
  const again = await Promise.all(Array.from({ length: 10 }, () => openTunnel(port)));
  assert.equal(again.filter((c) => c.ok).length, 10, `after the tunnels closed: ${ours.stderr()}`);
  const after = await Promise.all(again.map((c, i) => echoes(c.ws, `again ${i}`)));
  assert.ok(after.every((r) => r));
  for (const c of again) c.ws.terminate();
  assert.ok(!ours.exited(), 'still running');
  assert.doesNotMatch(ours.stderr(), /Error|at .*\.js:\d+/, 'no crash or stack trace');
});
