/**
 * Graceful restart (SIGUSR1, http-core.md §13.3): one generation hands its listening sockets to the
 * next. In-process: a request in flight finishes on the old generation, a connection made meanwhile
 * waits and is answered by the new one on the same port. Through the CLI: the signal reads the config
 * again (and never opens Node's inspector), a config that does not load or cannot start leaves the
 * server serving the old one.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { startServer } from '../../src/main.js';
import { BUILTIN_MODULES } from '../../src/modules/registry.js';
import { configFromText, tempDir } from '../helpers/server.js';
import { createProbeModule } from '../helpers/probe-module.js';
import { freePort } from '../helpers/lighttpd.js';
import { startCli } from '../helpers/run-cli.js';

/** Sends one GET on a new connection and resolves with the raw answer once the server closes it. */
function rawGet(port: number, path: string): { socket: Socket; answer: Promise<string> } {
  const socket = connect({ host: '127.0.0.1', port });
  socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
  let text = '';
  socket.setEncoding('latin1');
  socket.on('data', (d: string) => (text += d));
  const answer = new Promise<string>((resolve, reject) => {
    socket.once('close', () => resolve(text));
    socket.once('error', reject);
  });
  return { socket, answer };
}

test('handOver: an in-flight request finishes on the old generation; a connection made meanwhile waits and the new generation answers it on the same socket', async (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'www'));
  let arrived: () => void = () => undefined;
  const arrival = new Promise<void>((r) => (arrived = r));
  const registry = new Map(BUILTIN_MODULES);
  registry.set('mod_probe', () => createProbeModule([], arrived));
  const err = new PassThrough();
  let log = '';
  err.on('data', (d: Buffer) => (log += d.toString()));
  const opts = { foreground: true, stderr: err, registry };
  const conf = (tag: string): string => `server.document-root = "${dir}/www"\nserver.bind = "127.0.0.1"\nserver.port = 0\nserver.modules = ("mod_probe")\nprobe.tag = "${tag}"\nprobe.delay = 400\nserver.tag = "${tag}"\n`;
  const first = await startServer(configFromText(conf('one'), dir), opts);
  t.after(() => first.close());
  const port = first.listeners[0]?.port ?? 0;

  const inflight = rawGet(port, '/a');
  await arrival;
  const handing = first.handOver('SIGUSR1');
  // made while the old generation drains: it must wait, not be refused, and not be served by the old one
  const waiting = rawGet(port, '/b');
  const sockets = await handing;
  assert.equal(sockets.size, 1);
  const old = await inflight.answer;
  assert.match(old, /^HTTP\/1\.1 200 /);
  assert.match(old, /\r\nServer: one\r\n/);
  assert.match(old, /\r\nConnection: close\r\n/);

  const second = await startServer(configFromText(conf('two'), dir), { ...opts, inherit: sockets });
  t.after(() => second.close());
  assert.equal(sockets.size, 0, 'the new generation took the socket');
  assert.equal(second.listeners[0]?.port, port);
  const late = await waiting.answer;
  assert.match(late, /^HTTP\/1\.1 200 /);
  assert.match(late, /\r\nServer: two\r\n/);
  const again = await fetch(`http://127.0.0.1:${port}/c`);
  assert.equal(again.headers.get('server'), 'two');
  await again.arrayBuffer();
  await first.stopped;
  assert.match(log, /\[note\] graceful shutdown started[\s\S]*server stopped \(SIGUSR1\)[\s\S]*server started/);
});

test('handOver: a listener the new config no longer declares is closed; one it adds is bound', async (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'www'));
  const extra = await freePort();
  const err = new PassThrough();
  err.resume();
  const base = `server.document-root = "${dir}/www"\nserver.bind = "127.0.0.1"\nserver.port = 0\nserver.modules = ()\n`;
  const first = await startServer(configFromText(`${base}$SERVER["socket"] == "127.0.0.1:${extra}" { }\n`, dir), { foreground: true, stderr: err });
  t.after(() => first.close());
  assert.equal(first.listeners.length, 2);
  const sockets = await first.handOver('SIGUSR1');
  const moved = await freePort();
  const second = await startServer(configFromText(`${base}$SERVER["socket"] == "127.0.0.1:${moved}" { }\n`, dir), { foreground: true, stderr: err, inherit: sockets });
  t.after(() => second.close());
  assert.deepEqual(
    second.listeners.map((l) => l.port),
    [first.listeners[0]?.port, moved],
  );
  await assert.rejects(fetch(`http://127.0.0.1:${extra}/`), 'the dropped listener is closed');
  const r = await fetch(`http://127.0.0.1:${moved}/`);
  assert.equal(r.status, 403, 'the new listener serves (a directory without index: 403)');
  await r.arrayBuffer();
});

