/**
 * The host `read-timeout` and `write-timeout` (backends.md §2, §7.3) for every backend socket in use,
 * checked by one timer once a second as lighttpd's maintenance timer does (no timer per request):
 *
 * - write: bytes are queued and none were written for `write-timeout` seconds;
 * - read: nothing arrived for `read-timeout` seconds while the socket was being read (a socket paused
 *   because the client is slow is not waiting for its backend).
 *
 * Either destroys the socket with a 504 BackendResponseError: lighttpd answers 504 before a response,
 * or cuts the connection after.
 */
import type { Socket } from 'node:net';
import type { ProxyLease } from './lease.js';
import { BackendResponseError } from './response-reader.js';

interface Watch {
  readonly name: string;
  readonly readMs: number;
  readonly writeMs: number;
  lastRead: number;
  readSince: number;
  lastWritten: number;
  stalledSince: number;
}

/** All watched backend sockets of one module instance, and the one timer that checks them. */
export class HostTimeouts {
  readonly #watched = new Map<Socket, Watch>();
  readonly #tickMs: number;
  #ticker: NodeJS.Timeout | null = null;

  constructor(tickMs = 1000) {
    this.#tickMs = tickMs;
  }

  /** Starts checking `socket` with the lease's host timeouts (nothing to do when both are 0). */
  watch(socket: Socket, lease: ProxyLease): void {
    const { readTimeout, writeTimeout } = lease.host.spec;
    if (readTimeout <= 0 && writeTimeout <= 0) return;
    const now = Date.now();
    this.#watched.set(socket, {
      name: lease.proc.name,
      readMs: readTimeout * 1000,
      writeMs: writeTimeout * 1000,
      lastRead: socket.bytesRead,
      readSince: now,
      lastWritten: socket.bytesWritten,
      stalledSince: 0,
    });
    if (!this.#ticker) {
      this.#ticker = setInterval(() => this.tick(Date.now()), this.#tickMs);
      this.#ticker.unref();
    }
  }

  /** Stops checking `socket` (it goes back to the keep-alive pool, or is closed). */
  unwatch(socket: Socket): void {
    if (this.#watched.delete(socket) && this.#watched.size === 0) this.#stop();
  }

  /** One check of every watched socket; closed sockets are forgotten. */
  tick(now: number): void {
    for (const [socket, w] of this.#watched) {
      if (socket.destroyed) {
        this.#watched.delete(socket);
        continue;
      }
      if (w.writeMs > 0) {
        if (socket.writableLength === 0 || socket.bytesWritten !== w.lastWritten) {
          w.lastWritten = socket.bytesWritten;
          w.stalledSince = 0;
        } else if (w.stalledSince === 0) {
          w.stalledSince = now;
        } else if (now - w.stalledSince >= w.writeMs) {
          this.#watched.delete(socket);
          socket.destroy(new BackendResponseError(504, 'TSW_PROXY_WRITE_TIMEOUT', `write timeout on socket: ${w.name}`));
          continue;
        }
      }
      if (w.readMs > 0) {
        if (socket.bytesRead !== w.lastRead || socket.isPaused()) {
          w.lastRead = socket.bytesRead;
          w.readSince = now;
        } else if (now - w.readSince >= w.readMs) {
          this.#watched.delete(socket);
          socket.destroy(new BackendResponseError(504, 'TSW_PROXY_READ_TIMEOUT', `read timeout on socket: ${w.name}`));
        }
      }
    }
    if (this.#watched.size === 0) this.#stop();
  }

  /** Shutdown: nothing is checked any more. */
  close(): void {
    this.#watched.clear();
    this.#stop();
  }

  #stop(): void {
    if (this.#ticker) clearInterval(this.#ticker);
    this.#ticker = null;
  }
}
