/**
 * Connecting a HandleStream (handle-stream.ts) to a TCP address (IP literal) or a Unix socket path,
 * with a timeout. Callers use `net` when this answers null (no usable binding, or a host name that
 * needs a DNS lookup).
 */
import { isIP } from 'node:net';
import { getSystemErrorName } from 'node:util';
import { HandleStream, type HandleReads } from './handle-stream.js';
import { streamBinding, type StreamHandle } from './stream-binding.js';

/** Where to connect. */
export type StreamAddress = { readonly kind: 'tcp'; readonly host: string; readonly port: number } | { readonly kind: 'unix'; readonly path: string };

/** A connect that failed: `code` is the errno name (`ECONNREFUSED`, `ETIMEDOUT`, …). */
export class ConnectFailure extends Error {
  readonly code: string;

  constructor(code: string) {
    super(`connect ${code}`);
    this.code = code;
  }
}

/** True when connectHandle can take `address` (else it answers null). */
export function canConnectHandle(address: StreamAddress): boolean {
  return streamBinding !== null && (address.kind === 'unix' || isIP(address.host) !== 0);
}

/**
 * Connects; resolves to a paused stream (reading starts with resume()), rejects with ConnectFailure
 * on an error or after `timeoutMs` (0 = no limit). Null when the address needs `net` (canConnectHandle).
 */
export function connectHandle(address: StreamAddress, timeoutMs: number, reads: HandleReads, allowHalfOpen: boolean): Promise<HandleStream> | null {
  const b = streamBinding;
  if (b === null || !canConnectHandle(address)) return null;
  return new Promise((resolve, reject) => {
    let handle: StreamHandle;
    let timer: NodeJS.Timeout | null = null;
    let settled = false;
    const fail = (code: string): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      handle.close(noop);
      reject(new ConnectFailure(code));
    };
    const done = (status: number): void => {
      if (settled) return;
      if (status < 0) {
        fail(getSystemErrorName(status));
        return;
      }
      settled = true;
      if (timer) clearTimeout(timer);
      const stream = new HandleStream(b, handle, reads, allowHalfOpen);
      if (address.kind === 'tcp') stream.setNoDelay(true);
      resolve(stream);
    };
    let err: number;
    if (address.kind === 'tcp') {
      const tcp = b.newTcp();
      handle = tcp;
      const req = b.newConnectReq('tcp', tcp, done);
      err = isIP(address.host) === 6 ? tcp.connect6(req, address.host, address.port) : tcp.connect(req, address.host, address.port);
    } else {
      const pipe = b.newPipe();
      handle = pipe;
      err = pipe.connect(b.newConnectReq('unix', pipe, done), address.path);
    }
    if (err < 0) {
      fail(getSystemErrorName(err));
      return;
    }
    if (timeoutMs > 0) timer = setTimeout(() => fail('ETIMEDOUT'), timeoutMs);
  });
}

function noop(): void {
  // the handle of a failed connect is just closed
}
