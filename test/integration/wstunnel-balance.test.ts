/**
 * Balancing over real backends (backends.md §6–§7): each algorithm's choice over many connections,
 * failover to the next host and disable-time, as seen by ws clients.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closedPort, tcpBackend, unixBackend, type TestBackend } from '../helpers/backends.js';
import { startTunnelServer, type TunnelServer } from '../helpers/tunnel-server.js';
import { openClient, type TestClient } from '../helpers/ws-client.js';
import { djbHash } from '../../src/backend/balance.js';
import type { Literal } from '../helpers/config-values.js';
import { waitFor } from '../helpers/wait.js';

type After = { after(fn: () => unknown): void };

/** Backends that greet with their own name, so the client knows who answered. */
async function named(t: After, n: number, kind: 'tcp' | 'unix' = 'tcp'): Promise<TestBackend[]> {
  const out: TestBackend[] = [];
  for (let i = 0; i < n; i++) {
    const b = await (kind === 'tcp' ? tcpBackend : unixBackend)((sock) => sock.write(`b${i}`));
    t.after(() => b.close());
    out.push(b);
  }
  return out;
}

function hosts(bs: TestBackend[]): Literal[] {
  return bs.map((b) => (b.path ? { socket: b.path } : { host: '127.0.0.1', port: b.port }));
}

async function who(srv: TunnelServer, path = '/', keep: TestClient[] | null = null): Promise<string> {
  const c = await openClient(`${srv.url}${path}`);
  const name = (await c.next()).data.toString();
  if (keep) keep.push(c);
  else {
    const load = (): number => srv.module.registry.hosts.reduce((n, h) => n + h.load, 0);
    const before = load();
    c.ws.close();
    await c.closed();
    await waitFor(() => load() < before, 3000, 'the lease to be released');
  }
  return name;
}

async function server(t: After, bs: TestBackend[], balance: string): Promise<TunnelServer> {
  const srv = await startTunnelServer({ 'wstunnel.server': { '': hosts(bs) }, 'wstunnel.balance': balance });
  t.after(() => srv.close());
  return srv;
}

test('fair: open tunnels spread by load (ties to the first); short sequential ones always hit the first', async (t) => {
  const bs = await named(t, 3);
  const srv = await server(t, bs, 'fair');
  const held: TestClient[] = [];
  const seq: string[] = [];
  for (let i = 0; i < 7; i++) seq.push(await who(srv, '/', held));
  assert.deepEqual(seq, ['b0', 'b1', 'b2', 'b0', 'b1', 'b2', 'b0']);
  for (const c of held) c.ws.close();
  await Promise.all(held.map((c) => c.closed()));
  await waitFor(() => srv.module.registry.hosts.every((h) => h.load === 0), 3000, 'leases released');
  const again: string[] = [];
  for (let i = 0; i < 4; i++) again.push(await who(srv));
  assert.deepEqual(again, ['b0', 'b0', 'b0', 'b0']);
});

test('least-connection is fair under another name', async (t) => {
  const bs = await named(t, 2);
  const srv = await server(t, bs, 'least-connection');
  const held: TestClient[] = [];
  assert.deepEqual([await who(srv, '/', held), await who(srv, '/', held), await who(srv, '/', held)], ['b0', 'b1', 'b0']);
  for (const c of held) c.ws.close();
  await Promise.all(held.map((c) => c.closed()));
});

test('round-robin: 30 sequential tunnels cycle b0 b1 b2', async (t) => {
  const bs = await named(t, 3);
  const srv = await server(t, bs, 'round-robin');
  const seq: string[] = [];
  for (let i = 0; i < 30; i++) seq.push(await who(srv));
  assert.deepEqual(seq, Array.from({ length: 30 }, (_, i) => `b${i % 3}`));
});

test('hash: the same path and Host always reach the same backend, as lighttpd’s djb-xor predicts', async (t) => {
  const bs = await named(t, 3, 'unix');
  const srv = await server(t, bs, 'hash');
  const authority = `127.0.0.1:${srv.port}`;
  const predicted = (path: string): string => {
    const base = djbHash(authority, djbHash(path));
    const scores = bs.map((b) => (base ^ djbHash(b.path)) >>> 0);
    return `b${scores.indexOf(Math.max(...scores))}`;
  };
  const seen = new Set<string>();
  for (let i = 0; i < 20; i++) {
    const path = `/hash/p${i}`;
    const first = await who(srv, path);
    assert.equal(first, predicted(path), path);
    assert.equal(await who(srv, path), first, `${path} is stable`);
    seen.add(first);
  }
  assert.ok(seen.size > 1, 'different paths reach different backends');
});

test('hash: TCP hosts sharing an IP tie, so the first is always used (lighttpd quirk)', async (t) => {
  const bs = await named(t, 3);
  const srv = await server(t, bs, 'hash');
  for (let i = 0; i < 6; i++) assert.equal(await who(srv, `/p${i}`), 'b0');
});

test('sticky: one client address always reaches the host the formula picks, whatever the path', async (t) => {
  const bs = await named(t, 3);
  const srv = await server(t, bs, 'sticky');
  const base = djbHash('127.0.0.1');
  const scores = bs.map((b) => (base ^ djbHash('127.0.0.1') ^ b.port) >>> 0);
  const want = `b${scores.indexOf(Math.max(...scores))}`;
  for (let i = 0; i < 10; i++) assert.equal(await who(srv, `/s${i}`), want);
});

test('failover: a refused host is skipped for disable-time, then tried again', async (t) => {
  const dead = await closedPort();
  const [live] = await named(t, 1);
  assert.ok(live);
  const srv = await startTunnelServer({
    'wstunnel.server': { '': [{ host: '127.0.0.1', port: dead, 'disable-time': 1 }, { host: '127.0.0.1', port: live.port }] },
    'wstunnel.balance': 'round-robin',
  });
  t.after(() => srv.close());
  const failures = (): number => srv.logs.filter((l) => l.includes(`tcp:127.0.0.1:${dead}: Connection refused`)).length;
  for (let i = 0; i < 5; i++) assert.equal(await who(srv), 'b0');
  assert.equal(failures(), 1, 'disabled after the first failure');
  await new Promise((r) => setTimeout(r, 1100));
  assert.equal(await who(srv), 'b0');
  assert.equal(failures(), 2, 'tried again after disable-time');
  assert.ok(srv.logs.includes(`wstunnel: gw-server re-enabled: tcp:127.0.0.1:${dead}`));
});
