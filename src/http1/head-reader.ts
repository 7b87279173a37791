/**
 * Finding the end of a request head in the bytes as they arrive, with lighttpd 1.4.69's limits
 * (src/connections.c connection_handle_read_state, http_header_parse_hoff; http-core.md §3.1):
 *
 * - the head ends at the first empty line (`\n` or `\r\n` on its own);
 * - more than `server.max-request-field-size` bytes (with the empty line), or 8190 lines → 431;
 * - while the head is incomplete, a first byte below 0x20 → 400 (0x16: a TLS ClientHello);
 * - on a kept-alive connection one empty line before the request is skipped (e.g. after a POST body).
 *
 * The reader is pure: it is fed Buffers and keeps the partial head as a latin1 string (one char per
 * byte), so that the head is parsed from one string without further copies.
 */

/** What a `feed` found. */
export type HeadScan =
  | { readonly kind: 'more' }
  | {
      readonly kind: 'head';
      /** The head text (latin1), at least `headLength` chars long. */
      readonly text: string;
      /** Start of every line; the last entry is the empty line that ends the head. */
      readonly lineStarts: readonly number[];
      readonly headLength: number;
      /** The bytes of the last chunk after the head (body or the next request). */
      readonly rest: Buffer;
    }
  | {
      readonly kind: 'error';
      readonly status: 400 | 431;
      /** `oversized`: 431; `tls`: a TLS ClientHello; `first-byte`: another byte below 0x20. */
      readonly cause: 'oversized' | 'tls' | 'first-byte';
      /** What was read of the head so far (latin1). */
      readonly text: string;
    };

/** Lines a head may have (lighttpd's hoff[] holds 8192 entries). */
const MAX_LINES = 8190;
const FIRST_STEP = 2048;
const MORE: HeadScan = { kind: 'more' };
const NOTHING = Buffer.alloc(0);

type ScanResult = 'head' | 'more' | 'discarded' | 'oversized' | 'blank';

/** Incremental head framing for one connection; `reset` before each request. */
export class HeadReader {
  #text = '';
  #lineStart = 0;
  #lineStarts: number[] = [0];
  #discardBlank = false;
  /** Only one (skippable) empty line arrived so far. */
  #pendingBlank = false;
  #removed = 0;
  #headLength = 0;
  readonly #max: number;

  /** `maxSize`: server.max-request-field-size (bytes of the whole head). */
  constructor(maxSize: number) {
    this.#max = maxSize;
  }

  /** Starts a new request; `keptAlive`: not the first request of the connection. */
  reset(keptAlive: boolean): void {
    this.#text = '';
    this.#lineStart = 0;
    // a fresh list (the previous head was parsed before the next reset): cheaper than truncating
    if (this.#lineStarts.length !== 1) this.#lineStarts = [0];
    this.#discardBlank = keptAlive;
    this.#pendingBlank = false;
  }

  /** Whether any byte of the next head arrived. */
  get started(): boolean {
    return this.#text.length > 0;
  }

  /** Adds `chunk[0, end)`; returns the head once complete. */
  feed(chunk: Buffer, end = chunk.length): HeadScan {
    let base = this.#text.length; // text index of chunk[0]
    let off = 0;
    let step = FIRST_STEP;
    while (off < end) {
      const n = Math.min(end - off, this.#max + 1 - this.#text.length, step);
      this.#text += chunk.toString('latin1', off, off + n);
      off += n;
      step *= 2;
      let r = this.#scan();
      if (r === 'discarded') {
        base -= this.#removed;
        r = this.#scan();
      }
      if (r === 'head') {
        return { kind: 'head', text: this.#text, lineStarts: this.#lineStarts, headLength: this.#headLength, rest: this.#headLength - base === end ? NOTHING : chunk.subarray(this.#headLength - base, end) };
      }
      if (r === 'oversized' || this.#text.length > this.#max) return this.#error(431, 'oversized');
      if (r === 'blank') return this.#error(400, 'first-byte');
    }
    const first = this.#text.charCodeAt(0);
    if (first < 0x20 && !this.#pendingBlank) return this.#error(400, first === 0x16 ? 'tls' : 'first-byte');
    return MORE;
  }

  /** Scans the complete lines from #lineStart. */
  #scan(): ScanResult {
    const text = this.#text;
    for (;;) {
      const nl = text.indexOf('\n', this.#lineStart);
      if (nl < 0) return 'more';
      const x = nl - this.#lineStart + 1;
      if (x <= 2 && (x === 1 || text.charCodeAt(nl - 1) === 0x0d)) {
        if (this.#lineStart !== 0) {
          this.#headLength = nl + 1;
          return this.#headLength > this.#max ? 'oversized' : 'head';
        }
        // the head starts with an empty line: skipped once on a kept-alive connection when a request follows
        if (!this.#discardBlank) return 'blank';
        if (nl + 1 === text.length) {
          this.#pendingBlank = true;
          return 'more';
        }
        const c = text.charCodeAt(nl + 1);
        if (c === 0x0d || c === 0x0a) return 'blank';
        this.#discardBlank = false;
        this.#pendingBlank = false;
        this.#removed = nl + 1;
        this.#text = text.slice(nl + 1);
        this.#lineStarts = [0];
        return 'discarded';
      }
      this.#lineStart = nl + 1;
      if (this.#lineStarts.length >= MAX_LINES) return 'oversized';
      this.#lineStarts.push(nl + 1);
    }
  }

  #error(status: 400 | 431, cause: 'oversized' | 'tls' | 'first-byte'): HeadScan {
    return { kind: 'error', status, cause, text: this.#text };
  }
}
