import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { configFromText, startTestServer, tempDir } from '../helpers/server.js';
import { createProbeModule, type ProbeReply } from '../helpers/probe-module.js';
import { freePort } from '../helpers/lighttpd.js';
import { startServer, StartupError } from '../../src/main.js';

const probe = { mod_probe: createProbeModule };

function getVia(opts: { socketPath?: string; host?: string; port?: number }, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ ...opts, path, method: 'GET', headers: { Host: 'x' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('0.0.0.0:port and a v6-only [::]:port socket coexist (lighttpd sets IPV6_V6ONLY)', async (t) => {
  const port = await freePort();
  const s = await startTestServer(
    t,
    `server.port = ${port}
server.bind = "0.0.0.0"
server.modules = ("mod_probe")
probe.tag = "v4"
$SERVER["socket"] == "[::]:${port}" { probe.tag = "v6" }
`,
    { modules: probe },
  );
  assert.deepEqual(s.server.listeners.map((l) => l.token), [`0.0.0.0:${port}`, `[::]:${port}`]);
  const v4 = JSON.parse((await getVia({ host: '127.0.0.1', port })).body) as ProbeReply;
  const v6 = JSON.parse((await getVia({ host: '::1', port })).body) as ProbeReply;
  assert.equal(v4.tag, 'v4');
  assert.equal(v6.tag, 'v6');
  assert.equal(v6.remote, '::1');
});

test('a unix socket listener from $SERVER["socket"] == "/path"', async (t) => {
  const dir = tempDir(t);
  const sock = join(dir, 's.sock');
  const s = await startTestServer(
    t,
    `server.modules = ("mod_probe")
probe.tag = "tcp"
$SERVER["socket"] == "${sock}" { probe.tag = "unix" }
`,
    { modules: probe },
  );
  assert.equal(s.server.listeners[1]?.path, sock);
  const r = JSON.parse((await getVia({ socketPath: sock })).body) as ProbeReply;
  assert.equal(r.tag, 'unix');
  assert.equal(r.socket, sock);
});

test('a port that cannot be bound is a StartupError with lighttpd\'s message; other listeners are released', async (t) => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  t.after(() => blocker.close());
  const a = blocker.address();
  const busy = a !== null && typeof a === 'object' ? a.port : 0;
  const free = await freePort();
  const dir = tempDir(t);
  const tree = configFromText(`server.document-root = "${dir}"\nserver.bind = "127.0.0.1"\nserver.port = ${free}\n$SERVER["socket"] == "127.0.0.1:${busy}" { }\n`, dir);
  await assert.rejects(startServer(tree, { foreground: false }), (e: unknown) => {
    assert.ok(e instanceof StartupError);
    assert.equal(e.message, `can't bind to socket: 127.0.0.1:${busy}: Address already in use`);
    return true;
  });
  // the first listener was closed again: the port is free
  await new Promise<void>((resolve, reject) => {
    const probeSrv = createServer();
    probeSrv.once('error', reject);
    probeSrv.listen(free, '127.0.0.1', () => probeSrv.close(() => resolve()));
  });
});

test('startup errors: missing document root, unknown module', async (t) => {
  const dir = tempDir(t);
  const noRoot = configFromText('server.port = 0\n', dir);
  await assert.rejects(startServer(noRoot, { foreground: false }), /server\.document-root is not set/);
  const badMod = configFromText(`server.port = 0\nserver.document-root = "${dir}"\nserver.modules = ("mod_nonexistent")\n`, dir);
  await assert.rejects(startServer(badMod, { foreground: false }), /mod_nonexistent/);
});
