/**
 * A connected TCP or Unix stream driven through its libuv handle directly (stream-binding.ts), for
 * connections whose whole life is a few reads and writes: no Readable / Writable state machines, no
 * per-write tick, reads into a caller's buffer. It offers the part of `net.Socket` the WebSocket
 * tunnel uses, with the same meaning:
 *
 *   write / cork / uncork / writableLength / bytesWritten, end() (FIN after what is queued),
 *   destroy(), pause() / resume() (reading), and one listener each for 'end' (the peer's FIN),
 *   'close' (the handle is closed), 'error' (then 'close'), 'drain' (nothing queued any more).
 *
 * Differences that callers must accept: write callbacks may run before write() returns (when the
 * kernel took the bytes at once), 'drain' may come without an earlier write() returning false, and
 * `on` keeps one listener per event (a second replaces the first).
 */
import { getSystemErrorName } from 'node:util';
import { errnoError } from './errno-error.js';
import { UV_EOF, type StreamBinding, type StreamHandle } from './stream-binding.js';
import { forgetHandle, writeToHandle, type HandleWrite, type WriteOwner } from './handle-write.js';

/** Where reads go: `n` bytes at the start of `buffer` (valid only during the call). */
export interface HandleReads {
  readonly buffer: Uint8Array;
  readonly callback: (n: number) => unknown;
}

/** write() answers false from this many queued bytes on (net.Socket's default high-water mark). */
const HIGH_WATER = 16 * 1024;

type Listener = () => void;
type ErrorListener = (err: NodeJS.ErrnoException) => void;
type EventName = 'end' | 'close' | 'drain' | 'error';

/** A write in flight; its token is the write's callback (corked writes: one that runs them all). */
type StreamWrite = HandleWrite<() => void>;

function runAll(callbacks: Array<() => void>): () => void {
  return () => {
    for (const cb of callbacks) cb();
  };
}

export class HandleStream implements WriteOwner<() => void> {
  readonly #b: StreamBinding;
  readonly #handle: StreamHandle;
  readonly #allowHalfOpen: boolean;
  #queued = 0;
  #corked = 0;
  #corkedChunks: Uint8Array[] = [];
  #corkedCallbacks: Array<() => void> = [];
  #reading = false;
  #eof = false;
  #ended = false;
  #finished = false;
  #destroyed = false;
  #closed = false;
  bytesWritten = 0;
  /** Runs after the 'close' listener (for whoever owns the stream besides its user). */
  closeHook: (() => void) | null = null;
  #onEnd: Listener | null = null;
  #onClose: Listener | null = null;
  #onDrain: Listener | null = null;
  #onError: ErrorListener | null = null;

  /**
   * Wraps a connected `handle`; reads go to `reads` once resume() is called. `allowHalfOpen` false:
   * the peer's FIN ends the write side too (after what is queued), as net.Socket does by default.
   * `reading`: the handle is reading already (reads go to `reads` from now on; pause() stops them).
   */
  constructor(binding: StreamBinding, handle: StreamHandle, reads: HandleReads, allowHalfOpen: boolean, reading = false) {
    this.#b = binding;
    this.#reading = reading;
    this.#handle = handle;
    this.#allowHalfOpen = allowHalfOpen;
    handle.useUserBuffer(reads.buffer);
    const state = binding.state;
    const at = binding.readBytesOrError;
    handle.onread = (): void => {
      const n = state[at] as number;
      if (n > 0) reads.callback(n);
      else if (n < 0) this.#readFailed(n);
    };
  }

  get writableLength(): number {
    return this.#queued;
  }

  get writable(): boolean {
    return !this.#ended && !this.#destroyed;
  }

  get writableEnded(): boolean {
    return this.#ended;
  }

  get destroyed(): boolean {
    return this.#destroyed;
  }

  on(event: 'end' | 'close' | 'drain', listener: Listener): this;
  on(event: 'error', listener: ErrorListener): this;
  // (a listener without parameters is an ErrorListener too: the union is that type)
  on(event: EventName, listener: ErrorListener): this {
    if (event === 'error') this.#onError = listener;
    else if (event === 'end') this.#onEnd = listener as Listener;
    else if (event === 'close') this.#onClose = listener as Listener;
    else this.#onDrain = listener as Listener;
    return this;
  }

