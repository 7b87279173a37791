/**
 * Request body framing as lighttpd 1.4.69 reads it (src/connections.c connection_handle_read_post_state,
 * connection_handle_read_post_chunked): a Content-Length countdown, or HTTP/1.1 chunked decoding with
 * lighttpd's checks — hex size line up to 1024 bytes (`;` extensions allowed), CRLF after each chunk,
 * trailers skipped up to the empty line, `server.max-request-size` checked against each announced chunk
 * (413). Pure: fed Buffers, hands payload slices (no copies) to a sink, reports where the body ended.
 */

/** Receives payload bytes. */
export type BodySink = (payload: Buffer) => void;

/** Why a body cannot be read: lighttpd's status and log text. */
export interface BodyError {
  readonly status: 400 | 413;
  readonly reason: string;
}

/** A body framing: feed it bytes until `done` (or `error`). */
export interface BodyDecoder {
  /** Consumes body bytes from `chunk`; returns how many belonged to the body. */
  feed(chunk: Buffer, sink: BodySink): number;
  readonly done: boolean;
  readonly error: BodyError | null;
  /** Payload bytes so far. */
  readonly received: number;
  /** False when trailers were cut (lighttpd then closes the connection). */
  readonly reusable: boolean;
}

/** Content-Length framing. */
export class LengthDecoder implements BodyDecoder {
  #left: number;
  received = 0;
  readonly error = null;
  readonly reusable = true;

  constructor(length: number) {
    this.#left = length;
  }

  get done(): boolean {
    return this.#left === 0;
  }

  feed(chunk: Buffer, sink: BodySink): number {
    if (this.#left === 0 || chunk.length === 0) return 0;
    const n = Math.min(this.#left, chunk.length);
    this.#left -= n;
    this.received += n;
    sink(n === chunk.length ? chunk : chunk.subarray(0, n));
    return n;
  }
}

const MAX_SIZE_LINE = 1024;
/** lighttpd refuses chunk sizes above 2^59 - 3 (off_t headroom). */
const MAX_CHUNK = 2 ** 59 - 3;

type ChunkState = 'size' | 'data' | 'cr' | 'lf' | 'trailer' | 'done';

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x61 + 10 : -1;
}

/** HTTP/1.1 chunked framing. */
export class ChunkedDecoder implements BodyDecoder {
  #state: ChunkState = 'size';
  #line = '';
  #left = 0;
  #trailer = '';
  received = 0;
  error: BodyError | null = null;
  reusable = true;
  /** `server.max-request-size` in bytes (0 = unlimited); may be set until the first chunk arrives. */
  maxSize: number;
  readonly #maxTrailer: number;

  /** `maxTrailer`: server.max-request-field-size (longer trailers are skipped and the connection closes). */
  constructor(maxSize: number, maxTrailer: number) {
    this.maxSize = maxSize;
    this.#maxTrailer = maxTrailer;
  }

  get done(): boolean {
    return this.#state === 'done';
  }

  feed(chunk: Buffer, sink: BodySink): number {
    let pos = 0;
    while (pos < chunk.length && this.#state !== 'done' && this.error === null) {
      switch (this.#state) {
        case 'size':
          pos = this.#readSize(chunk, pos);
          break;
        case 'data': {
          const n = Math.min(this.#left, chunk.length - pos);
          this.#left -= n;
          this.received += n;
          sink(chunk.subarray(pos, pos + n));
          pos += n;
          if (this.#left === 0) this.#state = 'cr';
          break;
        }
        case 'cr':
          if (chunk[pos] !== 0x0d) return this.#fail(400, 'chunked data missing end CRLF', pos);
          pos++;
          this.#state = 'lf';
          break;
        case 'lf':
          if (chunk[pos] !== 0x0a) return this.#fail(400, 'chunked data missing end CRLF', pos);
          pos++;
          this.#state = 'size';
          break;
        case 'trailer':
          pos = this.#readTrailer(chunk, pos);
          break;
      }
    }
    return pos;
  }

  #fail(status: 400 | 413, reason: string, pos: number): number {
    this.error = { status, reason };
    return pos;
  }

  #readSize(chunk: Buffer, pos: number): number {
    const nl = chunk.indexOf(0x0a, pos);
    const end = nl < 0 ? chunk.length : nl + 1;
    this.#line += chunk.toString('latin1', pos, end);
    if (nl < 0) {
      if (this.#line.length >= MAX_SIZE_LINE) return this.#fail(400, 'chunked header line too long', end);
      return end;
    }
    const line = this.#line;
    this.#line = '';
    let size = 0;
    let i = 0;
    for (; i < line.length; i++) {
      const v = hexValue(line.charCodeAt(i));
      if (v < 0) break;
      if (size > MAX_CHUNK) return this.#fail(400, 'chunked data size too large', end);
      size = size * 16 + v;
    }
    if (i === 0) return this.#fail(400, 'chunked header invalid chars', end);
    while (line[i] === ' ' || line[i] === '\t') i++;
    if (line[i] !== '\r' && line[i] !== ';') return this.#fail(400, 'chunked header invalid chars', end);
    if (line.length >= MAX_SIZE_LINE) return this.#fail(400, 'chunked header line too long', end);
    if (size === 0) {
      // the trailer section ends at the first CRLF CRLF, searched from the end of the size line
      this.#trailer = line.slice(-2);
      this.#state = 'trailer';
      return end;
    }
    if (this.maxSize > 0 && (this.maxSize < size || this.maxSize - size < this.received)) {
      return this.#fail(413, `request-size too long: ${this.received + size}`, end);
    }
    this.#left = size;
    this.#state = 'data';
    return end;
  }

  #readTrailer(chunk: Buffer, pos: number): number {
    const before = this.#trailer.length;
    this.#trailer += chunk.toString('latin1', pos, Math.min(chunk.length, pos + this.#maxTrailer + 4));
    const at = this.#trailer.indexOf('\r\n\r\n');
    if (at >= 0) {
      this.#state = 'done';
      return pos + (at + 4 - before);
    }
    if (this.#trailer.length >= this.#maxTrailer) {
      // lighttpd ignores trailers that long and stops keep-alive
      this.reusable = false;
      this.#state = 'done';
      return chunk.length;
    }
    return chunk.length;
  }
}
