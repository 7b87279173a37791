/**
 * A step before HTTP on an accepted connection (lighttpd's connection-accept hooks that take over the
 * connection's first read, e.g. mod_extforward's `extforward.hap-PROXY`): before any request is parsed,
 * and on a TLS listener before the handshake. The listener asks its `Http1Options.preface` once per
 * connection; when that gives a reader, the connection's **first read** goes to it (lighttpd 1.4.69
 * decides on that read alone), and the reader says how many bytes were its own and what the connection
 * is from now on, or that it closes. The bytes after the reader's go to HTTP (or TLS) unchanged.
 *
 * A connection waiting for its first read counts like any other and is closed after
 * `server.max-read-idle` (the server's sweep).
 */
import type { EngineSocket } from './engine-socket.js';
import { tick } from './clock.js';
import { RawSocket } from './raw-socket.js';

/** Connection-level facts a preface learnt (PROXY v2 TLVs): lighttpd's per-connection env. */
export interface ConnFacts {
  /** Variables (SSL_CIPHER, PP2_UNIQUE_ID, SSL_CLIENT_S_DN_CN, …). */
  readonly env: ReadonlyMap<string, string>;
  /** The proxy verified a client certificate. */
  readonly clientVerified: boolean;
}

/** What a connection is after its preface: another peer (and maybe https). */
export interface PeerChange {
  readonly remoteAddr: string;
  readonly remotePort: number;
  /** The connection counts as https from now on (scheme, default port 443). */
  readonly https: boolean;
  readonly facts: ConnFacts | null;
}

/** A reader's verdict on the first read. */
export type PrefaceStep =
  | { readonly kind: 'serve'; readonly used: number; readonly peer: PeerChange | null }
  | { readonly kind: 'close' };

/** Reads the first `n` bytes of `buf` (n = 0: the peer closed before sending anything). */
export type PrefaceReader = (buf: Buffer, n: number) => PrefaceStep;

/** Asked once per accepted connection with its peer address: a reader, or null to serve HTTP at once. */
export type ConnectionPreface = (remoteAddr: string) => PrefaceReader | null;

/** What the engine does with a connection once its preface is read. */
export interface PrefaceOwner {
  /** The connection goes on (`rest`: bytes read after the preface's own). */
  prefaceDone(wait: PrefaceWait, socket: EngineSocket, peer: PeerChange | null, rest: Buffer): void;
  /** The connection is gone (closed by the reader or the peer, or timed out). */
  prefaceGone(wait: PrefaceWait): void;
}

const EMPTY = Buffer.alloc(0);

function ignoreError(): void {
  // 'close' follows: the wait ends there
}

/** The peer's address as the engine shows it (an IPv4 client of a dual-stack socket as `::ffff:a.b.c.d`, as lighttpd). */
export function peerAddress(socket: EngineSocket): string {
  return socket.remoteAddress ?? '';
}

/** One connection waiting for its first read (see the file header). */
export class PrefaceWait {
  readonly #socket: EngineSocket;
  readonly #read: PrefaceReader;
  readonly #owner: PrefaceOwner;
  readonly #since = tick();
  #decided = false;
  readonly #onRaw = (n: number, buf: Buffer): void => this.#first(buf, n, true);
  readonly #onData = (chunk: unknown): void => {
    if (Buffer.isBuffer(chunk)) this.#first(chunk, chunk.length, false);
  };
  readonly #onEnd = (): void => this.#first(EMPTY, 0, false);
  readonly #onClose = (): void => {
    if (this.#decided) return;
    this.#decided = true;
    this.#owner.prefaceGone(this);
  };

  /** Starts reading `socket` (accepted, not reading yet) for `read`. */
  constructor(socket: EngineSocket, read: PrefaceReader, owner: PrefaceOwner) {
    this.#socket = socket;
    this.#read = read;
    this.#owner = owner;
    socket.on('error', ignoreError);
    socket.on('close', this.#onClose);
    socket.on('end', this.#onEnd);
    if (socket instanceof RawSocket) socket.setReader(this.#onRaw);
    else socket.on('data', this.#onData);
    socket.resume();
  }

  /** Once a second: closes the connection when nothing came for `limitMs`. */
  sweep(now: number, limitMs: number): void {
    if (now - this.#since > limitMs) this.destroy();
  }

  /** Closes the connection (server stop, timeout). */
  destroy(): void {
    this.#socket.destroy();
  }

  /** `copy`: the bytes are in the shared read buffer. */
  #first(buf: Buffer, n: number, copy: boolean): void {
    if (this.#decided) return;
    this.#decided = true;
    const socket = this.#socket;
    socket.pause();
    socket.off('error', ignoreError);
    socket.off('close', this.#onClose);
    socket.off('end', this.#onEnd);
    socket.off('data', this.#onData);
    const step = this.#read(buf, n);
    if (step.kind === 'close' || socket.destroyed) {
      socket.destroy();
      this.#owner.prefaceGone(this);
      return;
    }
    const rest = step.used >= n ? EMPTY : copy ? Buffer.from(buf.subarray(step.used, n)) : buf.subarray(step.used, n);
    this.#owner.prefaceDone(this, socket, step.peer, rest);
  }
}
