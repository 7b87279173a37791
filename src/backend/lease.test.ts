/**
 * Failover and disable-time with real sockets on loopback and a fake clock (no waiting).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { DiagnosticList } from '../diagnostics.js';
import type { ConfigValue } from '../config/tree.js';
import { parseServerSpec } from './spec.js';
import { BackendRegistry } from './registry.js';
import { acquireBackend } from './lease.js';
import { KeepAlivePool } from './keepalive.js';
import type { BackendExtension } from './pool.js';
import { spawn } from 'node:child_process';
import { once } from 'node:events';

const s = (value: string): ConfigValue => ({ type: 'string', value });
const n = (value: number): ConfigValue => ({ type: 'integer', value });

function serverValue(ports: number[], extra: Array<[string, ConfigValue]> = []): ConfigValue {
  return {
    type: 'array',
    items: [
      {
        key: '',
        value: {
          type: 'array',
          items: ports.map((p) => ({ key: null, value: { type: 'array', items: [{ key: 'host', value: s('127.0.0.1') }, { key: 'port', value: n(p) }, ...extra.map(([key, value]) => ({ key, value }))] } })),
        },
      },
    ],
  };
}

async function listen(): Promise<net.Server> {
  const srv = net.createServer((c) => c.on('error', () => undefined));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return srv;
}

function portOf(srv: net.Server): number {
  return (srv.address() as net.AddressInfo).port;
}

async function freePort(): Promise<number> {
  const srv = await listen();
  const p = portOf(srv);
  await new Promise<void>((r) => srv.close(() => r()));
  return p;
}

interface Setup {
  registry: BackendRegistry;
  ext: BackendExtension;
  logs: string[];
  clock: { t: number; now(): number };
}

function setup(ports: number[], extra: Array<[string, ConfigValue]> = []): Setup {
  const logs: string[] = [];
  const clock = {
    t: 1_000_000,
    now(): number {
      return this.t;
    },
  };
  const registry = new BackendRegistry({ log: (m) => logs.push(m), clock });
  const d = new DiagnosticList();
  const spec = parseServerSpec(serverValue(ports, extra), 'wstunnel.server', d);
  assert.ok(spec);
  const ext = registry.createGroup(spec, 0, d).extensions[0];
  assert.ok(ext);
  return { registry, ext, logs, clock };
}

const req = { path: '/', authority: 'h', remoteAddr: '127.0.0.1', target: '/', debug: 0 };

test('a refused host is disabled for disable-time and the request fails over; it comes back after', async (t) => {
  const up = await listen();
  t.after(() => up.close());
  const dead = await freePort();
  const { registry, ext, logs, clock } = setup([dead, portOf(up)], [['disable-time', n(3)]]);
  const first = await acquireBackend(registry, ext, 'round-robin', req);
  assert.ok(first);
  assert.equal(first.proc.address.kind === 'tcp' && first.proc.address.port, portOf(up));
  assert.ok(logs.some((l) => l.startsWith(`establishing connection failed: socket: tcp:127.0.0.1:${dead}: Connection refused`)));
  assert.equal(ext.hosts[0]?.procs[0]?.state, 'disabled');
  first.socket.destroy();
  first.release();
  assert.equal(ext.hosts[1]?.load, 0);
  // still disabled 2.9 s later: goes straight to the live host, no new failure logged
  clock.t += 2900;
  const before = logs.length;
  const second = await acquireBackend(registry, ext, 'round-robin', req);
  assert.ok(second);
  second.socket.destroy();
  second.release();
  assert.equal(logs.length, before);
  // after disable-time the host is re-enabled and tried again
  clock.t += 200;
  const third = await acquireBackend(registry, ext, 'round-robin', req);
  assert.ok(third);
  third.socket.destroy();
  third.release();
  assert.ok(logs.some((l) => l === `gw-server re-enabled: tcp:127.0.0.1:${dead}`));
  assert.equal(logs.filter((l) => l.startsWith('establishing connection failed')).length, 2);
});

test('all hosts down → null, logged once until a request succeeds', async () => {
  const a = await freePort();
  const { registry, ext, logs } = setup([a]);
  assert.equal(await acquireBackend(registry, ext, 'fair', { ...req, target: '/x?y' }), null);
  assert.equal(await acquireBackend(registry, ext, 'fair', { ...req, target: '/x?y' }), null);
  assert.deepEqual(logs.filter((l) => l.startsWith('all handlers')), ['all handlers for /x?y on "" are down.']);
});

test('connect-timeout: a listener whose backlog is full times out, the host is disabled, null after failover', async (t) => {
  // a process that listens with backlog 0 and never accepts; queued connections fill the backlog
  const code =
    'use Socket; socket(my $s, PF_INET, SOCK_STREAM, 0) or die; bind($s, pack_sockaddr_in(0, inet_aton("127.0.0.1"))) or die; ' +
    'listen($s, 0) or die; my ($port) = unpack_sockaddr_in(getsockname($s)); $| = 1; print "$port\\n"; sleep 30;';
  const py = spawn('perl', ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => py.kill());
  const port = Number(String(await once(py.stdout, 'data')).trim());
  const fillers: net.Socket[] = [];
  t.after(() => fillers.forEach((f) => f.destroy()));
  for (let i = 0; i < 3; i++) {
    const f = net.connect(port, '127.0.0.1');
    f.on('error', () => undefined);
    fillers.push(f);
  }
  await new Promise((r) => setTimeout(r, 100));
  const { registry, ext, logs } = setup([port], [['connect-timeout', n(1)]]);
  const started = Date.now();
  assert.equal(await acquireBackend(registry, ext, 'fair', req), null);
  const took = Date.now() - started;
  assert.ok(took >= 900 && took < 4000, `took ${took} ms`);
  assert.ok(logs.includes(`establishing connection failed: socket: tcp:127.0.0.1:${port}: Connection timed out`), logs.join('\n'));
  assert.equal(ext.hosts[0]?.procs[0]?.state, 'disabled');
});

test('load counts follow leases; fair spreads open leases over hosts', async (t) => {
  const a = await listen();
  const b = await listen();
  t.after(() => a.close());
  t.after(() => b.close());
  const { registry, ext } = setup([portOf(a), portOf(b)]);
  const l1 = await acquireBackend(registry, ext, 'fair', req);
  const l2 = await acquireBackend(registry, ext, 'fair', req);
  const l3 = await acquireBackend(registry, ext, 'fair', req);
  assert.ok(l1 && l2 && l3);
  assert.deepEqual([l1.host, l2.host, l3.host].map((h) => ext.hosts.indexOf(h)), [0, 1, 0]);
  assert.deepEqual(ext.hosts.map((h) => h.load), [2, 1]);
  for (const l of [l1, l2, l3]) {
    l.socket.destroy();
    l.release();
    l.release();
  }
  assert.deepEqual(ext.hosts.map((h) => h.load), [0, 0]);
});

test('with a keep-alive pool: kept connections are reused by later leases; idle ones are not load, so fair picks as without a pool', async (t) => {
  const accepts = [0, 0];
  let threeAccepted: () => void = () => undefined;
  const accepted = new Promise<void>((r) => (threeAccepted = r));
  const servers = await Promise.all(
    [0, 1].map(async (i) => {
      const srv = net.createServer((c) => {
        accepts[i] = (accepts[i] ?? 0) + 1;
        if ((accepts[0] ?? 0) + (accepts[1] ?? 0) === 3) threeAccepted();
        c.on('error', () => undefined);
      });
      await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
      return srv;
    }),
  );
  const pool = new KeepAlivePool();
  t.after(() => {
    pool.closeAll();
    for (const s of servers) s.close();
  });
  const { registry, ext } = setup(servers.map(portOf));
  const first = [await acquireBackend(registry, ext, 'fair', req, { idle: pool }), await acquireBackend(registry, ext, 'fair', req, { idle: pool })];
  assert.deepEqual(first.map((l) => [ext.hosts.indexOf(l?.host as never), l?.reused]), [[0, false], [1, false]]);
  for (const l of first) l?.keep(null);
  assert.deepEqual(ext.hosts.map((h) => h.load), [0, 0], 'kept connections are not load');
  assert.equal(pool.size, 2);
  const again = [];
  for (let i = 0; i < 3; i++) again.push(await acquireBackend(registry, ext, 'fair', req, { idle: pool }));
  assert.deepEqual(again.map((l) => [ext.hosts.indexOf(l?.host as never), l?.reused]), [[0, true], [1, true], [0, false]]);
  assert.equal(again[0]?.socket, first[0]?.socket);
  assert.equal(again[1]?.socket, first[1]?.socket);
  assert.deepEqual(ext.hosts.map((h) => h.load), [2, 1]);
  for (const l of again) {
    l?.release();
    l?.socket.destroy();
  }
  // three connections in all for five leases
  await accepted;
  assert.deepEqual(accepts, [2, 1]);
});
