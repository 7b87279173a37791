/**
 * Streams byte ranges of an open file into a response: synchronous 64 KiB positional reads (lighttpd
 * also does blocking file I/O on its one thread; the thread pool would share the server's core and add
 * a round trip per chunk) into reused buffers, each written at once, waiting for 'drain' whenever the
 * response says its buffer is full. Memory stays bounded by the response's buffer plus one chunk, for
 * any file size.
 *
 * Multipart bodies (several ranges) get lighttpd's part headers and closing boundary. When the file
 * shrinks under the reader the promised length cannot be met, and the response is destroyed. After
 * RUN_BYTES in one go the pump yields to the event loop (setImmediate), so one fast download does not
 * starve the other connections.
 */
import { closeSync, readSync } from 'node:fs';
import { partHeader, MULTIPART_END, type ByteRange } from './range.js';

/** The response methods the pump uses (node's ServerResponse has them). */
export interface BodySink {
  /** Queues a chunk; `done` runs once the response no longer needs the chunk's memory. */
  write(chunk: Buffer | string, done?: () => void): boolean;
  end(chunk?: Buffer | string): unknown;
  destroy(): unknown;
  readonly destroyed: boolean;
  once(event: 'drain' | 'close', listener: () => void): unknown;
  off(event: 'drain' | 'close', listener: () => void): unknown;
}

const CHUNK = 64 * 1024;
const RUN_BYTES = 1024 * 1024;

/**
 * Read buffers the responses have finished with, shared by every pump (at most FREE_MAX, 1 MiB). Reusing
 * them keeps the copy target in the CPU cache and spares an allocation and its garbage per chunk; a
 * response that never calls back just means fresh buffers.
 */
const free: Buffer[] = [];
const FREE_MAX = 16;

function takeBuffer(): Buffer {
  return free.pop() ?? Buffer.allocUnsafeSlow(CHUNK);
}

function recycler(buf: Buffer): () => void {
  return () => {
    if (free.length < FREE_MAX) free.push(buf);
  };
}

/** Streams the ranges from `fd` (which the pump owns and closes), then ends the response. */
export function pumpFile(res: BodySink, fd: number, ranges: readonly ByteRange[], partType: string | null, total: number): void {
  new FilePump(res, fd, ranges, partType, total).run();
}

class FilePump {
  readonly #res: BodySink;
  readonly #fd: number;
  readonly #ranges: readonly ByteRange[];
  readonly #partType: string | null;
  readonly #total: number;
  readonly #multipart: boolean;
  #index = 0;
  /** Next byte of the current range; -1 while its part header is still to be written. */
  #pos: number;
  #released = false;

  constructor(res: BodySink, fd: number, ranges: readonly ByteRange[], partType: string | null, total: number) {
    this.#res = res;
    this.#fd = fd;
    this.#ranges = ranges;
    this.#partType = partType;
    this.#total = total;
    this.#multipart = ranges.length > 1;
    this.#pos = this.#multipart ? -1 : (ranges[0]?.start ?? 0);
    res.once('close', this.#onClose);
  }

  readonly run = (): void => {
    if (this.#released) return;
    const res = this.#res;
    try {
      for (let sent = 0; sent < RUN_BYTES; ) {
        if (res.destroyed) return this.#release();
        const chunk = this.#next();
        if (chunk === null) {
          this.#release();
          if (this.#multipart) res.end(MULTIPART_END);
          else res.end();
          return;
        }
        if (typeof chunk !== 'string' && chunk.data.length === 0) {
          // the file shrank after fstat(): the promised length cannot be met
          this.#release();
          res.destroy();
          return;
        }
        sent += typeof chunk === 'string' ? chunk.length : chunk.data.length;
        if (!(typeof chunk === 'string' ? res.write(chunk) : res.write(chunk.data, recycler(chunk.buffer)))) {
          res.once('drain', this.run);
          return;
        }
      }
      setImmediate(this.run);
    } catch {
      this.#release();
      res.destroy();
    }
  };

  /**
   * The next piece of the body: a part header, a file chunk (`data` empty: short read; `buffer` is what
   * to recycle), or null at the end.
   */
  #next(): { readonly data: Buffer; readonly buffer: Buffer } | string | null {
    const range = this.#ranges[this.#index];
    if (range === undefined) return null;
    if (this.#pos < 0) {
      this.#pos = range.start;
      return partHeader(this.#partType, range, this.#total, this.#index === 0);
    }
    const want = Math.min(CHUNK, range.end - this.#pos + 1);
    const buffer = takeBuffer();
    const n = readSync(this.#fd, buffer, 0, want, this.#pos);
    if (n === 0) return { data: buffer.subarray(0, 0), buffer };
    this.#pos += n;
    if (this.#pos > range.end) {
      this.#index++;
      const after = this.#ranges[this.#index];
      this.#pos = after === undefined ? 0 : this.#multipart ? -1 : after.start;
    }
    return { data: n === buffer.length ? buffer : buffer.subarray(0, n), buffer };
  }

  readonly #onClose = (): void => {
    this.#res.off('drain', this.run);
    this.#release();
  };

  #release(): void {
    if (this.#released) return;
    this.#released = true;
    closeSync(this.#fd);
  }
}
