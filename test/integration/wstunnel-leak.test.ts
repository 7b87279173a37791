/**
 * Leak check: 10,000 tunnels opened and closed (50 at a time) through a spawned backend; afterwards
 * the process has as many file descriptors and child processes as before, and no zombie.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import WebSocket from 'ws';
import { startTunnelServer } from '../helpers/tunnel-server.js';
import { tempDir } from '../helpers/backends.js';
import { childProcesses, openFdCount } from '../helpers/procs.js';
import { repoRoot } from '../helpers/paths.js';
import { waitFor } from '../helpers/wait.js';

const TUNNELS = 10000;
const PARALLEL = 50;

function oneTunnel(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('tunnel timed out'));
    }, 10000);
    ws.once('open', () => ws.send('x'));
    ws.once('message', () => ws.close(1000));
    ws.once('close', (code) => {
      clearTimeout(timer);
      if (code === 1000) resolve();
      else reject(new Error(`closed with ${code}`));
    });
    ws.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

test(`${TUNNELS} tunnels: fds and child processes return to the start count`, { timeout: 180000 }, async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const srv = await startTunnelServer({
    'wstunnel.server': { '': [{ socket: path.join(dir, 'leak.sock'), 'bin-path': path.join(repoRoot, 'fixtures/backends/echo.mjs'), 'max-procs': 2 }] },
  });
  t.after(() => srv.close());
  const url = `${srv.url}/`;
  await oneTunnel(url); // warm up lazily created handles
  await waitFor(() => srv.module.tunnelCount === 0, 3000, 'warm-up tunnel closed');
  const fds0 = openFdCount();
  const kids0 = childProcesses().length;
  const started = Date.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < TUNNELS) {
      next++;
      await oneTunnel(url);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  const took = Date.now() - started;
  await waitFor(() => srv.module.tunnelCount === 0 && openFdCount() <= fds0, 5000, `fds back to ${fds0} (now ${openFdCount()})`);
  const fds1 = openFdCount();
  const kids = childProcesses();
  t.diagnostic(`${TUNNELS} tunnels in ${took} ms; fds ${fds0} → ${fds1}; children ${kids0} → ${kids.length}`);
  assert.equal(fds1, fds0);
  assert.equal(kids.length, kids0);
  assert.ok(kids.every((k) => k.state !== 'Z'), 'no zombie');
  assert.equal(srv.module.registry.hosts[0]?.load, 0);
  assert.ok(srv.module.registry.hosts[0]?.procs.every((p) => p.load === 0));
});
