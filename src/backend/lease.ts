/**
 * Getting a connected backend for one request: balance → process → connect, with lighttpd's
 * failover (backends.md §7): a failed connect disables the process for `disable-time` seconds and
 * the request is retried on whatever the balancer picks next, up to 5 retries; when nothing is
 * left the caller answers 503. The lease counts as load on the host and process until released.
 *
 * With a keep-alive pool (mod_proxy), an idle connection to the chosen process is used instead of a
 * new one when there is one; the balancer's choice is the same either way (idle connections are not
 * load), and `keep()` hands the connection back to the pool when the request is done.
 */
import type { Socket } from 'node:net';
import type { BalanceAlgorithm, BalanceRequest } from './balance.js';
import { BackendConnectError, connectBackend, type BackendReadOptions } from './connect.js';
import type { KeepAlivePool } from './keepalive.js';
import { setProcState, type BackendExtension, type BackendHost, type BackendProc } from './pool.js';
import type { BackendAddress } from './spec.js';
import type { BackendRegistry } from './registry.js';

/** lighttpd retries a request on another backend up to 5 times. */
const MAX_RETRIES = 5;

/** What a lease holds: a connection that can be dropped. */
export interface BackendConn {
  destroy(): unknown;
}

/** Opens a connection; rejects with BackendConnectError (after `timeoutSec` seconds at most, 0 = no limit). */
export type Connector<S extends BackendConn> = (address: BackendAddress, timeoutSec: number) => Promise<S>;

/** Idle connections to use before connecting (KeepAlivePool for sockets). */
interface IdleConns<S extends BackendConn> {
  take(proc: BackendProc): S | null;
  put(proc: BackendProc, conn: S, keepAliveMs: number | null): unknown;
}

/** A connected backend, counted in the load until `release()` (idempotent). */
export interface BackendLease<S extends BackendConn = Socket> {
  readonly socket: S;
  readonly host: BackendHost;
  readonly proc: BackendProc;
  /** The socket came from the keep-alive pool: it served an earlier request and may have been closed since. */
  readonly reused: boolean;
  release(): void;
  /**
   * Releases and hands the socket to the keep-alive pool it was acquired with (closes it when there is
   * none, or the pool does not take it). `keepAliveMs`: the backend's announced idle limit, if any.
   */
  keep(keepAliveMs: number | null): void;
}

/** How to acquire. */
export interface AcquireOptions extends BackendReadOptions {
  /** Idle connections to use before connecting; null or absent: always connect. */
  readonly idle?: KeepAlivePool | null;
}

/** What a request brings to the balancer, plus text for log lines. */
export interface LeaseRequest extends BalanceRequest {
  /** `<path>?<query>` as lighttpd logs it. */
  readonly target: string;
  /** The module's debug level for this request (`*.debug`). */
  readonly debug: number;
}

/**
 * Picks and connects a backend for `ext`. Resolves to null when every host is down (the caller
 * answers 503); never rejects for backend failures. `opts` may offer idle connections (`idle`) and
 * choose how a new socket reads (`onread`).
 */
export function acquireBackend(
  registry: BackendRegistry,
  ext: BackendExtension,
  algorithm: BalanceAlgorithm,
  req: LeaseRequest,
  opts: AcquireOptions = {},
): Promise<BackendLease | null> {
  return acquireWith(registry, ext, algorithm, req, (address, timeoutSec) => connectBackend(address, timeoutSec, opts), opts.idle ?? null);
}

/** acquireBackend with the caller's kind of connection (no keep-alive pool). */
export function acquireConn<S extends BackendConn>(
  registry: BackendRegistry,
  ext: BackendExtension,
  algorithm: BalanceAlgorithm,
  req: LeaseRequest,
  connect: Connector<S>,
): Promise<BackendLease<S> | null> {
  return acquireWith(registry, ext, algorithm, req, connect, null);
}

