/**
 * Bounded waiting: every wait in the end-to-end suite has a deadline and says what it waited for.
 */
import { connect, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `probe` until it returns a value other than `undefined`, or throws after `timeoutMs`.
 * `describe` is called on timeout so the message can include the latest observed state.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
  describe?: () => string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) {
      const extra = describe ? `; ${describe()}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${extra}`);
    }
    await sleep(100);
  }
}

/** Resolves to true when a TCP connection to 127.0.0.1:port is accepted within `timeoutMs`. */
export function canConnect(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => done(false), timeoutMs);
    function done(ok: boolean): void {
      clearTimeout(timer);
      sock.destroy();
      resolve(ok);
    }
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/** Throws a clear error when something already listens on 127.0.0.1:port (the examples use fixed ports). */
export async function assertPortFree(port: number, whoNeedsIt: string): Promise<void> {
  if (await canConnect(port)) {
    throw new Error(`port ${port} is busy on 127.0.0.1, but ${whoNeedsIt} needs it; stop whatever listens there`);
  }
}

/** Asks the kernel for a free loopback port (listen on 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
