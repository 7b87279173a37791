/**
 * mod_wstunnel against each kind of backend: TCP, unix socket, and processes spawned from
 * `bin-path` (a Node echo and the verbatim examples/echo.pl from lighttpd's documentation).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { startTunnelServer } from '../helpers/tunnel-server.js';
import { tcpBackend, tempDir, unixBackend } from '../helpers/backends.js';
import { openClient } from '../helpers/ws-client.js';
import { repoRoot } from '../helpers/paths.js';

test('TCP backend: messages go through and come back as text frames', async (t) => {
  const backend = await tcpBackend();
  t.after(() => backend.close());
  const srv = await startTunnelServer({ 'wstunnel.server': { '/ws/': [{ host: '127.0.0.1', port: backend.port }] } });
  t.after(() => srv.close());
  const c = await openClient(`${srv.url}/ws/x`);
  c.ws.send('hello');
  const r = await c.next();
  assert.equal(r.data.toString(), 'hello');
  assert.equal(r.isBinary, false);
  c.ws.close(1000);
  assert.equal((await c.closed()).code, 1000);
});

test('unix socket backend', async (t) => {
  const backend = await unixBackend();
  t.after(() => backend.close());
  const srv = await startTunnelServer({ 'wstunnel.server': { '': [{ socket: backend.path }] } });
  t.after(() => srv.close());
  const c = await openClient(`${srv.url}/anything`);
  c.ws.send(Buffer.from([1, 2, 3]));
  assert.deepEqual([...(await c.next()).data], [1, 2, 3]);
  c.ws.close();
  await c.closed();
});

test('bin-path backend (Node): spawned on socket-0, echoes, reaped with its socket file at shutdown', async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const sock = path.join(dir, 'echo.sock');
  const srv = await startTunnelServer({
    'wstunnel.server': { '': [{ socket: sock, 'bin-path': path.join(repoRoot, 'fixtures/backends/echo.mjs'), 'max-procs': 1 }] },
  });
  t.after(() => srv.close());
  assert.ok(existsSync(`${sock}-0`), 'socket-0 exists');
  const proc = srv.module.registry.hosts[0]?.procs[0];
  assert.ok(proc && proc.pid > 0, 'a child runs');
  const c = await openClient(`${srv.url}/`);
  c.ws.send('ping me\n');
  assert.equal((await c.next()).data.toString(), 'ping me\n');
  c.ws.close();
  await c.closed();
  await srv.close();
  assert.equal(existsSync(`${sock}-0`), false, 'socket file removed');
  assert.throws(() => process.kill(proc.pid, 0), 'child is gone');
  assert.deepEqual(readdirSync(dir), []);
});

test('bin-path backend: the verbatim echo.pl from the lighttpd docs echoes line by line', async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const script = path.join(dir, 'echo.pl');
  copyFileSync(path.join(repoRoot, 'examples/echo.pl'), script);
  const srv = await startTunnelServer({
    'wstunnel.server': { '': [{ socket: path.join(dir, 'psock'), 'bin-path': script, 'max-procs': 1 }] },
  });
  t.after(() => srv.close());
  const c = await openClient(`${srv.url}/`);
  for (let i = 1; i <= 5; i++) {
    c.ws.send(`${i}\n`);
    assert.equal((await c.next()).data.toString(), `${i}\n`);
  }
  c.ws.close(1000);
  assert.equal((await c.closed()).code, 1000);
});