async function acquireWith<S extends BackendConn>(
  registry: BackendRegistry,
  ext: BackendExtension,
  algorithm: BalanceAlgorithm,
  req: LeaseRequest,
  connect: Connector<S>,
  idle: IdleConns<S> | null,
): Promise<BackendLease<S> | null> {
  const log = registry.log;
  for (let attempt = 0; attempt <= MAX_RETRIES; attempt++) {
    let host = ext.pickHost(algorithm, req, registry.clock.now(), log);
    if (!host) host = await spawnOnDemand(registry, ext);
    if (!host) break;
    if (req.debug >= 1) log(`gw - found a host ${host.hashName} ${host.port}`);
    const proc = host.pickProc();
    if (!proc) break;
    maybeSpawnMore(registry, host);
    host.load++;
    proc.load++;
    proc.lastUsed = registry.clock.now();
    if (req.debug >= 1) log(`got proc: pid: ${proc.pid} socket: ${proc.name} load: ${proc.load}`);
    const kept = idle?.take(proc) ?? null;
    if (kept) {
      if (req.debug >= 2) log(`reusing idle connection: ${proc.name}`);
      ext.downLogged = false;
      return new Lease(registry, kept, host, proc, req.debug, idle, true);
    }
    try {
      const socket = await connect(proc.address, host.spec.connectTimeout);
      if (req.debug >= 2) log(`connect succeeded: ${proc.name}`);
      ext.downLogged = false;
      return new Lease(registry, socket, host, proc, req.debug, idle, false);
    } catch (err) {
      host.load--;
      proc.load--;
      const code = err instanceof BackendConnectError ? err.message : String(err);
      // out of descriptors here, not a backend fault (lighttpd: socket() failed, the request fails, the
      // backend stays up): no disabling, no "all handlers … are down"
      if (err instanceof BackendConnectError && (err.code === 'EMFILE' || err.code === 'ENFILE')) {
        log(`socket() failed: ${proc.name}: ${code}`);
        return null;
      }
      log(`establishing connection failed: socket: ${proc.name}: ${code}`);
      const secs = host.spec.disableTime;
      if (host.isLocal) log(`backend error; we'll disable for ${secs} secs and send the request to another backend instead: load: ${proc.load}`);
      if (proc.state === 'up') setProcState(proc, 'disabled', registry.clock.now() + secs * 1000);
    }
  }
  if (!ext.downLogged) {
    log(`all handlers for ${req.target} on ${ext.key === '' ? '""' : ext.key} are down.`);
    ext.downLogged = true;
  }
  return null;
}

class Lease<S extends BackendConn> implements BackendLease<S> {
  readonly socket: S;
  readonly host: BackendHost;
  readonly proc: BackendProc;
  readonly reused: boolean;
  readonly #registry: BackendRegistry;
  readonly #debug: number;
  readonly #idle: IdleConns<S> | null;
  #released = false;

  constructor(registry: BackendRegistry, socket: S, host: BackendHost, proc: BackendProc, debug: number, idle: IdleConns<S> | null, reused: boolean) {
    this.socket = socket;
    this.host = host;
    this.proc = proc;
    this.reused = reused;
    this.#registry = registry;
    this.#debug = debug;
    this.#idle = idle;
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    const { host, proc } = this;
    host.load--;
    proc.load--;
    proc.lastUsed = this.#registry.clock.now();
    if (this.#debug >= 1) this.#registry.log(`released proc: pid: ${proc.pid} socket: ${proc.name} load: ${proc.load}`);
  }

  keep(keepAliveMs: number | null): void {
    this.release();
    if (this.#idle) this.#idle.put(this.proc, this.socket, keepAliveMs);
    else this.socket.destroy();
  }
}

/** lighttpd: with min-procs 0 the first request that finds nothing usable spawns a process. */
async function spawnOnDemand(registry: BackendRegistry, ext: BackendExtension): Promise<BackendHost | null> {
  const host = ext.hosts.find((h) => h.spec.spawn !== null && h.procs.length === 0 && h.spec.spawn.maxProcs > 0);
  if (!host) return null;
  try {
    await registry.spawnProc(host);
  } catch (err) {
    registry.log(err instanceof Error ? err.message : String(err));
    return null;
  }
  return host.isUsable() ? host : null;
}

/** Adaptive spawning (backends.md §4.6): every process above max-load-per-proc → one more process. */
function maybeSpawnMore(registry: BackendRegistry, host: BackendHost): void {
  const spawn = host.spec.spawn;
  if (!spawn || host.procs.length >= spawn.maxProcs || spawn.minProcs === spawn.maxProcs) return;
  if (!host.procs.every((p) => p.state === 'up' && p.load >= spawn.maxLoadPerProc)) return;
  registry.log('overload detected, spawning a new child');
  registry.spawnProc(host).catch((err: unknown) => registry.log(err instanceof Error ? err.message : String(err)));
}