  off(event: 'end' | 'close' | 'drain', listener: Listener): this;
  off(event: 'error', listener: ErrorListener): this;
  off(event: EventName, listener: ErrorListener): this {
    if (event === 'error' && this.#onError === listener) this.#onError = null;
    else if (event === 'end' && this.#onEnd === listener) this.#onEnd = null;
    else if (event === 'close' && this.#onClose === listener) this.#onClose = null;
    else if (event === 'drain' && this.#onDrain === listener) this.#onDrain = null;
    return this;
  }

  setNoDelay(on: boolean): void {
    this.#handle.setNoDelay?.(on);
  }

  /** Starts (or continues) reading. */
  resume(): void {
    if (this.#reading || this.#eof || this.#destroyed) return;
    this.#reading = true;
    const err = this.#handle.readStart();
    if (err < 0) this.#failSoon(err, 'read');
  }

  pause(): void {
    if (!this.#reading) return;
    this.#reading = false;
    if (!this.#destroyed) this.#handle.readStop();
  }

  cork(): void {
    this.#corked++;
  }

  uncork(): void {
    if (this.#corked === 0 || --this.#corked > 0) return;
    const chunks = this.#corkedChunks;
    if (chunks.length === 0) return;
    const callbacks = this.#corkedCallbacks;
    this.#corkedChunks = [];
    this.#corkedCallbacks = [];
    let bytes = 0;
    for (const c of chunks) bytes += c.length;
    this.#queued -= bytes; // #dispatch counts them again
    const callback = callbacks.length === 0 ? null : callbacks.length === 1 ? (callbacks[0] as () => void) : runAll(callbacks);
    this.#dispatch(chunks.length === 1 ? (chunks[0] as Uint8Array) : chunks, bytes, callback);
    // the kernel took them at once: whoever waited for the queue to empty learns it now
    if (this.#queued === 0 && !this.#destroyed) this.#onDrain?.();
  }

  /** Queues `data`; `callback` runs once the kernel has it (possibly before write() returns). */
  write(data: Uint8Array, callback?: () => void): boolean {
    if (this.#ended || this.#destroyed) return false;
    if (this.#corked > 0) {
      this.#corkedChunks.push(data);
      if (callback) this.#corkedCallbacks.push(callback);
      this.#queued += data.length;
    } else {
      this.#dispatch(data, data.length, callback ?? null);
    }
    return this.#queued < HIGH_WATER;
  }

  /** Writes a latin1 string (an HTTP head) without making a Buffer of it first. */
  writeLatin1(text: string): void {
    if (this.#ended || this.#destroyed) return;
    if (this.#corked > 0) {
      this.write(Buffer.from(text, 'latin1'));
      return;
    }
    this.#dispatch(text, text.length, null);
  }

  #dispatch(data: string | Uint8Array | Uint8Array[], bytes: number, callback: (() => void) | null): void {
    const r = writeToHandle(this.#b, this.#handle, data, bytes, this, callback);
    if (typeof r !== 'number') {
      this.#queued += bytes;
      return;
    }
    if (r < 0) {
      this.#failSoon(r, 'write');
      return;
    }
    this.bytesWritten += bytes;
    if (callback !== null) callback();
  }

  /** An asynchronous write ended (handle-write.ts); not for other callers. */
  written(req: StreamWrite, status: number): void {
    const callback = req.token;
    req.token = null;
    this.#queued -= req.bytes;
    if (status >= 0) this.bytesWritten += req.bytes;
    if (callback !== null) callback();
    if (status < 0) {
      if (!this.#destroyed) this.#fail(errnoError(status, 'write'));
      return;
    }
    if (this.#queued === 0 && !this.#destroyed) this.#onDrain?.();
  }

  /** FIN once everything queued is written (libuv orders the shutdown after pending writes). */
  end(): void {
    if (this.#ended || this.#destroyed) return;
    this.#corked = 1;
    this.uncork();
    this.#ended = true;
    if (this.#destroyed) return; // the flush failed
    const req = this.#b.newShutdownReq(this.#handle, (status) => this.#shutDown(status));
    const err = this.#handle.shutdown(req);
    if (err < 0) this.#shutDown(err);
  }

  #shutDown(status: number): void {
    if (this.#destroyed) return;
    // ENOTCONN: the peer is gone already; 'close' follows either way
    this.#finished = true;
    if (status < 0 && getSystemErrorName(status) !== 'ENOTCONN') {
      this.#fail(errnoError(status, 'shutdown'));
      return;
    }
    if (this.#eof) this.destroy();
  }

  #readFailed(n: number): void {
    if (this.#destroyed) return;
    if (n !== UV_EOF) {
      this.#fail(errnoError(n, 'read'));
      return;
    }
    this.#eof = true;
    this.#reading = false;
    this.#onEnd?.();
    if (this.#destroyed) return;
    if (!this.#allowHalfOpen) this.end();
    if (this.#finished) this.destroy();
  }

  #failSoon(status: number, syscall: string): void {
    process.nextTick(() => {
      if (!this.#destroyed) this.#fail(errnoError(status, syscall));
    });
  }

  #fail(err: NodeJS.ErrnoException): void {
    this.#onError?.(err);
    this.destroy();
  }

  /** Closes the handle at once (queued writes are dropped); 'close' follows. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#reading = false;
    // corked bytes are dropped; their callbacks run, as in-flight ones do when libuv cancels them
    const callbacks = this.#corkedCallbacks;
    for (const c of this.#corkedChunks) this.#queued -= c.length;
    this.#corkedChunks = [];
    this.#corkedCallbacks = [];
    for (const cb of callbacks) cb();
    forgetHandle(this.#handle);
    this.#handle.close(() => {
      this.#closed = true;
      this.#onClose?.();
      this.closeHook?.();
    });
  }

  /** True once the handle is closed ('close' has been emitted). */
  get closed(): boolean {
    return this.#closed;
  }
}
