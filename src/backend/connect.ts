/**
 * Opening a stream to a backend address with lighttpd's `connect-timeout` (backends.md §7.3).
 */
import net from 'node:net';
import type { BackendAddress } from './spec.js';

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
  switch (code) {
    case 'ECONNREFUSED':
      return 'Connection refused';
    case 'ETIMEDOUT':
      return 'Connection timed out';
    case 'ENOENT':
      return 'No such file or directory';
    case 'EHOSTUNREACH':
      return 'No route to host';
    case 'ENETUNREACH':
      return 'Network is unreachable';
    case 'EACCES':
      return 'Permission denied';
    default:
      return code;
  }
}

/**
 * Connects to `address`; rejects with BackendConnectError after `timeoutSec` seconds (0 = no limit).
 * The returned socket is paused (no 'data' listener yet) so bytes the backend sends early are kept.
 */
export function connectBackend(address: BackendAddress, timeoutSec: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = address.kind === 'tcp' ? net.connect({ host: address.host, port: address.port }) : net.connect({ path: address.path });
    let timer: NodeJS.Timeout | undefined;
    const settle = (err: BackendConnectError | null): void => {
      if (timer) clearTimeout(timer);
      socket.off('connect', onConnect);
      socket.off('error', onError);
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
    socket.once('connect', onConnect);
    socket.once('error', onError);
    if (timeoutSec > 0) {
      timer = setTimeout(() => settle(new BackendConnectError('ETIMEDOUT', describeErrno('ETIMEDOUT'))), timeoutSec * 1000);
    }
  });
}
