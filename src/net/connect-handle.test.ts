import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canConnectHandle, ConnectFailure, connectHandle } from './connect-handle.js';

async function listen(t: TestContext, server: net.Server, where: number | string): Promise<void> {
  await new Promise<void>((r) => (typeof where === 'number' ? server.listen(where, '127.0.0.1', r) : server.listen(where, r)));
  t.after(() => server.close());
}

function portOf(server: net.Server): number {
  const a = server.address();
  return typeof a === 'object' && a !== null ? a.port : 0;
}

const sink = { buffer: Buffer.alloc(1024), callback: (): void => undefined };

test('connects over TCP (IPv4 and IPv6) and a Unix socket; host names are left to net', async (t) => {
  const server = net.createServer((s) => s.end('hi'));
  await listen(t, server, 0);
  const got: string[] = [];
  const reads = { buffer: Buffer.alloc(1024), callback: (n: number): void => void got.push(reads.buffer.toString('latin1', 0, n)) };
  const stream = await connectHandle({ kind: 'tcp', host: '127.0.0.1', port: portOf(server) }, 1000, reads, false);
  assert.ok(stream !== null);
  const closed = new Promise<void>((r) => stream.on('close', r));
  stream.resume();
  await closed; // the server's FIN ends our side too (allowHalfOpen false), then the handle closes
  assert.equal(got.join(''), 'hi');

  const v6 = net.createServer((s) => s.end());
  await new Promise<void>((r) => v6.listen(0, '::1', r)).catch(() => undefined);
  if (v6.listening) {
    t.after(() => v6.close());
    const s6 = await connectHandle({ kind: 'tcp', host: '::1', port: portOf(v6) }, 1000, sink, false);
    assert.ok(s6 !== null);
    s6.destroy();
  }

  const dir = mkdtempSync(join(tmpdir(), 'hs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'sock');
  const unix = net.createServer((s) => s.end('unix'));
  await listen(t, unix, path);
  got.length = 0;
  const su = await connectHandle({ kind: 'unix', path }, 0, reads, false);
  assert.ok(su !== null);
  const uclosed = new Promise<void>((r) => su.on('close', r));
  su.resume();
  await uclosed;
  assert.equal(got.join(''), 'unix');

  assert.equal(canConnectHandle({ kind: 'tcp', host: 'localhost', port: 80 }), false);
  assert.equal(connectHandle({ kind: 'tcp', host: 'localhost', port: 80 }, 0, sink, false), null);
});

test('a refused connect rejects with ECONNREFUSED', async (t) => {
  const server = net.createServer();
  await listen(t, server, 0);
  const port = portOf(server);
  server.close();
  await new Promise((r) => setTimeout(r, 20));
  const p = connectHandle({ kind: 'tcp', host: '127.0.0.1', port }, 1000, sink, false);
  assert.ok(p !== null);
  await assert.rejects(p, (e: unknown) => e instanceof ConnectFailure && e.code === 'ECONNREFUSED');
});
