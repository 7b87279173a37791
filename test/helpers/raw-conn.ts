/**
 * A raw TCP client for step-by-step HTTP tests: write bytes when you like, wait until some text arrived
 * or the server closed, read everything received so far. Every wait is bounded.
 */
import { connect, type Socket } from 'node:net';
import type { TestContext } from 'node:test';

/** One open connection. */
export interface RawConn {
  readonly socket: Socket;
  write(data: string | Buffer): void;
  /** Everything received so far (latin1). */
  text(): string;
  /** Resolves once `text()` contains `needle` (true), or after `timeoutMs` / a close without it (false). */
  waitFor(needle: string, timeoutMs?: number): Promise<boolean>;
  /** Resolves with true once the server closed the connection, false after `timeoutMs`. */
  waitClosed(timeoutMs?: number): Promise<boolean>;
  readonly closed: boolean;
}

/** Opens a connection to 127.0.0.1:port (closed after the test). */
export function openRaw(t: TestContext, port: number, opts: { read?: boolean } = {}): Promise<RawConn> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let closed = false;
    const waiters = new Set<() => void>();
    const wake = (): void => {
      for (const w of [...waiters]) w();
    };
    if (opts.read !== false) socket.on('data', (d: Buffer) => {
      chunks.push(d);
      wake();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed = true;
      wake();
    });
    t.after(() => socket.destroy());
    const text = (): string => Buffer.concat(chunks).toString('latin1');
    const wait = (done: () => boolean, timeoutMs: number): Promise<boolean> =>
      new Promise((res) => {
        if (done()) {
          res(true);
          return;
        }
        const check = (): void => {
          if (done()) finish(true);
          else if (closed) finish(false);
        };
        const finish = (v: boolean): void => {
          clearTimeout(timer);
          waiters.delete(check);
          res(v);
        };
        const timer = setTimeout(() => finish(done()), timeoutMs);
        waiters.add(check);
      });
    socket.once('connect', () =>
      resolve({
        socket,
        write: (data) => socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data),
        text,
        waitFor: (needle, timeoutMs = 3000) => wait(() => text().includes(needle), timeoutMs),
        waitClosed: (timeoutMs = 3000) => wait(() => closed, timeoutMs),
        get closed() {
          return closed;
        },
      }),
    );
    socket.once('error', reject);
  });
}
