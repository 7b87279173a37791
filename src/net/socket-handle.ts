/**
 * The libuv handle inside a `net.Socket` (Node's internal `_handle` field), for the code that takes it
 * out, or uses it, to read or write without the stream layer (net/take-handle.ts,
 * wstunnel/client-reads.ts, http1/socket-io.ts).
 */
import net from 'node:net';
import type { Duplex } from 'node:stream';

/** net.Socket with its internal handle field. */
interface HandleSlot {
  _handle: unknown;
}

function hasHandleSlot(s: net.Socket): s is net.Socket & HandleSlot {
  return '_handle' in s;
}

/** `socket`'s handle as it is (null when it has none). */
export function socketHandle(socket: net.Socket): unknown {
  return hasHandleSlot(socket) ? socket._handle : null;
}

/**
 * `socket`'s handle when it can leave the socket without loss: a plain TCP net.Socket (not TLS, not
 * another stream), open, nothing buffered either way, EOF not seen. Else null.
 */
export function idleSocketHandle(socket: Duplex): unknown {
  if (!(socket instanceof net.Socket) || Object.getPrototypeOf(socket) !== net.Socket.prototype) return null;
  if (socket.destroyed || socket.connecting || socket.readableLength > 0 || socket.readableEnded || !socket.readable) return null;
  if (socket.writableLength > 0 || socket.writableEnded || !socket.writable) return null;
  return socketHandle(socket);
}

/** Leaves `socket` without its handle (the caller owns the handle now; the socket is a stand-in). */
export function detachHandle(socket: Duplex): void {
  if (socket instanceof net.Socket && hasHandleSlot(socket)) socket._handle = null;
}
