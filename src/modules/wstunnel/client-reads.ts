/**
 * The client socket of a tunnel reads into one shared buffer, as the backend socket does (`onread`).
 *
 * Node has no `onread` for accepted sockets: each read of one allocates a 64 KiB buffer, shrinks it to
 * what was read and pushes it through the stream machinery (≈ a tenth of a small message's server CPU).
 * So when the tunnel starts, the TCP handle is moved to a new `net.Socket` built with `onread` —
 * Node's own way of giving a handle to a socket (`handle`, as child_process and cluster do) — and the
 * accepted socket stays behind without a handle, as a stand-in for the engine and the server core:
 * it is destroyed (its 'close' listeners run) when the new socket closes, and destroying it closes
 * the new one.
 *
 * The move only happens when nothing can be lost: a plain TCP socket (not TLS, not another stream),
 * open, nothing buffered in either direction, EOF not seen. Otherwise the tunnel reads 'data' events
 * from the accepted socket as before.
 */
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { detachHandle, idleSocketHandle } from '../../net/socket-handle.js';

/** Size of the shared client read buffer (what libuv would ask for: 64 KiB). */
export const CLIENT_READ_SIZE = 64 * 1024;

/**
 * Every moved client socket of every tunnel reads into this one buffer: the tunnel parses each read
 * and copies what it forwards before the callback returns, so nothing refers to it afterwards.
 */
export const CLIENT_READ_BUFFER = Buffer.allocUnsafeSlow(CLIENT_READ_SIZE);

/** Where a moved socket's reads go (the tunnel is attached once it exists). */
export interface ClientReadSink {
  clientRead(n: number): void;
}

/** The `onread` callback of one moved socket. */
export class ClientReads {
  sink: ClientReadSink | null = null;
  readonly callback = (n: number): boolean => {
    this.sink?.clientRead(n);
    return true;
  };
}

/** The part of Node's TCP handle (net.Socket's internal `_handle`) the move checks for. */
interface StreamHandle {
  reading: boolean;
}

function isStreamHandle(h: unknown): h is StreamHandle {
  return typeof h === 'object' && h !== null && 'readStart' in h && typeof h.readStart === 'function' && 'reading' in h;
}

/** What `new net.Socket` takes besides its documented options (Node's net.js reads both). */
type MovedSocketOptions = net.SocketConstructorOpts & {
  readonly handle: StreamHandle;
  readonly manualStart: boolean;
  readonly onread: net.OnReadOpts;
};

/**
 * Moves `accepted`'s TCP handle to a new socket reading into CLIENT_READ_BUFFER through `reads`;
 * returns null (and changes nothing) when that cannot be done without loss. The handle keeps reading
 * if it was (stopping and restarting it would cost two epoll_ctl calls): the caller attaches the sink
 * before the next event-loop turn, and `resume()` starts reading if it was stopped.
 */
export function moveToSharedReads(accepted: Duplex, reads: ClientReads): net.Socket | null {
  const handle = idleSocketHandle(accepted);
  if (!isStreamHandle(handle)) return null;
  detachHandle(accepted);
  const options: MovedSocketOptions = {
    handle,
    allowHalfOpen: true,
    readable: true,
    writable: true,
    manualStart: true,
    onread: { buffer: CLIENT_READ_BUFFER, callback: reads.callback },
  };
  const moved = new net.Socket(options);
  moved.once('close', () => accepted.destroy());
  accepted.once('close', () => moved.destroy());
  return moved;
}
