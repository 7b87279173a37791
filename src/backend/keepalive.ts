/**
 * Idle keep-alive connections to backend processes, for modules that speak HTTP/1.1 to their backends
 * (mod_proxy). lighttpd opens one backend connection per request; reusing them saves a connect and a
 * close per request. What may be reused is the caller's decision (a response read to its end, no
 * `Connection: close`, …); this file only keeps the sockets:
 *
 * - per process, at most `maxIdlePerProc` (LIFO: the most recently used goes out first);
 * - each for at most `idleMs`, or the backend's announced keep-alive timeout minus half a second
 *   (its clock started when it sent the response, a little before ours);
 * - an idle socket that receives anything (EOF, bytes, an error) is closed and dropped at once — by
 *   the pool's own listeners, or, with `ownerWatches`, by the owner's listeners that stay on the
 *   socket (then the pool attaches nothing and skips closed sockets when it hands one out);
 * - idle sockets are not load: the balancer counts requests, so keeping connections open never
 *   changes which host `least-connection` picks;
 * - `closeAll()` at shutdown; idle sockets do not keep the process alive (unref).
 */
import type { Socket } from 'node:net';
import { SYSTEM_CLOCK, type BackendProc, type Clock } from './pool.js';

/** Limits of a keep-alive pool. */
export interface KeepAliveOptions {
  /** Idle connections kept per backend process (default 128). */
  readonly maxIdlePerProc?: number;
  /** How long an idle connection is kept at most, in ms (default 4000). */
  readonly idleMs?: number;
  readonly clock?: Clock;
  /**
   * The owner keeps listeners on its sockets that close an idle socket when the backend sends
   * anything (and keeps it reading); the pool then adds no listeners of its own.
   */
  readonly ownerWatches?: boolean;
}

/** Taken off a keep-alive timeout the backend announced. */
const ANNOUNCED_MARGIN_MS = 500;

interface IdleEntry {
  readonly proc: BackendProc;
  readonly expires: number;
}

/** Ends an idle socket that heard from its backend: unexpected bytes, EOF or an error all mean "unusable". */
function idleOnActivity(this: Socket): void {
  this.destroy();
}

/** Idle sockets per backend process. */
export class KeepAlivePool {
  readonly #maxIdle: number;
  readonly #idleMs: number;
  readonly #clock: Clock;
  readonly #ownerWatches: boolean;
  readonly #byProc = new Map<BackendProc, Socket[]>();
  readonly #entries = new Map<Socket, IdleEntry>();
  readonly #onClose: (this: Socket) => void;
  #ticker: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(opts: KeepAliveOptions = {}) {
    this.#maxIdle = opts.maxIdlePerProc ?? 128;
    this.#idleMs = opts.idleMs ?? 4000;
    this.#clock = opts.clock ?? SYSTEM_CLOCK;
    this.#ownerWatches = opts.ownerWatches ?? false;
    const remove = (s: Socket): void => this.#remove(s);
    this.#onClose = function idleOnClose(this: Socket): void {
      remove(this);
    };
  }

  /** Idle sockets held right now (all processes). */
  get size(): number {
    return this.#entries.size;
  }

  /** Idle sockets held for one process. */
  idleCount(proc: BackendProc): number {
    return this.#byProc.get(proc)?.length ?? 0;
  }

  /**
   * An idle connection to `proc`, detached from the pool (paused, ref'ed, no listeners of ours), or
   * null. Connections past their time are closed on the way.
   */
  take(proc: BackendProc): Socket | null {
    const list = this.#byProc.get(proc);
    if (!list) return null;
    const now = this.#clock.now();
    for (let socket = list.pop(); socket; socket = list.pop()) {
      const entry = this.#entries.get(socket);
      this.#entries.delete(socket);
      if (!this.#ownerWatches) this.#detach(socket);
      if (entry && now < entry.expires && isOpen(socket)) {
        if (!this.#ownerWatches) socket.pause();
        socket.ref();
        return socket;
      }
      socket.destroy();
    }
    return null;
  }

  /**
   * Keeps `socket` (connected to `proc`) for reuse; `keepAliveMs` is the backend's announced idle limit
   * (null: none). The caller must have removed its own listeners and timeouts. Returns false when the
   * socket was closed instead (pool full, closed, or the socket is no longer usable).
   */
  put(proc: BackendProc, socket: Socket, keepAliveMs: number | null = null): boolean {
    let list = this.#byProc.get(proc);
    if (this.#ownerWatches && list) this.#dropClosed(list);
    const ttl = keepAliveMs === null ? this.#idleMs : Math.min(this.#idleMs, keepAliveMs - ANNOUNCED_MARGIN_MS);
    if (this.#closed || ttl <= 0 || !isOpen(socket) || (list?.length ?? 0) >= this.#maxIdle) {
      socket.destroy();
      return false;
    }
    if (!list) {
      list = [];
      this.#byProc.set(proc, list);
    }
    list.push(socket);
    this.#entries.set(socket, { proc, expires: this.#clock.now() + ttl });
    socket.unref();
    if (!this.#ownerWatches) {
      socket.on('data', idleOnActivity);
      socket.on('end', idleOnActivity);
      socket.on('error', idleOnActivity);
      socket.on('close', this.#onClose);
      socket.resume();
    }
    if (!this.#ticker) {
      this.#ticker = setInterval(() => this.sweep(), 1000);
      this.#ticker.unref();
    }
    return true;
  }

  /** Closes the connections whose time is up (the pool runs this once a second while it holds any). */
  sweep(): void {
    const now = this.#clock.now();
    for (const [socket, entry] of this.#entries) {
      if (now < entry.expires && !socket.destroyed) continue;
      this.#remove(socket);
      socket.destroy();
    }
  }

  /** Shutdown: every idle connection is closed and nothing is kept from now on. */
  closeAll(): void {
    this.#closed = true;
    for (const socket of [...this.#entries.keys()]) {
      this.#remove(socket);
      socket.destroy();
    }
    this.#stopTicker();
  }

  #remove(socket: Socket): void {
    const entry = this.#entries.get(socket);
    if (!entry) return;
    this.#entries.delete(socket);
    this.#detach(socket);
    const list = this.#byProc.get(entry.proc);
    const i = list ? list.indexOf(socket) : -1;
    if (list && i >= 0) list.splice(i, 1);
    if (this.#entries.size === 0) this.#stopTicker();
  }

  /** Forgets sockets the owner closed (owner-watched mode has no 'close' listener to do it). */
  #dropClosed(list: Socket[]): void {
    for (let i = list.length - 1; i >= 0; i--) {
      const s = list[i];
      if (s && s.destroyed) this.#remove(s);
    }
  }

  #detach(socket: Socket): void {
    socket.off('data', idleOnActivity);
    socket.off('end', idleOnActivity);
    socket.off('error', idleOnActivity);
    socket.off('close', this.#onClose);
  }

  #stopTicker(): void {
    if (this.#ticker) clearInterval(this.#ticker);
    this.#ticker = null;
  }
}

function isOpen(socket: Socket): boolean {
  return !socket.destroyed && socket.readable && socket.writable && !socket.readableEnded;
}
