/**
 * A BodySink (file-pump.ts) that writes through a filtered response's `pass*` methods, so a filter can
 * stream a file of its own (a cached compressed copy) with the pump's backpressure. The sink has its
 * own 'drain' (the filter forwards the socket's) and repeats the response's 'close'.
 */
import { EventEmitter } from 'node:events';
import type { HttpResponse } from '../../http1/response.js';
import type { BodySink } from '../../http/file-pump.js';

/** The sink (see the file header). */
export class FilterSink implements BodySink {
  readonly #res: HttpResponse;
  readonly #events = new EventEmitter();
  readonly #endCb: (() => void) | undefined;

  constructor(res: HttpResponse, endCb: (() => void) | undefined) {
    this.#res = res;
    this.#endCb = endCb;
    res.once('close', () => this.#events.emit('close'));
  }

  get destroyed(): boolean {
    return this.#res.destroyed;
  }

  write(chunk: Buffer | string, done?: () => void): boolean {
    return this.#res.passWrite(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk, done ? () => done() : undefined);
  }

  end(chunk?: Buffer | string): void {
    this.#res.passEnd(chunk === undefined ? null : typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk, this.#endCb);
  }

  destroy(): void {
    this.#res.destroy();
  }

  /** The socket drained: the pump may go on. */
  drained(): void {
    this.#events.emit('drain');
  }

  once(event: 'drain' | 'close', listener: () => void): this {
    this.#events.once(event, listener);
    return this;
  }

  off(event: 'drain' | 'close', listener: () => void): this {
    this.#events.off(event, listener);
    return this;
  }
}
