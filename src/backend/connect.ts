/**
 * Opening a stream to a backend address with lighttpd's `connect-timeout` (backends.md §7.3).
 */
import net from 'node:net';
import { ConnectFailure, connectHandle } from '../net/connect-handle.js';
import type { HandleReads, HandleStream } from '../net/handle-stream.js';
import type { BackendAddress } from './spec.js';
import { strerror } from '../strerror.js';

/** A connect failure with the errno-style code (`ECONNREFUSED`, `ETIMEDOUT`, …). */
export class BackendConnectError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'BackendConnectError';
    this.code = code;
  }
}

/** Text lighttpd's logs show for common connect errors (strerror). */
export function describeErrno(code: string): string {
  return strerror(code) ?? code;
}

/** How a backend socket reads (Node's `onread` socket option). */
export interface BackendReadOptions {
  /**
   * Reads go into this buffer and to `callback` instead of 'data' events (no allocation per read).
   * The socket then starts paused and reads nothing until `resume()`.
   */
  readonly onread?: { readonly buffer: Uint8Array; readonly callback: (bytesRead: number, buf: Uint8Array) => boolean };
}

/**
 * Connects to `address`; rejects with BackendConnectError after `timeoutSec` seconds (0 = no limit).
 * The returned socket is paused (no 'data' listener yet) so bytes the backend sends early are kept.
 */
export function connectBackend(address: BackendAddress, timeoutSec: number, opts: BackendReadOptions = {}): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const onread = opts.onread;
    const where = address.kind === 'tcp' ? { host: address.host, port: address.port } : { path: address.path };
    const socket = net.connect(onread ? { ...where, onread } : where);
    // before 'connect' this only marks the stream paused: reading then waits for resume()
    if (onread) socket.pause();
    let timer: NodeJS.Timeout | undefined;
    const settle = (err: BackendConnectError | null): void => {
      if (timer) clearTimeout(timer);
      socket.removeListener('connect', onConnect);
      socket.removeListener('error', onError);
      if (err) {
        socket.destroy();
        reject(err);
      } else {
        resolve(socket);
      }
    };
    function onConnect(): void {
      if (address.kind === 'tcp') socket.setNoDelay(true);
      settle(null);
    }
    function onError(err: NodeJS.ErrnoException): void {
      const code = err.code ?? 'EIO';
      settle(new BackendConnectError(code, describeErrno(code)));
    }
    // plain listeners (settle removes both): no once-wrappers per connection
    socket.on('connect', onConnect);
    socket.on('error', onError);
    if (timeoutSec > 0) {
      timer = setTimeout(() => settle(new BackendConnectError('ETIMEDOUT', describeErrno('ETIMEDOUT'))), timeoutSec * 1000);
    }
  });
}

/**
 * Like connectBackend with `onread`, but without a net.Socket where Node's stream handles allow it
 * (net/handle-stream.ts; an IP literal or a Unix path): a paused stream whose reads go to `reads`.
 * A host name, or a Node without usable handles, gets a net.Socket. The stream ends its side when
 * the backend does (allowHalfOpen false, as net.connect).
 */
export async function connectStream(address: BackendAddress, timeoutSec: number, reads: HandleReads & NonNullable<BackendReadOptions['onread']>): Promise<HandleStream | net.Socket> {
  const pending = connectHandle(address, timeoutSec * 1000, reads, false);
  if (pending === null) return connectBackend(address, timeoutSec, { onread: reads });
  try {
    return await pending;
  } catch (err) {
    const code = err instanceof ConnectFailure ? err.code : 'EIO';
    throw new BackendConnectError(code, describeErrno(code));
  }
}
