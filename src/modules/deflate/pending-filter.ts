/**
 * A body filter for a response whose length is unknown when its head is committed (a proxied body
 * without Content-Length). lighttpd 1.4.69 has the whole body by then and skips bodies of
 * deflate.min-compress-size bytes or fewer; here the first bytes are held until there are more than
 * that, or the body ended, and only then is the decision made (headers changed through
 * HttpResponse.editHead) and the held bytes handed to the compressor or sent as they are.
 */
import type { HttpResponse } from '../../http1/response.js';
import type { BodyFilter, FilterWriteCallback } from '../../http1/body-filter.js';

/** Decides once the body's first bytes are known: the filter to use, or null to send the body as it is. */
export type LateDecision = (length: number) => BodyFilter | null;

/** The holding filter (see the file header). */
export class PendingFilter implements BodyFilter {
  readonly #res: HttpResponse;
  readonly #decide: LateDecision;
  readonly #min: number;
  #held: { chunk: Buffer; cb: FilterWriteCallback | undefined }[] = [];
  #bytes = 0;
  #decided = false;
  #inner: BodyFilter | null = null;

  constructor(res: HttpResponse, decide: LateDecision, minCompressSize: number) {
    this.#res = res;
    this.#decide = decide;
    this.#min = minCompressSize;
  }

  write(chunk: Buffer, cb: FilterWriteCallback | undefined): boolean {
    if (this.#decided) return this.#forward(chunk, cb);
    this.#held.push({ chunk, cb });
    this.#bytes += chunk.length;
    if (this.#bytes <= this.#min) return true;
    this.#settle(-1);
    let ok = true;
    for (const h of this.#takeHeld()) ok = this.#forward(h.chunk, h.cb) && ok;
    return ok;
  }

  end(chunk: Buffer | null, cb: (() => void) | undefined): void {
    if (this.#decided) {
      if (this.#inner !== null) this.#inner.end(chunk, cb);
      else this.#res.passEnd(chunk, cb);
      return;
    }
    // the whole body is here: decide with its length and hand it on in one piece
    if (chunk !== null) this.#held.push({ chunk, cb: undefined });
    const held = this.#takeHeld();
    // one chunk without a callback is used as it is; otherwise copied, so the writers' buffers are free again
    const only = held.length === 1 ? held[0] : undefined;
    const body = held.length === 0 ? null : only !== undefined && only.cb === undefined ? only.chunk : Buffer.concat(held.map((h) => h.chunk));
    this.#settle(body === null ? 0 : body.length);
    for (const h of held) if (h.cb) process.nextTick(h.cb);
    if (this.#inner !== null) this.#inner.end(body, cb);
    else this.#res.passEnd(body, cb);
  }

  drained(): void {
    if (this.#inner !== null) this.#inner.drained();
    else this.#res.emit('drain');
  }

  #settle(length: number): void {
    this.#decided = true;
    this.#res.editHead(() => {
      this.#inner = this.#decide(length);
    });
  }

  #takeHeld(): { chunk: Buffer; cb: FilterWriteCallback | undefined }[] {
    const held = this.#held;
    this.#held = [];
    return held;
  }

  #forward(chunk: Buffer, cb: FilterWriteCallback | undefined): boolean {
    return this.#inner !== null ? this.#inner.write(chunk, cb) : this.#res.passWrite(chunk, cb);
  }
}
