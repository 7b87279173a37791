/**
 * HTTP/1.1 chunked transfer coding: a decoder fed with arbitrary byte slices (a plain state machine, like
 * ws' receiver) and the one-line encoder for request bodies sent to a backend.
 */

type State = 'size' | 'ext' | 'size-lf' | 'data' | 'data-cr' | 'data-lf' | 'trailer' | 'done';

/** A chunk header or framing byte that is not valid chunked coding. */
export class ChunkedError extends Error {
  readonly code = 'TSW_PROXY_BAD_CHUNK';
}

const MAX_SIZE_DIGITS = 15;

/** Decodes chunked coding incrementally; `feed` returns the payload slices found in the input. */
export class ChunkedDecoder {
  #state: State = 'size';
  #size = 0;
  #digits = 0;
  #remaining = 0;
  #trailerLineLen = 0;
  /** Bytes after the terminating chunk (not part of this body). */
  excess: Buffer = Buffer.alloc(0);

  /** True once the last chunk and trailer section have been read. */
  get done(): boolean {
    return this.#state === 'done';
  }

  /** Consumes `buf`; returns body slices (views into `buf`). Throws ChunkedError on bad framing. */
  feed(buf: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let i = 0;
    while (i < buf.length) {
      const c = buf[i] ?? 0;
      switch (this.#state) {
        case 'size': {
          const d = hexValue(c);
          if (d >= 0) {
            if (++this.#digits > MAX_SIZE_DIGITS) throw new ChunkedError('chunk size too large');
            this.#size = this.#size * 16 + d;
          } else if (this.#digits > 0 && (c === 0x3b || c === 0x20 || c === 0x09)) {
            this.#state = 'ext';
          } else if (this.#digits > 0 && c === 0x0d) {
            this.#state = 'size-lf';
          } else if (this.#digits > 0 && c === 0x0a) {
            this.#endSizeLine();
          } else {
            throw new ChunkedError('invalid chunk size');
          }
          i++;
          break;
        }
        case 'ext':
          if (c === 0x0a) this.#endSizeLine();
          i++;
          break;
        case 'size-lf':
          if (c !== 0x0a) throw new ChunkedError('expected LF after chunk size');
          this.#endSizeLine();
          i++;
          break;
        case 'data': {
          const n = Math.min(this.#remaining, buf.length - i);
          out.push(buf.subarray(i, i + n));
          this.#remaining -= n;
          i += n;
          if (this.#remaining === 0) this.#state = 'data-cr';
          break;
        }
        case 'data-cr':
          if (c === 0x0d) this.#state = 'data-lf';
          else if (c === 0x0a) this.#state = 'size';
          else throw new ChunkedError('expected CRLF after chunk data');
          i++;
          break;
        case 'data-lf':
          if (c !== 0x0a) throw new ChunkedError('expected LF after chunk data');
          this.#state = 'size';
          i++;
          break;
        case 'trailer':
          if (c === 0x0a) {
            if (this.#trailerLineLen === 0) this.#state = 'done';
            this.#trailerLineLen = 0;
          } else if (c !== 0x0d) {
            this.#trailerLineLen++;
          }
          i++;
          break;
        case 'done':
          this.excess = buf.subarray(i);
          return out;
      }
    }
    return out;
  }

  #endSizeLine(): void {
    if (this.#size === 0) {
      this.#state = 'trailer';
      this.#trailerLineLen = 0;
    } else {
      this.#state = 'data';
      this.#remaining = this.#size;
    }
    this.#size = 0;
    this.#digits = 0;
  }
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1;
}

/** Frames one payload slice as a chunk (lighttpd writes hex sizes); an empty slice yields nothing. */
export function encodeChunk(data: Buffer): Buffer[] {
  if (data.length === 0) return [];
  return [Buffer.from(`${data.length.toString(16)}\r\n`, 'latin1'), data, Buffer.from('\r\n', 'latin1')];
}

/** The last chunk with an empty trailer section. */
export const LAST_CHUNK = Buffer.from('0\r\n\r\n', 'latin1');
