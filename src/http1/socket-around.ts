/**
 * A `net.Socket` around an accepted handle the engine ran raw (raw-socket.ts), for code that needs a
 * node Duplex (a module looking at `req.socket`, the proxy's relays, tests). Node's own way of giving
 * a handle to a socket (`handle`, as child_process and cluster do), with `onread` pointing at the
 * engine's shared read buffer — the handle reads into it already, and node would otherwise read into
 * a buffer it does not expect: the engine keeps its shared reads (socket-io.ts shareReads), or the
 * socket emits each read as a copied 'data' chunk (`pushCopy`, what socket-io.ts streamReads does).
 */
import net from 'node:net';
import type { AcceptedHandle } from './raw-socket.js';
import { pushCopy, SHARED_READ_BUFFER } from './socket-io.js';

/** What `new net.Socket` takes besides its documented options (node's net.js reads both). */
type HandleSocketOptions = net.SocketConstructorOpts & {
  readonly handle: AcceptedHandle;
  readonly manualStart: boolean;
  readonly onread: net.OnReadOpts;
};

/**
 * A socket owning `handle` (not reading until resumed). `reader`: the engine's shared-read callback,
 * or null for 'data' events. `eof`: the peer's FIN was read already (the socket's readable side ends).
 */
export function socketAround(handle: AcceptedHandle, reader: ((n: number, buf: Buffer) => boolean) | null, eof: boolean): net.Socket {
  const options: HandleSocketOptions = {
    handle,
    allowHalfOpen: true,
    readable: true,
    writable: true,
    manualStart: true,
    onread: { buffer: SHARED_READ_BUFFER, callback: reader ?? pushCopy },
  };
  const socket = new net.Socket(options);
  if (eof) socket.push(null);
  return socket;
}

/** A socket standing for a connection that is gone already. */
export function closedSocket(): net.Socket {
  const socket = new net.Socket();
  socket.destroy();
  return socket;
}
