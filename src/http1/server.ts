/**
 * Http1Server: the HTTP/1.1 engine for one listening socket (node:net). It accepts connections, runs
 * one Http1Connection per socket, checks their timeouts once a second (lighttpd's 1 s timer), and
 * keeps `server.max-connections` the way lighttpd does, counted for the whole server with the other
 * listeners (connection-slots.ts): at the limit it stops serving new connections — they wait unread,
 * like connections in the listen backlog, until a slot frees on any listener ("[note] sockets disabled,
 * connection limit reached" / "[note] sockets enabled again"); only when `waitQueue` of them already
 * wait here is a new one closed. Connections handed to a module (Upgrade) count until they close: the
 * engine forgets their connection objects and keeps only a count (one shared 'close' listener).
 *
 * A graceful restart (SIGUSR1) hands the listening socket from one engine to the next without closing
 * it: `hold()` stops serving new connections (they wait unread, as in the listen backlog), `release()`
 * gives the socket and the waiting connections to a successor, which serves them as new ones.
 *
 * Accepted connections are RawSockets (raw-accept.ts: the libuv handle driven directly, a net.Socket
 * made only for code that asks for one) unless `options.rawAccept` is false, the listener is TLS
 * (`options.secure` wraps net.Sockets) or node's internals do not allow it; then they are net.Sockets
 * as net.Server makes them.
 */
import net, { createServer, type Server, type Socket } from 'node:net';
import { tick } from './clock.js';
import type { SlotWaiter } from './connection-slots.js';
import { Http1Connection, type ConnectionOwner } from './connection.js';
import type { EngineSocket } from './engine-socket.js';
import type { Http1Handler, Http1Options } from './handler.js';
import { acceptRaw } from './raw-accept.js';
import { PrefaceWait, peerAddress, type PeerChange, type PrefaceOwner } from './preface.js';

/** A listening socket handed from one engine to the next, with the connections that waited meanwhile. */
export interface ListenerHandover {
  readonly net: Server;
  /**
   * Connections waiting for the successor. Until it adopts the socket (or it is closed), connections
   * accepted meanwhile are added here (at most `waitQueue` in all) instead of being left unserved.
   */
  readonly waiting: EngineSocket[];
  /** Ends the catching of new connections into `waiting` (the adopter and whoever closes `net` call it first). */
  readonly detach: () => void;
}

function ignoreError(): void {
  // a connection waiting for its server, or an accept error between two generations: nothing to do
}

