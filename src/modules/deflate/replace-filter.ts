/**
 * A body filter that drops the handler's body and sends something else: a cached compressed copy
 * (cache.ts), or nothing at all (the 304 / 412 mod_deflate answers for an If-None-Match naming the
 * compressed ETag). It starts on the handler's first write or end, one tick later so that it never
 * writes from inside the handler's call. The handler is told to wait (write → false) and never resumed;
 * the response's 'close' releases whatever it holds.
 */
import { close } from 'node:fs';
import type { HttpResponse } from '../../http1/response.js';
import type { BodyFilter, FilterWriteCallback } from '../../http1/body-filter.js';
import { sendCachedCopy } from './compress-filter.js';
import type { FilterSink } from './filter-sink.js';

/** What replaces the body: an open cached copy, or no body. */
export type Replacement = { readonly kind: 'copy'; readonly fd: number; readonly size: number } | { readonly kind: 'none' };

/** The replacing filter (see the file header). */
export class ReplaceFilter implements BodyFilter {
  readonly #res: HttpResponse;
  readonly #with: Replacement;
  #started = false;
  #endCb: (() => void) | undefined = undefined;
  #sink: FilterSink | null = null;

  constructor(res: HttpResponse, replacement: Replacement) {
    this.#res = res;
    this.#with = replacement;
    if (replacement.kind === 'copy') {
      // a copy that was never sent (the connection went first) is closed with the response
      res.once('close', () => {
        if (!this.#started) closeQuietly(replacement.fd);
      });
    }
  }

  write(_chunk: Buffer, cb: FilterWriteCallback | undefined): boolean {
    if (cb) process.nextTick(cb);
    this.#start();
    return false;
  }

  end(_chunk: Buffer | null, cb: (() => void) | undefined): void {
    this.#endCb = cb;
    this.#start();
  }

  drained(): void {
    this.#sink?.drained();
  }

  #start(): void {
    if (this.#started) return;
    this.#started = true;
    process.nextTick(() => {
      const res = this.#res;
      const w = this.#with;
      if (res.destroyed) {
        if (w.kind === 'copy') closeQuietly(w.fd);
        return;
      }
      if (w.kind === 'none') res.passEnd(null, this.#endCb);
      else this.#sink = sendCachedCopy(res, w.fd, w.size, this.#endCb);
    });
  }
}

function closeQuietly(fd: number): void {
  close(fd, () => undefined);
}