interface CliServer {
  readonly port: number;
  readonly conf: string;
  readonly stderr: () => string;
  kill(sig: NodeJS.Signals): void;
  readonly exit: Promise<number | null>;
}

async function waitFor(cond: () => boolean, what: string, log: () => string = () => '', ms = 15000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; log:\n${log()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function cliServer(t: TestContext, tag: string): Promise<CliServer> {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'www'));
  writeFileSync(join(dir, 'www', 'a.txt'), 'hello\n');
  const port = await freePort();
  const conf = join(dir, 'lighttpd.conf');
  writeFileSync(conf, `server.document-root = "${dir}/www"\nserver.bind = "127.0.0.1"\nserver.port = ${port}\nserver.tag = "${tag}"\n`);
  const child = startCli(t, conf);
  await waitFor(() => child.stderr().includes('server started') || child.exited(), 'server started');
  return { port, conf, stderr: child.stderr, kill: child.kill, exit: child.exit };
}

async function serverTag(port: number): Promise<string | null> {
  const r = await fetch(`http://127.0.0.1:${port}/a.txt`);
  await r.arrayBuffer();
  return r.headers.get('server');
}

test('CLI: SIGUSR1 reads the config again and serves it on the same port; Node’s inspector never opens', async (t) => {
  const c = await cliServer(t, 'gen-one');
  assert.equal(await serverTag(c.port), 'gen-one');
  writeFileSync(c.conf, readFileSync(c.conf, 'utf8').replace('gen-one', 'gen-two'));
  c.kill('SIGUSR1');
  await waitFor(() => (c.stderr().match(/server started/g) ?? []).length === 2, 'the second "server started"', c.stderr);
  assert.equal(await serverTag(c.port), 'gen-two');
  assert.doesNotMatch(c.stderr(), /Debugger listening|inspector/i);
  assert.match(c.stderr(), /\(server\.c\.2078\) server stopped \(SIGUSR1\)/);
  c.kill('SIGTERM');
  assert.equal(await c.exit, 0);
});

test('CLI: SIGUSR1 with a config that does not load, or cannot start, leaves the old config serving', async (t) => {
  const c = await cliServer(t, 'gen-one');
  const good = readFileSync(c.conf, 'utf8');
  writeFileSync(c.conf, `${good.replace('gen-one', 'gen-two')}server.port = "x"\n`);
  c.kill('SIGUSR1');
  await waitFor(() => c.stderr().includes('graceful restart cancelled'), 'the cancelled restart', c.stderr);
  assert.match(c.stderr(), /\(configfile\.c\.0\) .*server\.port/);
  assert.equal(await serverTag(c.port), 'gen-one');

  // loads, but cannot start (an extra socket on a busy port): the old config starts again on the same socket
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  t.after(() => blocker.close());
  const addr = blocker.address();
  const busy = addr !== null && typeof addr === 'object' ? addr.port : 0;
  writeFileSync(c.conf, `${good.replace('gen-one', 'gen-three')}$SERVER["socket"] == "127.0.0.1:${busy}" { }\n`);
  c.kill('SIGUSR1');
  await waitFor(() => (c.stderr().match(/server started/g) ?? []).length === 2, 'the old config started again', c.stderr);
  assert.match(c.stderr(), new RegExp(`can't bind to socket: 127\\.0\\.0\\.1:${busy}: Address already in use`));
  assert.equal(await serverTag(c.port), 'gen-one');
  c.kill('SIGTERM');
  assert.equal(await c.exit, 0);
});