/** One listener's engine (see the file header). */
export class Http1Server implements ConnectionOwner, PrefaceOwner, SlotWaiter {
  /** The listening socket (listen / address / close through it). */
  readonly net: Server;
  readonly options: Http1Options;
  readonly handler: Http1Handler;
  readonly #conns = new Set<Http1Connection>();
  readonly #waiting = new Set<EngineSocket>();
  /** Connections whose first read goes to a preface (options.preface), not answered yet. */
  readonly #prefacing = new Set<PrefaceWait>();
  /** Sockets handed to a module (upgraded) and not closed yet. */
  #upgraded = 0;
  readonly #upgradedClosed = (): void => {
    this.#upgraded--;
    this.#slotFreed();
  };
  #closing = false;
  /** New connections wait in #waiting (hold()) instead of being served. */
  #holding = false;
  /** The listening socket went to a successor (release()): closing this engine leaves it open. */
  #released = false;
  #timer: NodeJS.Timeout | null = null;
  /** Puts node's accept callback back (null: connections are net.Sockets). */
  #restoreAccept: (() => void) | null = null;
  readonly #onConnection = (s: Socket): void => this.#accept(s);
  /** When an accept error was last logged (engine clock, ms), and how many came since without a line. */
  #acceptErrorAt = -Infinity;
  #acceptErrorsQuiet = 0;
  /**
   * An accept that failed (the listening socket's 'error' once it listens: EMFILE beyond libuv's own
   * remedy, ENOBUFS, …): the connection is lost, the server goes on. One line per second at most.
   */
  readonly #onAcceptError = (e: Error): void => {
    const now = tick();
    if (now - this.#acceptErrorAt < 1000) {
      this.#acceptErrorsQuiet++;
      return;
    }
    const more = this.#acceptErrorsQuiet > 0 ? ` (and ${this.#acceptErrorsQuiet} more since the last line)` : '';
    this.#acceptErrorAt = now;
    this.#acceptErrorsQuiet = 0;
    this.options.log('server.c.0', `accept failed: ${e.message}${more}`);
  };
  readonly #onListening = (): void => {
    this.#timer ??= setInterval(() => this.#sweep(), 1000).unref();
    if (!this.net.listeners('error').includes(this.#onAcceptError)) this.net.on('error', this.#onAcceptError);
    if (this.#restoreAccept === null && this.options.rawAccept !== false && this.options.secure === undefined) {
      this.#restoreAccept = acceptRaw(this.net, true, (s) => this.#accept(s));
    }
  };
  // net.Server closes once its connections have; raw-accepted ones it does not know: the sweep
  // stops when the listener is closed and the engine's last connection is gone
  readonly #onClose = (): void => this.#stopTimerIfDone();

  /** `adopt`: take over a predecessor's listening socket (already listening) and its waiting connections. */
  constructor(options: Http1Options, handler: Http1Handler, adopt?: ListenerHandover) {
    this.options = options;
    this.handler = handler;
    adopt?.detach();
    this.net = adopt?.net ?? createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true });
    this.net.on('connection', this.#onConnection);
    this.net.on('listening', this.#onListening);
    this.net.on('close', this.#onClose);
    options.connections.join(this);
    if (adopt === undefined) return;
    if (this.net.listening) this.#onListening();
    for (const s of adopt.waiting) {
      s.removeAllListeners('close');
      s.removeAllListeners('error');
      if (!s.destroyed) this.#accept(s);
    }
  }

  #stopTimer(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  #stopTimerIfDone(): void {
    if (this.#conns.size === 0 && this.#prefacing.size === 0) this.#stopTimer();
  }

  /** Whether connections are accepted as RawSockets (known once listening). */
  get rawAccept(): boolean {
    return this.#restoreAccept !== null;
  }

  /** Graceful shutdown started: answers end keep-alive. */
  get closing(): boolean {
    return this.#closing;
  }

  /** Connections being served (upgraded ones included until they close). */
  get connectionCount(): number {
    return this.#conns.size + this.#upgraded + this.#prefacing.size;
  }

  #accept(socket: EngineSocket): void {
    if (this.#closing && !this.#holding) {
      socket.destroy();
      return;
    }
    if (!this.#holding && this.options.connections.take()) {
      this.#serve(socket);
      return;
    }
    if (this.#waiting.size >= this.options.waitQueue) {
      socket.destroy();
      return;
    }
    this.#waiting.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => this.#waiting.delete(socket));
  }

  #serve(socket: EngineSocket): void {
    const preface = this.options.preface;
    // the one check per connection a listener without a preface pays
    if (preface !== undefined) {
      const read = preface(peerAddress(socket));
      if (read !== null) {
        this.#prefacing.add(new PrefaceWait(socket, read, this));
        return;
      }
    }
    // (a TLS listener accepts net.Sockets only: see #onListening)
    const secure = this.options.secure;
    this.#conns.add(new Http1Connection(secure && socket instanceof net.Socket ? secure(socket) : socket, this));
  }

  prefaceDone(wait: PrefaceWait, socket: EngineSocket, peer: PeerChange | null, rest: Buffer): void {
    this.#prefacing.delete(wait);
    let io = socket;
    let first = rest;
    if (socket instanceof net.Socket) {
      // a net.Socket gives what it read back to its stream (a TLSSocket made over it reads that first)
      if (rest.length > 0) socket.unshift(rest);
      first = Buffer.alloc(0);
      const secure = this.options.secure;
      if (secure) io = secure(socket);
    }
    const conn = new Http1Connection(io, this);
    if (peer !== null) conn.changePeer(peer);
    this.#conns.add(conn);
    conn.feed(first);
  }

  prefaceGone(wait: PrefaceWait): void {
    if (this.#prefacing.delete(wait)) this.#slotFreed();
    if (this.#timer !== null && !this.net.listening) this.#stopTimerIfDone();
  }

  connectionClosed(conn: Http1Connection): void {
    if (this.#conns.delete(conn)) this.#slotFreed();
    if (this.#timer !== null && !this.net.listening) this.#stopTimerIfDone();
  }

  connectionUpgraded(conn: Http1Connection): void {
    if (!this.#conns.delete(conn)) return;
    this.#upgraded++;
    conn.io.on('close', this.#upgradedClosed);
  }

  #slotFreed(): void {
    this.options.connections.free();
  }

  serveWaiting(): void {
    if (this.#holding) return;
    for (const next of this.#waiting) {
      if (!next.destroyed && !this.options.connections.take()) break;
      this.#waiting.delete(next);
      next.removeAllListeners('close');
      next.removeAllListeners('error');
      if (!next.destroyed) this.#serve(next);
    }
  }

  #sweep(): void {
    const now = tick();
    for (const c of this.#conns) c.sweep(now);
    for (const p of this.#prefacing) p.sweep(now, this.options.readIdle * 1000);
  }

  /** Stops listening; answers in progress finish without keep-alive. */
  close(): void {
    this.#closing = true;
    this.options.connections.leave(this);
    if (this.net.listening && !this.#released) this.net.close();
    for (const s of this.#waiting) s.destroy();
  }

  /**
   * Graceful restart, first half: keeps listening but serves no new connection (they wait unread, at
   * most `waitQueue` of them); answers in progress finish without keep-alive.
   */
  hold(): void {
    this.#closing = true;
    this.#holding = true;
  }

  /** Graceful restart, second half: the listening socket and the waiting connections go to a successor. */
  release(): ListenerHandover {
    // node's accept callback again until the successor installs its own (as it does when adopting)
    this.#restoreAccept?.();
    this.#restoreAccept = null;
    this.net.off('connection', this.#onConnection);
    this.net.off('listening', this.#onListening);
    this.net.off('close', this.#onClose);
    this.net.off('error', this.#onAcceptError);
    this.#released = true;
    this.options.connections.leave(this);
    const waiting: EngineSocket[] = [...this.#waiting];
    this.#waiting.clear();
    if (this.#conns.size === 0) this.#stopTimer();
    // until a successor adopts the socket, what node accepts waits here, as in the listen backlog
    const limit = this.options.waitQueue;
    const net = this.net;
    const keep = (socket: Socket): void => {
      if (waiting.length >= limit) {
        socket.destroy();
        return;
      }
      socket.on('error', ignoreError);
      socket.once('close', () => {
        const i = waiting.indexOf(socket);
        if (i >= 0) waiting.splice(i, 1);
      });
      waiting.push(socket);
    };
    net.on('connection', keep);
    net.on('error', ignoreError);
    const detach = (): void => {
      net.off('connection', keep);
      net.off('error', ignoreError);
    };
    return { net, waiting, detach };
  }

  /** Closes the connections that wait between requests. */
  closeIdleConnections(): void {
    for (const c of this.#conns) if (c.idle) c.destroy();
  }

  /** Closes every connection the engine still owns (upgraded sockets belong to their modules). */
  closeAllConnections(): void {
    for (const c of this.#conns) c.destroy();
    for (const p of this.#prefacing) p.destroy();
    for (const s of this.#waiting) s.destroy();
    // a released engine's socket lives on in its successor: its own timer ends with its connections
    if (this.#released) this.#stopTimer();
  }
}
