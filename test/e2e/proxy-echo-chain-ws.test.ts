/**
 * The echo chain of lighttpd's mod_wstunnel docs (wstunnel.md §14.1) with a `ws` client instead of a
 * browser: `tswstunnel -D -f examples/lighttpd-proxy.conf` (mod_proxy, "upgrade" enabled, :8080) in
 * front of `tswstunnel -D -f examples/lighttpd-wstunnel.conf` (:8081, spawning /dev/shm/echo.pl), both
 * verbatim as child processes. The client sends "1\n" … "5\n" on ws://localhost:8080/, each after the
 * previous echo, and must get each back. Fixed ports: the test fails at once if one is busy.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import WebSocket from 'ws';
import { installEchoScript } from './support/echo-script.js';
import type { ManagedProcess } from './support/process.js';
import { ECHO_PORTS, startEchoChain } from './support/servers.js';

test('echo chain with a ws client: proxy :8080 → wstunnel :8081 → echo.pl, 1..5 echoed', { timeout: 60_000 }, async (t) => {
  const cleanups: (() => Promise<void>)[] = [];
  t.after(async () => {
    for (const c of cleanups.reverse()) await c();
  });
  cleanups.push(await installEchoScript());
  const servers: ManagedProcess[] = await startEchoChain('tswstunnel');
  cleanups.push(async () => {
    for (const p of [...servers].reverse()) await p.stop(3000);
  });

  const ws = new WebSocket(`ws://localhost:${ECHO_PORTS.proxy}/`);
  cleanups.push(async () => {
    ws.terminate();
  });
  let upgrade: Record<string, string | string[] | undefined> = {};
  ws.once('upgrade', (res) => (upgrade = res.headers));
  await once(ws, 'open');
  // proxy.md §4.2: the backend's Connection is replaced by the proxy's own
  assert.equal(upgrade.connection, 'upgrade');
  assert.equal(upgrade.upgrade, 'websocket');

  for (const n of ['1', '2', '3', '4', '5']) {
    const got = once(ws, 'message') as Promise<[Buffer, boolean]>;
    ws.send(`${n}\n`);
    const [data, isBinary] = await got;
    assert.equal(isBinary, false, 'wstunnel.frame-type defaults to text');
    assert.equal(data.toString(), `${n}\n`);
  }
  const closed = once(ws, 'close');
  ws.close(1000, 'done');
  await closed;
});
