/**
 * The host `write-timeout` (backends.md §2, §7.3): once a second, a backend socket with bytes queued
 * that has made no write progress for that many seconds is declared stalled (lighttpd answers 504
 * before a response, or cuts the connection after).
 */
import type { Socket } from 'node:net';

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
