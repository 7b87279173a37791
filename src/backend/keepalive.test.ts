/**
 * The keep-alive pool with real loopback sockets and a fake clock (expiry without waiting).
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { KeepAlivePool } from './keepalive.js';
import { BackendProc } from './pool.js';

interface Peer {
  readonly port: number;
  /** Server-side ends of accepted connections, in accept order. */
  readonly accepted: net.Socket[];
}

async function peer(t: TestContext): Promise<Peer> {
  const accepted: net.Socket[] = [];
  const srv = net.createServer((c) => {
    c.on('error', () => undefined);
    accepted.push(c);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.after(() => {
    for (const c of accepted) c.destroy();
    srv.close();
  });
  return { port: (srv.address() as net.AddressInfo).port, accepted };
}

async function connect(p: Peer): Promise<net.Socket> {
  const s = net.connect(p.port, '127.0.0.1');
  await once(s, 'connect');
  return s;
}

function procFor(p: Peer): BackendProc {
  return new BackendProc(0, { kind: 'tcp', host: '127.0.0.1', port: p.port }, 'up');
}

test('keep-alive pool: a kept socket comes back once (most recent first), per process', async (t) => {
  const p = await peer(t);
  const pool = new KeepAlivePool();
  t.after(() => pool.closeAll());
  const proc = procFor(p);
  const other = new BackendProc(1, { kind: 'tcp', host: '127.0.0.1', port: p.port }, 'up');
  const a = await connect(p);
  const b = await connect(p);
  const listeners = (s: net.Socket): number[] => ['data', 'end', 'error', 'close'].map((e) => s.listenerCount(e));
  const before = listeners(a);
  assert.equal(pool.put(proc, a), true);
  assert.equal(pool.put(proc, b), true);
  assert.equal(pool.size, 2);
  assert.equal(pool.take(other), null);
  assert.equal(pool.take(proc), b);
  assert.equal(pool.take(proc), a);
  assert.equal(pool.take(proc), null);
  // taken sockets carry none of the pool's listeners and are usable
  assert.deepEqual(listeners(a), before);
  assert.equal(a.isPaused(), true);
  a.write('x');
  a.destroy();
  b.destroy();
});

test('keep-alive pool: a backend closing an idle connection, or sending bytes on it, removes it', async (t) => {
  const p = await peer(t);
  const pool = new KeepAlivePool();
  t.after(() => pool.closeAll());
  const proc = procFor(p);
  const a = await connect(p);
  const b = await connect(p);
  pool.put(proc, a);
  pool.put(proc, b);
  const [sa, sb] = p.accepted;
  assert.ok(sa && sb);
  sa.end();
  await once(a, 'close');
  sb.write('unexpected');
  await once(b, 'close');
  assert.equal(pool.size, 0);
  assert.equal(pool.take(proc), null);
});

test('keep-alive pool: idle time limit (own and announced by the backend), the per-process bound, shutdown', async (t) => {
  const p = await peer(t);
  const clock = { t: 1_000_000, now(): number { return this.t; } };
  const pool = new KeepAlivePool({ clock, idleMs: 4000, maxIdlePerProc: 2 });
  const proc = procFor(p);
  const a = await connect(p);
  const b = await connect(p);
  const c = await connect(p);
  assert.equal(pool.put(proc, a, 1000), true);
  assert.equal(pool.put(proc, b), true);
  assert.equal(pool.put(proc, c), false, 'third idle connection is over the bound');
  assert.equal(c.destroyed, true);
  clock.t += 499;
  pool.sweep();
  assert.equal(a.destroyed, false);
  clock.t += 1;
  pool.sweep();
  assert.equal(a.destroyed, true, 'announced keep-alive timeout (1 s) minus the margin reached');
  assert.equal(pool.size, 1);
  clock.t += 3500;
  assert.equal(pool.take(proc), null, 'own idle limit reached');
  assert.equal(b.destroyed, true);

  const z = await connect(p);
  assert.equal(pool.put(proc, z, 500), false, 'an announced timeout within the margin keeps nothing');
  const d = await connect(p);
  pool.put(proc, d);
  pool.closeAll();
  assert.equal(d.destroyed, true);
  assert.equal(pool.size, 0);
  const e = await connect(p);
  assert.equal(pool.put(proc, e), false, 'nothing is kept after shutdown');
  assert.equal(e.destroyed, true);
});

test('keep-alive pool, owner-watched: no listeners of its own; sockets the owner closed are skipped and forgotten', async (t) => {
  const p = await peer(t);
  const pool = new KeepAlivePool({ ownerWatches: true });
  t.after(() => pool.closeAll());
  const proc = procFor(p);
  const a = await connect(p);
  const b = await connect(p);
  const counts = (s: net.Socket): number[] => ['data', 'end', 'error', 'close'].map((e) => s.listenerCount(e));
  const before = counts(a);
  pool.put(proc, a);
  pool.put(proc, b);
  assert.deepEqual(counts(a), before);
  b.destroy();
  assert.equal(pool.take(proc), a, 'the closed socket on top is skipped');
  assert.equal(pool.size, 0);
  pool.put(proc, a);
  a.destroy();
  const c = await connect(p);
  pool.put(proc, c);
  assert.equal(pool.size, 1, 'put forgets closed sockets of the process');
  assert.equal(pool.take(proc), c);
  c.destroy();
});
