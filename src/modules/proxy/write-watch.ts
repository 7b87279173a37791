/**
 * The host `write-timeout` (backends.md §2, §7.3): once a second, a backend socket with bytes queued
 * that has made no write progress for that many seconds is declared stalled (lighttpd answers 504
 * before a response, or cuts the connection after).
 */
import type { Socket } from 'node:net';
import type { ProxyLease } from './lease.js';
import { BackendResponseError } from './response-reader.js';

/** Calls `onStall` once when `socket` makes no write progress for `seconds` (0 = off); stops on close. */
export function watchWrites(socket: Socket, seconds: number, onStall: () => void, tickMs = 1000): void {
  if (seconds <= 0) return;
  let lastWritten = socket.bytesWritten;
  let stalledSince = 0;
  const timer = setInterval(() => {
    const now = Date.now();
    if (socket.writableLength === 0 || socket.bytesWritten !== lastWritten) {
      lastWritten = socket.bytesWritten;
      stalledSince = 0;
      return;
    }
    if (stalledSince === 0) stalledSince = now;
    else if (now - stalledSince >= seconds * 1000) {
      clearInterval(timer);
      onStall();
    }
  }, tickMs);
  timer.unref();
  socket.once('close', () => clearInterval(timer));
}

/** Arms the host's `write-timeout` and `read-timeout` on a backend socket: either destroys it with a 504 error. */
export function armHostTimeouts(socket: Socket, lease: ProxyLease): void {
  watchWrites(socket, lease.host.spec.writeTimeout, () => {
    socket.destroy(new BackendResponseError(504, 'TSW_PROXY_WRITE_TIMEOUT', `write timeout on socket: ${lease.proc.name}`));
  });
  if (lease.host.spec.readTimeout > 0) {
    socket.setTimeout(lease.host.spec.readTimeout * 1000, () => {
      socket.destroy(new BackendResponseError(504, 'TSW_PROXY_READ_TIMEOUT', `read timeout on socket: ${lease.proc.name}`));
    });
  }
}
