/**
 * Reading a backend's response (proxy.md §6): the errors that mean "no usable response" with the
 * status lighttpd answers, the head scanner (interim 1xx heads, the 64 KiB limit), and the body as a
 * Readable fed by its connection (backend-conn.ts) with backpressure towards the backend socket, so a
 * response of any size goes through in bounded memory.
 */
import { Readable } from 'node:stream';
import type { Duplex } from 'node:stream';
import { ChunkedDecoder } from './chunked.js';
import { BadResponseError, findHeadEnd, parseResponseHead, type BodyFraming, type ResponseHead } from './response-head.js';

/** Why no usable head arrived; `status` is what lighttpd answers the client (proxy.md §6.4). */
export class BackendResponseError extends Error {
  readonly status: number;
  readonly code: string;
  /** Not a byte of a response arrived (a reused connection that failed this way may be retried). */
  readonly nothingReceived: boolean;
  constructor(status: number, code: string, message: string, nothingReceived = false) {
    super(message);
    this.status = status;
    this.code = code;
    this.nothingReceived = nothingReceived;
  }
}

/** lighttpd's limit on a backend response head. */
export const MAX_HEAD_BYTES = 64 * 1024;

/** A complete head and the bytes that followed it. */
export interface HeadResult {
  readonly head: ResponseHead;
  readonly rest: Buffer;
}

/**
 * Scans `buf` for heads: interim 1xx heads go to `onInterim`; returns the final head (status ≥ 200,
 * or 101) with the bytes after it, null when more bytes are needed, or throws BackendResponseError.
 * `buf` is consumed up to the last complete head when null is returned (see `HeadScan.pending`).
 */
export class HeadScan {
  /** Bytes of an incomplete head kept for the next call. */
  pending: Buffer | null = null;

  feed(chunk: Buffer, onInterim: (head: ResponseHead) => void): HeadResult | null {
    let buf = this.pending === null ? chunk : Buffer.concat([this.pending, chunk]);
    this.pending = null;
    for (;;) {
      const end = findHeadEnd(buf);
      if (end > MAX_HEAD_BYTES || (end < 0 && buf.length > MAX_HEAD_BYTES)) {
        throw new BackendResponseError(502, 'TSW_PROXY_HEAD_TOO_LARGE', 'response headers too large');
      }
      if (end < 0) {
        this.pending = buf.length > 0 ? buf : null;
        return null;
      }
      let head: ResponseHead;
      try {
        head = parseResponseHead(buf.toString('latin1', 0, end));
      } catch (e) {
        throw new BackendResponseError(502, 'TSW_PROXY_BAD_RESPONSE', e instanceof BadResponseError ? e.message : 'unparsable response head');
      }
      buf = buf.subarray(end);
      if (head.status >= 200 || head.status === 101) return { head, rest: buf };
      onInterim(head);
    }
  }
}

/**
 * The body of a backend response, de-framed. Its connection feeds it (`feed`, `eof`); when the
 * consumer is full the backend socket is paused, and `_read` resumes it.
 */
export class BackendBody extends Readable {
  readonly #socket: Duplex;
  readonly #framing: BodyFraming;
  #remaining: number;
  readonly #decoder: ChunkedDecoder | null;
  #ended = false;
  #excess = false;

  constructor(socket: Duplex, framing: BodyFraming) {
    super({ highWaterMark: 64 * 1024 });
    this.#socket = socket;
    this.#framing = framing;
    this.#remaining = framing.kind === 'length' ? framing.length : 0;
    this.#decoder = framing.kind === 'chunked' ? new ChunkedDecoder() : null;
    if (framing.kind === 'none' || (framing.kind === 'length' && framing.length === 0)) this.#finish();
  }

  /** The body ended where its framing said (not cut by EOF, no bytes after it): the connection is clean. */
  get isClean(): boolean {
    return this.#ended && !this.#excess && this.#framing.kind !== 'eof';
  }

  /** True once the last byte of the body was read. */
  get isComplete(): boolean {
    return this.#ended;
  }

  override _read(): void {
    if (!this.#ended) this.#socket.resume();
  }

  /** Bytes from the backend; anything past the end of the body marks the connection unclean. */
  feed(chunk: Buffer): void {
    if (this.#ended) {
      if (chunk.length > 0) this.#excess = true;
      return;
    }
    let full = false;
    switch (this.#framing.kind) {
      case 'length': {
        // lighttpd: bytes beyond Content-Length are discarded
        if (chunk.length > this.#remaining) this.#excess = true;
        const part = chunk.length > this.#remaining ? chunk.subarray(0, this.#remaining) : chunk;
        this.#remaining -= part.length;
        full = !this.push(part);
        if (this.#remaining === 0) this.#finish();
        break;
      }
      case 'chunked': {
        const decoder = this.#decoder;
        if (!decoder) return;
        let parts: Buffer[];
        try {
          parts = decoder.feed(chunk);
        } catch (e) {
          this.destroy(e instanceof Error ? e : new Error(String(e)));
          return;
        }
        for (const p of parts) if (!this.push(p)) full = true;
        if (decoder.done) {
          if (decoder.excess.length > 0) this.#excess = true;
          this.#finish();
        }
        break;
      }
      case 'eof':
        full = !this.push(chunk);
        break;
      case 'none':
        if (chunk.length > 0) this.#excess = true;
        break;
    }
    if (full && !this.#ended) this.#socket.pause();
  }

  /** The backend closed its side (or the connection): the end of an EOF-delimited body, else a cut body. */
  eof(): void {
    if (this.#ended || this.destroyed) return;
    if (this.#framing.kind === 'eof') this.#finish();
    else this.destroy(new BackendResponseError(502, 'TSW_PROXY_TRUNCATED', 'backend closed before the end of the body'));
  }

  #finish(): void {
    this.#ended = true;
    this.push(null);
  }
}
