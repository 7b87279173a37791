/**
 * The body filter (src/http1/body-filter.ts) that compresses a response.
 *
 * A body handed whole to end() is compressed in one thread-pool job and sent with its Content-Length.
 * A streamed body (a large file, a proxied body) goes through a zlib stream, whose work also runs on the
 * thread pool: the handler's writes wait while the compressor's input is full ('drain' is re-emitted on
 * the response when it empties), and the compressor pauses while the socket is full. Compressed output
 * is held back up to HOLD_MAX so that the response still gets a Content-Length, as lighttpd (which
 * compresses the whole body first) always sends; beyond that the held bytes and the rest go out chunked
 * (HTTP/1.1) or close-delimited (HTTP/1.0), keeping memory bounded for any size (docs/compat.md).
 *
 * With a cache fill (cache.ts) the compressed bytes go to the cache file instead; once it is complete and
 * renamed into place, it is sent like a cache hit, with its Content-Length.
 */
import type { Transform } from 'node:stream';
import { close, createWriteStream } from 'node:fs';
import type { HttpResponse } from '../../http1/response.js';
import type { BodyFilter, FilterWriteCallback } from '../../http1/body-filter.js';
import { compressWhole, createCompressor, type CodecParams } from './codec.js';
import { closeCacheFill, openCached, type CacheFill } from './cache.js';
import { FilterSink } from './filter-sink.js';
import { pumpFile } from '../../http/file-pump.js';

/** Compressed bytes held back for a Content-Length before a streamed body goes out without one. */
export const HOLD_MAX = 1024 * 1024;

const EMPTY = Buffer.alloc(0);

/** Sends an open cached copy as the whole response body (Content-Length: its size). */
export function sendCachedCopy(res: HttpResponse, fd: number, size: number, endCb: (() => void) | undefined): FilterSink {
  const sink = new FilterSink(res, endCb);
  res.declareLength(size);
  pumpFile(sink, fd, [{ start: 0, end: size - 1 }], null, size);
  return sink;
}

/** The compressing filter (see the file header). */
export class CompressFilter implements BodyFilter {
  readonly #res: HttpResponse;
  readonly #params: CodecParams;
  readonly #log: (message: string) => void;
  readonly #fill: CacheFill | null;
  #enc: Transform | null = null;
  #held: Buffer[] = [];
  #heldBytes = 0;
  #streaming = false;
  #wrote = false;
  #endCb: (() => void) | undefined = undefined;
  /** The sink of a cached copy being sent (its 'drain' comes from the socket). */
  #sink: FilterSink | null = null;
  /** The cache file's write stream while it fills. */
  #out: NodeJS.WritableStream & { destroy(): void } | null = null;

  constructor(res: HttpResponse, params: CodecParams, fill: CacheFill | null, log: (message: string) => void) {
    this.#res = res;
    this.#params = params;
    this.#fill = fill;
    this.#log = log;
    res.once('close', this.#onClose);
  }

  write(chunk: Buffer, cb: FilterWriteCallback | undefined): boolean {
    this.#wrote = true;
    return this.#encoder().write(chunk, cb);
  }

  end(chunk: Buffer | null, cb: (() => void) | undefined): void {
    this.#endCb = cb;
    if (!this.#wrote && this.#fill === null) {
      compressWhole(this.#params, chunk ?? EMPTY, (err, out) => {
        if (err) this.#fail(err);
        else this.#res.passEnd(out, cb);
      });
      return;
    }
    const enc = this.#encoder();
    if (chunk !== null) enc.end(chunk);
    else enc.end();
  }

  drained(): void {
    if (this.#sink !== null) this.#sink.drained();
    else this.#enc?.resume();
  }

  #encoder(): Transform {
    if (this.#enc !== null) return this.#enc;
    const enc = createCompressor(this.#params);
    this.#enc = enc;
    enc.on('drain', () => this.#res.emit('drain'));
    enc.on('error', (err: Error) => this.#fail(err));
    const fill = this.#fill;
    if (fill !== null) {
      // the stream owns the descriptor: it is closed after the last write, whatever happens
      const out = createWriteStream('', { fd: fill.fd });
      let complete = false;
      out.on('error', (err) => this.#fail(err));
      out.on('finish', () => (complete = true));
      out.on('close', () => this.#filled(fill, complete));
      enc.on('error', () => out.destroy());
      this.#out = out;
      enc.pipe(out);
    } else {
      enc.on('data', this.#onData);
      enc.on('end', this.#onEnd);
    }
    return enc;
  }

  readonly #onData = (chunk: Buffer): void => {
    const res = this.#res;
    if (!this.#streaming) {
      this.#held.push(chunk);
      this.#heldBytes += chunk.length;
      if (this.#heldBytes <= HOLD_MAX) return;
      this.#streaming = true;
      const held = this.#held;
      this.#held = [];
      let ok = true;
      for (const c of held) ok = res.passWrite(c) && ok;
      if (!ok) this.#enc?.pause();
      return;
    }
    if (!res.passWrite(chunk)) this.#enc?.pause();
  };

  readonly #onEnd = (): void => {
    if (this.#streaming) this.#res.passEnd(null, this.#endCb);
    else this.#res.passEnd(this.#held.length === 1 ? (this.#held[0] ?? EMPTY) : Buffer.concat(this.#held), this.#endCb);
    this.#held = [];
  };

  /** The cache file was closed: when complete, put it in place and send it. */
  #filled(fill: CacheFill, complete: boolean): void {
    this.#out = null;
    closeCacheFill(fill, complete && !this.#res.destroyed, (file) => {
      if (this.#res.destroyed) return;
      const copy = file === null ? null : openCached(file);
      if (copy === null) {
        this.#log(`deflate: cache file ${fill.file} could not be written`);
        this.#res.destroy();
        return;
      }
      if (this.#res.destroyed) {
        close(copy.fd, () => undefined);
        return;
      }
      this.#sink = sendCachedCopy(this.#res, copy.fd, copy.size, this.#endCb);
    });
  }

  #fail(err: Error): void {
    this.#log(`deflate: compression failed: ${err.message}`);
    this.#res.destroy();
  }

  readonly #onClose = (): void => {
    if (this.#enc !== null && !this.#enc.readableEnded) this.#enc.destroy();
    // an unfinished cache file is removed once its stream has closed the descriptor (#filled)
    this.#out?.destroy();
    const fill = this.#fill;
    if (this.#enc === null && fill !== null) close(fill.fd, () => closeCacheFill(fill, false, () => undefined));
  };
}
