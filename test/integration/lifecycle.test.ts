import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { startTestServer, tempDir } from '../helpers/server.js';
import { createProbeModule } from '../helpers/probe-module.js';
import { freePort } from '../helpers/lighttpd.js';
import { BIN, REPO_ROOT, startCli } from '../helpers/run-cli.js';
import type { TestContext } from 'node:test';
import { canConnect } from '../helpers/wait.js';

async function waitUntil(cond: () => boolean, ms = 15000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

interface Child {
  readonly pid: number;
  readonly port: number;
  readonly dir: string;
  stderr(): string;
  kill(sig: NodeJS.Signals): void;
  readonly exit: Promise<number | null>;
}

/** Runs `tswstunnel -D -f conf` and waits for "server started" (or the exit). */
async function runCliServer(t: TestContext, body: string, args: readonly string[] = []): Promise<Child> {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'www'));
  const port = await freePort();
  const conf = join(dir, 'lighttpd.conf');
  writeFileSync(conf, `server.document-root = "${dir}/www"\nserver.bind = "127.0.0.1"\nserver.port = ${port}\n${body.replaceAll('@DIR@', dir)}`);
  const child = startCli(t, conf, args);
  const deadline = Date.now() + 20000;
  while (!child.exited() && Date.now() < deadline && !(await canConnect(port))) {
    await new Promise((r) => setTimeout(r, 20));
  }
  return { pid: child.pid, port, dir, stderr: child.stderr, kill: child.kill, exit: child.exit };
}

test('CLI: SIGINT is a graceful stop (exit 0, "[note] graceful shutdown started")', async (t) => {
  const c = await runCliServer(t, 'server.modules = ()\n');
  await waitUntil(() => c.stderr().includes('server started'));
  assert.match(c.stderr(), /server started/);
  c.kill('SIGINT');
  assert.equal(await c.exit, 0, c.stderr());
  assert.match(c.stderr(), /\[note\] graceful shutdown started/);
});

test('CLI: pid file while running; SIGHUP reopens server.errorlog; SIGTERM stops with exit 0 and removes the pid file', async (t) => {
  const c = await runCliServer(t, 'server.errorlog = "@DIR@/error.log"\nserver.pid-file = "@DIR@/t.pid"\nserver.modules = ()\n');
  const log = join(c.dir, 'error.log');
  await waitUntil(() => existsSync(log) && readFileSync(log, 'utf8').includes('server started') && existsSync(join(c.dir, 't.pid')));
  assert.match(readFileSync(log, 'utf8'), /\(server\.c\.1704\) server started/);
  assert.equal(readFileSync(join(c.dir, 't.pid'), 'utf8').trim().length > 0, true);
  const r = await fetch(`http://127.0.0.1:${c.port}/x`);
  assert.equal(r.status, 404);
  await r.arrayBuffer();
  renameSync(log, `${log}.1`);
  c.kill('SIGHUP');
  const deadline = Date.now() + 5000;
  while (!(existsSync(log) && readFileSync(log, 'utf8').includes('logfiles cycled')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.match(readFileSync(log, 'utf8'), /\(server\.c\.1848\) logfiles cycled/);
  c.kill('SIGTERM');
  assert.equal(await c.exit, 0);
  assert.match(readFileSync(log, 'utf8'), /server stopped/);
  assert.equal(existsSync(join(c.dir, 't.pid')), false);
});

test('CLI: a port in use is a one-line startup error and exit 255, no stack trace', async (t) => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  t.after(() => blocker.close());
  const addr = blocker.address();
  const busy = addr !== null && typeof addr === 'object' ? addr.port : 0;
  const dir = tempDir(t);
  const conf = join(dir, 'l.conf');
  writeFileSync(conf, `server.document-root = "${dir}"\nserver.bind = "127.0.0.1"\nserver.port = ${busy}\n`);
  const child = spawn(process.execPath, [BIN, '-D', '-f', conf], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  assert.equal(code, 255);
  assert.match(err, new RegExp(`\\(network\\.c\\.537\\) can't bind to socket: 127\\.0\\.0\\.1:${busy}: Address already in use`));
  assert.doesNotMatch(err, /\n\s+at /);
});

test('CLI: -i SECS stops after that many idle seconds', async (t) => {
  const start = Date.now();
  const c = await runCliServer(t, 'server.modules = ()\n', ['-i', '1']);
  assert.equal(await c.exit, 0);
  assert.ok(Date.now() - start < 12000, `stopped after ${Date.now() - start} ms`);
});

test('graceful shutdown lets an in-flight request finish and refuses new connections', async (t) => {
  let arrived: () => void = () => undefined;
  const arrival = new Promise<void>((r) => (arrived = r));
  const s = await startTestServer(t, 'server.modules = ("mod_probe")\nprobe.tag = "slow"\nprobe.delay = 300\n', {
    modules: { mod_probe: () => createProbeModule([], arrived) },
  });
  const inflight = fetch(`${s.base}/`);
  await arrival;
  const stopping = s.server.shutdown();
  const r = await inflight;
  assert.equal(r.status, 200);
  await r.arrayBuffer();
  await stopping;
  await assert.rejects(fetch(`${s.base}/`));
  assert.match(s.stderr(), /graceful shutdown started/);
});

test('graceful shutdown is bounded by server.graceful-shutdown-timeout', async (t) => {
  let arrived: () => void = () => undefined;
  const arrival = new Promise<void>((r) => (arrived = r));
  const s = await startTestServer(
    t,
    'server.modules = ("mod_probe")\nprobe.tag = "slow"\nprobe.delay = 5000\nserver.feature-flags = ( "server.graceful-shutdown-timeout" => 1 )\n',
    { modules: { mod_probe: () => createProbeModule([], arrived) } },
  );
  const inflight = fetch(`${s.base}/`).catch((e: unknown) => e);
  await arrival;
  const start = Date.now();
  await s.server.shutdown();
  const took = Date.now() - start;
  assert.ok(took >= 900 && took < 4500, `took ${took} ms`);
  assert.ok((await inflight) instanceof Error);
});

test('CLI as root: server.username / server.groupname drop privileges after binding; unknown names fail', async (t) => {
  if (process.getuid?.() !== 0) {
    // not root: lighttpd ignores both keys, and so do we
    const c = await runCliServer(t, 'server.username = "nobody"\nserver.modules = ()\n');
    c.kill('SIGTERM');
    assert.equal(await c.exit, 0);
    return;
  }
  const c = await runCliServer(t, 'server.username = "nobody"\nserver.groupname = "nogroup"\nserver.modules = ()\n');
  await waitUntil(() => c.stderr().includes('server started'));
  const status = readFileSync(`/proc/${c.pid}/status`, 'utf8');
  const uid = /^Uid:\s+(\d+)/m.exec(status)?.[1];
  const gid = /^Gid:\s+(\d+)/m.exec(status)?.[1];
  assert.notEqual(uid, '0');
  assert.notEqual(gid, '0');
  const r = await fetch(`http://127.0.0.1:${c.port}/x`);
  assert.equal(r.status, 403); // the document root (mode 0700, root's) is not readable for nobody
  await r.arrayBuffer();
  c.kill('SIGTERM');
  assert.equal(await c.exit, 0);
  const bad = await runCliServer(t, 'server.username = "no-such-user-x"\nserver.modules = ()\n');
  assert.equal(await bad.exit, 255);
  assert.match(bad.stderr(), /can't find username no-such-user-x/);
});
