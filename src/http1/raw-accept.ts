/**
 * Accepting connections as RawSockets (raw-socket.ts): the listening handle's accept callback, which
 * net.Server would use to wrap each accepted handle in a net.Socket, hands the handle to the engine
 * instead. What net.Server does there besides is kept: an accept error is the server's 'error', and
 * `noDelay` sets TCP_NODELAY. net.Server's own connection count (getConnections, maxConnections) does
 * not see these connections; the engine counts its own (server.ts).
 */
import type { Server } from 'node:net';
import { errnoError } from '../net/errno-error.js';
import { streamBinding } from '../net/stream-binding.js';
import { RawSocket, type AcceptedHandle } from './raw-socket.js';
import { SHARED_READ_BUFFER } from './socket-io.js';

/** The listening handle's accept callback (node's tcp_wrap / pipe_wrap call it). */
interface ListenHandle {
  onconnection: (status: number, handle: AcceptedHandle | undefined) => void;
}

function isListenHandle(h: unknown): h is ListenHandle {
  return typeof h === 'object' && h !== null && 'onconnection' in h && typeof h.onconnection === 'function';
}

/**
 * Makes the listening `server` hand its accepted connections to `accept` as RawSockets (not reading
 * yet). Returns what puts node's own accept callback back (net.Sockets and 'connection' events again,
 * for a graceful restart's hand-over), or null (nothing changed) when node's internals are not what
 * this expects.
 */
export function acceptRaw(server: Server, noDelay: boolean, accept: (socket: RawSocket) => void): (() => void) | null {
  const b = streamBinding;
  const handle: unknown = Reflect.get(server, '_handle');
  if (b === null || !isListenHandle(handle)) return null;
  const nodeAccept = handle.onconnection;
  handle.onconnection = (status, client) => {
    if (status < 0 || client === undefined) {
      server.emit('error', errnoError(status, 'accept'));
      return;
    }
    if (noDelay) client.setNoDelay?.(true);
    accept(new RawSocket(b, client, SHARED_READ_BUFFER));
  };
  return () => {
    handle.onconnection = nodeAccept;
  };
}
