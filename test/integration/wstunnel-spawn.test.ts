/**
 * bin-path backends spawned as lighttpd spawns them (backends.md §4): fd 0 listening socket per
 * process (`socket-i` / `port + i`), process choice, environment, cwd, argv, respawn after a crash
 * with the once-per-second limit, kill-signal and reaping, an existing listener reused, min-procs 0.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { startTunnelServer } from '../helpers/tunnel-server.js';
import { tempDir } from '../helpers/backends.js';
import { openClient } from '../helpers/ws-client.js';
import { childProcesses } from '../helpers/procs.js';
import { repoRoot } from '../helpers/paths.js';
import { waitFor } from '../helpers/wait.js';

const ECHO = path.join(repoRoot, 'fixtures/backends/echo.mjs');

async function hello(url: string, keep = false): Promise<number> {
  const c = await openClient(url);
  const m = /^hello (\d+)\n$/.exec((await c.next()).data.toString());
  assert.ok(m, 'greeting');
  if (!keep) {
    c.ws.close();
    await c.closed();
  }
  return Number(m[1]);
}

test('max-procs 2: sockets -0 and -1, two children; open tunnels go to the least loaded, newest first', async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const sock = path.join(dir, 'e.sock');
  const srv = await startTunnelServer({ 'wstunnel.server': { '': [{ socket: sock, 'bin-path': `${ECHO} --hello`, 'max-procs': 2 }] } });
  t.after(() => srv.close());
  assert.ok(existsSync(`${sock}-0`) && existsSync(`${sock}-1`));
  const procs = srv.module.registry.hosts[0]?.procs ?? [];
  assert.deepEqual(
    procs.map((p) => p.name),
    [`unix:${sock}-1`, `unix:${sock}-0`],
  );
  const pids = procs.map((p) => p.pid);
  const seq: number[] = [];
  for (let i = 0; i < 4; i++) seq.push(await hello(`${srv.url}/`, true));
  assert.deepEqual(seq, [pids[0], pids[1], pids[0], pids[1]]);
  await srv.close();
  assert.equal(existsSync(`${sock}-0`) || existsSync(`${sock}-1`), false, 'socket files removed');
  assert.deepEqual(childProcesses(), [], 'no child left, no zombie');
});

test('environment, cwd and argv: bin-environment, bin-copy-environment, PHP_FCGI_CHILDREN=1', async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  process.env.TSW_TEST_COPIED = 'yes';
  process.env.TSW_TEST_NOT_COPIED = 'no';
  t.after(() => {
    delete process.env.TSW_TEST_COPIED;
    delete process.env.TSW_TEST_NOT_COPIED;
  });
  const srv = await startTunnelServer({
    'wstunnel.server': {
      '': [
        {
          socket: path.join(dir, 'env.sock'),
          'bin-path': `${ECHO} --env  two\tthree`,
          'max-procs': 1,
          'bin-environment': { FOO: 'bar' },
          'bin-copy-environment': ['TSW_TEST_COPIED', 'NOPE_NOT_SET', 'PATH'],
        },
      ],
    },
  });
  t.after(() => srv.close());
  const c = await openClient(`${srv.url}/`);
  const info = JSON.parse((await c.collect(1)).toString()) as { argv: string[]; cwd: string; env: Record<string, string> };
  assert.deepEqual(info.argv, ['--env', 'two', 'three']);
  assert.equal(info.cwd, path.dirname(ECHO));
  assert.equal(info.env.FOO, 'bar');
  assert.equal(info.env.TSW_TEST_COPIED, 'yes');
  assert.equal(info.env.TSW_TEST_NOT_COPIED, undefined);
  assert.equal(info.env.PHP_FCGI_CHILDREN, '1');
  assert.equal(info.env.NOPE_NOT_SET, undefined);
  await c.closed();
});

test('TCP bin-path: process i listens on port + i', async (t) => {
  // find a base port with its neighbour free
  let base = 0;
  for (let tries = 0; tries < 20 && base === 0; tries++) {
    const s = net.createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const p = (s.address() as net.AddressInfo).port;
    await new Promise<void>((r) => s.close(() => r()));
    const n = net.createServer();
    const ok = await new Promise<boolean>((r) => {
      n.once('error', () => r(false));
      n.listen(p + 1, '127.0.0.1', () => r(true));
    });
    if (ok) await new Promise<void>((r) => n.close(() => r()));
    if (ok && p < 65534) base = p;
  }
  assert.ok(base > 0);
  const srv = await startTunnelServer({ 'wstunnel.server': { '': [{ host: '127.0.0.1', port: base, 'bin-path': `${ECHO} --hello`, 'max-procs': 2 }] } });
  t.after(() => srv.close());
  assert.deepEqual(
    srv.module.registry.hosts[0]?.procs.map((p) => p.name),
    [`tcp:127.0.0.1:${base + 1}`, `tcp:127.0.0.1:${base}`],
  );
  assert.ok((await hello(`${srv.url}/`)) > 0);
});

test('a crashed child is respawned on the same socket; the next connection works', async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const srv = await startTunnelServer({ 'wstunnel.server': { '': [{ socket: path.join(dir, 'c.sock'), 'bin-path': `${ECHO} --hello`, 'max-procs': 1 }] } });
  t.after(() => srv.close());
  const proc = srv.module.registry.hosts[0]?.procs[0];
  assert.ok(proc);
  const first = await hello(`${srv.url}/`);
  process.kill(first, 'SIGKILL');
  await waitFor(() => proc.pid !== first && proc.pid > 0 && proc.state === 'up', 3000, 'respawn');
  assert.ok(srv.logs.some((l) => l.startsWith('wstunnel: child signalled: SIGKILL')), srv.logs.join('\n'));
  const second = await hello(`${srv.url}/`);
  assert.equal(second, proc.pid);
  assert.notEqual(second, first);
  await waitFor(() => childProcesses().every((c) => c.state !== 'Z'), 2000, 'no zombie');
});

test('a child that keeps exiting is restarted at most once per second', async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  // starts fine (the 'spawn' succeeds), then exits with status 3 at once, forever
  const srv = await startTunnelServer({ 'wstunnel.server': { '': [{ socket: path.join(dir, 'x.sock'), 'bin-path': `${ECHO} --exit-now`, 'max-procs': 1 }] } });
  t.after(() => srv.close());
  await new Promise((r) => setTimeout(r, 2500));
  const exits = srv.logs.filter((l) => l.startsWith('wstunnel: child exited: 3')).length;
  assert.ok(exits >= 1 && exits <= 4, `${exits} exits in 2.5 s`);
});

test('kill-signal is sent at shutdown', async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const marker = path.join(dir, 'signal.txt');
  const srv = await startTunnelServer({
    'wstunnel.server': { '': [{ socket: path.join(dir, 'k.sock'), 'bin-path': `${ECHO} --signal-file ${marker}`, 'max-procs': 1, 'kill-signal': 1 }] },
  });
  // one round trip first, so the child has installed its signal handlers
  const c = await openClient(`${srv.url}/`);
  c.ws.send('x');
  await c.next();
  await srv.close();
  assert.equal(readFileSync(marker, 'utf8'), 'SIGHUP');
  assert.deepEqual(childProcesses(), []);
});

test('an address that already has a listener is used as is: nothing is spawned', async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const sock = path.join(dir, 'pre.sock');
  const pre = net.createServer((s) => {
    s.on('error', () => undefined);
    s.end('pre-existing');
  });
  await new Promise<void>((r) => pre.listen(`${sock}-0`, r));
  t.after(() => pre.close());
  const srv = await startTunnelServer({ 'wstunnel.server': { '': [{ socket: sock, 'bin-path': `${ECHO} --hello`, 'max-procs': 1 }] } });
  t.after(() => srv.close());
  assert.equal(srv.module.registry.hosts[0]?.procs[0]?.pid, 0);
  assert.deepEqual(childProcesses(), []);
  const c = await openClient(`${srv.url}/`);
  assert.equal((await c.next()).data.toString(), 'pre-existing');
  await c.closed();
  await srv.close();
  assert.ok(existsSync(`${sock}-0`), 'a socket we did not create is not removed');
});

test('min-procs 0: nothing at start, the first request spawns a process', async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const srv = await startTunnelServer({
    'wstunnel.server': { '': [{ socket: path.join(dir, 'm.sock'), 'bin-path': `${ECHO} --hello`, 'max-procs': 2, 'min-procs': 0 }] },
  });
  t.after(() => srv.close());
  assert.deepEqual(childProcesses(), []);
  assert.ok((await hello(`${srv.url}/`)) > 0);
  assert.equal(childProcesses().length, 1);
});

test('a bin-path that cannot be executed is a startup error', async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  await assert.rejects(
    startTunnelServer({ 'wstunnel.server': { '': [{ socket: path.join(dir, 'n.sock'), 'bin-path': path.join(dir, 'missing'), 'max-procs': 1 }] } }),
    /spawning gw failed/,
  );
  assert.deepEqual(childProcesses(), []);
});

test('adaptive spawning: overload starts one more process; it is stopped after idle-timeout', async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const sock = path.join(dir, 'ad.sock');
  const srv = await startTunnelServer({
    'wstunnel.server': {
      '': [{ socket: sock, 'bin-path': `${ECHO} --hello`, 'min-procs': 1, 'max-procs': 3, 'max-load-per-proc': 1, 'idle-timeout': 1 }],
    },
  });
  t.after(() => srv.close());
  const host = srv.module.registry.hosts[0];
  assert.ok(host);
  assert.equal(host.procs.length, 1);
  const clients = [await openClient(`${srv.url}/`), await openClient(`${srv.url}/`)];
  await waitFor(() => host.procs.length === 2 && host.procs.every((p) => p.state === 'up'), 3000, 'a second process');
  assert.ok(srv.logs.includes('wstunnel: overload detected, spawning a new child'));
  assert.ok(existsSync(`${sock}-1`));
  clients.push(await openClient(`${srv.url}/`));
  assert.equal(host.procs[0]?.load, 1, 'the new process takes the next tunnel');
  for (const c of clients) c.ws.close();
  await Promise.all(clients.map((c) => c.closed()));
  await waitFor(() => host.procs.length === 1, 4000, 'the surplus process stopped');
  assert.ok(srv.logs.some((l) => l.startsWith(`wstunnel: idle-timeout reached, terminating child: socket: unix:${sock}-`)), srv.logs.join('\n'));
  await waitFor(() => childProcesses().length === 1, 3000, 'one child left');
});
