/**
 * Backpressure towards a slow client: a backend that sends 1 GiB to a client that does not read
 * must not make the server buffer it (RSS growth < 100 MB); once the client reads, all of it arrives.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startTunnelServer } from '../helpers/tunnel-server.js';
import { tempDir } from '../helpers/backends.js';
import { openClient } from '../helpers/ws-client.js';
import { repoRoot } from '../helpers/paths.js';

const GIB = 1024 * 1024 * 1024;
const MB = 1024 * 1024;

test('1 GiB from the backend to a client that does not read: RSS stays flat, then everything arrives', { timeout: 60000 }, async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const srv = await startTunnelServer({
    'wstunnel.server': { '': [{ socket: path.join(dir, 'flood.sock'), 'bin-path': path.join(repoRoot, 'fixtures/backends/flood.mjs'), 'max-procs': 1 }] },
  });
  t.after(() => srv.close());
  const started = Date.now();
  global.gc?.();
  const base = process.memoryUsage.rss();
  let peak = base;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 50);
  t.after(() => clearInterval(sampler));

  const c = await openClient(`${srv.url}/`, 'binary');
  c.ws.pause(); // the client stops reading: TCP buffers fill, then the tunnel must stop reading the backend
  await new Promise((r) => setTimeout(r, 3000));
  const stalled = process.memoryUsage.rss() - base;
  assert.ok(stalled < 100 * MB, `RSS grew ${Math.round(stalled / MB)} MB while the client did not read`);

  let got = c.received.reduce((n, r) => n + r.data.length, 0);
  c.ws.removeAllListeners('message'); // count, do not keep
  c.ws.on('message', (d: Buffer) => {
    got += d.length;
  });
  c.received.length = 0;
  const closed = c.closed(55000);
  c.ws.resume();
  const { code } = await closed;
  clearInterval(sampler);
  assert.equal(code, 1000, 'backend EOF → 1000');
  assert.equal(got, GIB, 'all bytes arrived');
  const growth = peak - base;
  t.diagnostic(`RSS base ${Math.round(base / MB)} MB, growth while stalled ${Math.round(stalled / MB)} MB, peak growth ${Math.round(growth / MB)} MB, ${Date.now() - started} ms`);
  assert.ok(growth < 100 * MB, `peak RSS growth ${Math.round(growth / MB)} MB`);
});
