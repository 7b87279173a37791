/**
 * The documented examples, run by the real server from their config files:
 * - examples/novnc.conf (lighttpd's noVNC example, verbatim, through a wrapper that includes it and
 *   only points the backend at a fake RFB server): a ws client offering NO sub-protocol gets 101 and
 *   binary frames — the case lighttpd 1.4.69 breaks.
 * - examples/lighttpd-wstunnel.conf verbatim on its fixed port 8081 with the verbatim echo.pl in
 *   /dev/shm, as the documentation says.
 * - examples/default.conf, the `npm start` demo (port and socket moved for the test).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { loadConfig } from '../../src/config/load.js';
import { startServer, type RunningServer } from '../../src/main.js';
import { tcpBackend, tempDir } from '../helpers/backends.js';
import { openClient } from '../helpers/ws-client.js';
import { childProcesses } from '../helpers/procs.js';
import { repoRoot } from '../helpers/paths.js';

async function run(file: string, cwd = repoRoot): Promise<{ server: RunningServer; log: () => string }> {
  const { tree, diagnostics } = loadConfig({ file, cwd });
  assert.ok(tree, diagnostics.map((d) => d.message).join('\n'));
  const err = new PassThrough();
  let text = '';
  err.on('data', (d: Buffer) => (text += d.toString()));
  const server = await startServer(tree, { foreground: true, stderr: err });
  return { server, log: () => text };
}

test('examples/novnc.conf: no sub-protocol offered → 101 without Sec-WebSocket-Protocol, binary frames', async (t) => {
  const rfb = await tcpBackend((sock) => {
    sock.write('RFB 003.008\n');
    sock.pipe(sock);
  });
  t.after(() => rfb.close());
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const wrapper = path.join(dir, 'novnc-test.conf');
  writeFileSync(
    wrapper,
    [
      'server.bind = "127.0.0.1"',
      'server.port = 0',
      `include "${path.join(repoRoot, 'examples/novnc.conf')}"`,
      '# the same condition again is the same block: only the backend port changes',
      '$HTTP["url"] =~ "^/websockify" {',
      `    wstunnel.server := ( "" => ( ( "host" => "127.0.0.1", "port" => "${rfb.port}" ) ) )`,
      '}',
      '',
    ].join('\n'),
  );
  const { server } = await run(wrapper);
  t.after(() => server.close());
  const port = server.listeners[0]?.port ?? 0;
  const c = await openClient(`ws://127.0.0.1:${port}/websockify`);
  assert.equal(c.ws.protocol, '');
  const greeting = await c.next();
  assert.equal(greeting.isBinary, true);
  assert.equal(greeting.data.toString(), 'RFB 003.008\n');
  c.ws.send(Buffer.from([0, 1, 2, 255]));
  const echo = await c.next();
  assert.equal(echo.isBinary, true);
  assert.deepEqual([...echo.data], [0, 1, 2, 255]);
  c.ws.close(1000);
  assert.equal((await c.closed()).code, 1000);
  // offering `binary` (what noVNC's older releases and websockify clients do) works too
  const b = await openClient(`ws://127.0.0.1:${port}/websockify`, ['binary']);
  assert.equal(b.ws.protocol, 'binary');
  assert.equal((await b.next()).isBinary, true);
  b.ws.close();
  await b.closed();
});

function portBusy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(true));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(false)));
  });
}

test('examples/lighttpd-wstunnel.conf verbatim: 1..5 echoed by the spawned /dev/shm/echo.pl on port 8081', async (t) => {
  assert.equal(await portBusy(8081), false, 'port 8081 (fixed by the lighttpd documentation) is busy: stop whatever listens there and rerun');
  const script = '/dev/shm/echo.pl';
  const verbatim = readFileSync(path.join(repoRoot, 'examples/echo.pl'));
  const ours = !existsSync(script) || !readFileSync(script).equals(verbatim);
  if (ours) {
    copyFileSync(path.join(repoRoot, 'examples/echo.pl'), script);
    chmodSync(script, 0o755);
    t.after(() => rmSync(script, { force: true }));
  }
  const kids = childProcesses().length;
  const { server } = await run(path.join(repoRoot, 'examples/lighttpd-wstunnel.conf'));
  let stopped = false;
  t.after(() => (stopped ? undefined : server.close()));
  assert.equal(server.listeners[0]?.port, 8081);
  assert.ok(existsSync('/dev/shm/psock-0'), 'echo.pl listens on /dev/shm/psock-0');
  const c = await openClient('ws://127.0.0.1:8081/');
  for (let i = 1; i <= 5; i++) {
    c.ws.send(`${i}\n`);
    const r = await c.next();
    assert.equal(r.data.toString(), `${i}\n`);
    assert.equal(r.isBinary, false);
  }
  c.ws.close(1000, 'done');
  assert.deepEqual(await c.closed(), { code: 1000, reason: 'done' }, 'a real close code (1.4.69 sends "1000" as text)');
  await server.close();
  stopped = true;
  assert.equal(existsSync('/dev/shm/psock-0'), false, 'socket removed at shutdown');
  assert.equal(childProcesses().length, kids, 'echo.pl reaped');
});

test('examples/default.conf (the npm start demo) loads; its tunnel greets and answers reversed lines', async (t) => {
  const file = path.join(repoRoot, 'examples/default.conf');
  const text = readFileSync(file, 'utf8');
  assert.match(text, /server\.bind\s+= "127\.0\.0\.1"/);
  assert.match(text, /server\.port\s+= 8080/);
  const checked = loadConfig({ file, cwd: repoRoot });
  assert.ok(checked.tree);
  assert.deepEqual(checked.diagnostics.filter((d) => d.severity === 'error'), []);
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const copy = path.join(dir, 'default-test.conf');
  writeFileSync(copy, text.replace(/server\.port\s+= 8080/, 'server.port = 0').replace('/tmp/tswstunnel-demo.sock', path.join(dir, 'demo.sock')));
  const { server } = await run(copy);
  t.after(() => server.close());
  const port = server.listeners[0]?.port ?? 0;
  // the page itself comes from the document root
  const page = await fetch(`http://127.0.0.1:${port}/`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<title>tswstunnel demo<\/title>/);
  const script = await fetch(`http://127.0.0.1:${port}/demo.js`);
  assert.equal(script.status, 200);
  assert.match(script.headers.get('content-type') ?? '', /^text\/javascript/);
  assert.match(await script.text(), /new WebSocket\(url\)/);
  const c = await openClient(`ws://127.0.0.1:${port}/ws/`);
  assert.match((await c.next()).data.toString(), /^hello from backend pid \d+/);
  c.ws.send('héllo wörld\n');
  assert.equal((await c.next()).data.toString(), '#1 dlröw olléh\n');
  c.ws.close();
  await c.closed();
});
