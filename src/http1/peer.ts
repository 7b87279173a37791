/**
 * A connection's addresses, read from the socket only when asked (getpeername / getsockname are a
 * system call each; lighttpd has the peer from accept() and never asks). `settle()` reads both while
 * the socket is still open: a closed socket no longer knows them, so the engine settles a
 * connection's peer before anything may read it after a close (every normal request at once, an
 * upgrade candidate when the engine takes the socket back).
 */
import type { Socket } from 'node:net';
import type { Peer } from './request.js';

function unmapV4(addr: string): string {
  return addr.startsWith('::ffff:') && addr.includes('.') ? addr.slice(7) : addr;
}

/** The addresses of one connection (IPv4-mapped IPv6 shown as IPv4; empty for a unix socket peer). */
export class SocketPeer implements Peer {
  readonly #socket: Socket;
  #remoteAddr: string | null = null;
  #remotePort = 0;
  #localAddr: string | null = null;
  #localPort = 0;

  constructor(socket: Socket) {
    this.#socket = socket;
  }

  get remoteAddr(): string {
    return this.#remoteAddr ?? this.#readRemote();
  }

  get remotePort(): number {
    if (this.#remoteAddr === null) this.#readRemote();
    return this.#remotePort;
  }

  get localAddr(): string {
    return this.#localAddr ?? this.#readLocal();
  }

  get localPort(): number {
    if (this.#localAddr === null) this.#readLocal();
    return this.#localPort;
  }

  /** Reads both addresses now (idempotent). */
  settle(): void {
    if (this.#remoteAddr === null) this.#readRemote();
    if (this.#localAddr === null) this.#readLocal();
  }

  #readRemote(): string {
    const s = this.#socket;
    const addr = unmapV4(s.remoteAddress ?? '');
    this.#remoteAddr = addr;
    this.#remotePort = s.remotePort ?? 0;
    return addr;
  }

  #readLocal(): string {
    const s = this.#socket;
    const addr = unmapV4(s.localAddress ?? '');
    this.#localAddr = addr;
    this.#localPort = s.localPort ?? 0;
    return addr;
  }
}
