/**
 * One connection of the wire fuzz test: writes chunks (optionally waiting for the response head after
 * the first), then waits for the server to close, half-closes and waits, or hangs up abruptly
 * (destroy, or a reset). Everything received is kept; the wait is bounded.
 */
import { connect } from 'node:net';

/** How the client ends its side. */
export type Ending = 'wait' | 'end' | 'destroy' | 'reset';

/** One connection's script. */
export interface WirePlan {
  readonly chunks: readonly Buffer[];
  /** Wait for the end of a response head (or a close) before writing the second chunk. */
  readonly awaitHead: boolean;
  /** How many chunks are written before the ending. */
  readonly stopAfter: number;
  readonly ending: Ending;
  /** Pause between chunks, ms (0: the next turn of the event loop). */
  readonly pauseMs: number;
}

/** What happened on the connection. */
export interface WireResult {
  readonly received: Buffer;
  /** The server closed the connection; false when the client hung up itself. */
  readonly serverClosed: boolean;
  /** The bound passed with the connection still open. */
  readonly timedOut: boolean;
  readonly ms: number;
}

/** Runs `plan` against 127.0.0.1:`port`; a connection still open after `boundMs` counts as a hang. */
export function runWirePlan(port: number, plan: WirePlan, boundMs: number): Promise<WireResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let closed = false;
    let wake: (() => void) | null = null;
    let done = false;
    const finish = (serverClosed: boolean, timedOut: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ received: Buffer.concat(chunks), serverClosed, timedOut, ms: Date.now() - started });
    };
    const timer = setTimeout(() => finish(false, true), boundMs);
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      wake?.();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed = true;
      wake?.();
      finish(true, false);
    });
    const until = (cond: () => boolean): Promise<void> =>
      new Promise((res) => {
        const check = (): void => {
          if (cond() || closed) {
            wake = null;
            res();
          }
        };
        wake = check;
        check();
      });
    const pause = (): Promise<void> => new Promise((res) => (plan.pauseMs > 0 ? setTimeout(res, plan.pauseMs) : setImmediate(res)));
    const script = async (): Promise<void> => {
      await new Promise<void>((res) => socket.once('connect', () => res()));
      for (let i = 0; i < plan.stopAfter && !closed; i++) {
        socket.write(plan.chunks[i] as Buffer);
        if (i === 0 && plan.awaitHead) await until(() => Buffer.concat(chunks).includes('\r\n\r\n'));
        else await pause();
      }
      if (closed) return;
      switch (plan.ending) {
        case 'wait':
          return;
        case 'end':
          socket.end();
          return;
        case 'destroy':
          finish(false, false);
          return;
        case 'reset':
          socket.resetAndDestroy();
          finish(false, false);
          return;
      }
    };
    script().catch(() => finish(false, false));
  });
}
