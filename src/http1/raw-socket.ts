/**
 * RawSocket: an accepted client connection driven through its libuv handle (src/net/stream-binding.ts)
 * instead of a `net.Socket`: what the engine needs of a socket (engine-socket.ts) with net.Socket's
 * meaning, without node's Readable / Writable state machines — building and tearing those down is most
 * of what a short connection (a WebSocket handshake) costs in user space.
 *
 *   reads      into the engine's shared buffer, handed to one reader callback (`setReader`); EOF → 'end';
 *              pause() / resume() stop and start the handle's reading; nothing is read until resume()
 *   writes     latin1 strings and buffers with completion callbacks (run on a later tick when the kernel
 *              took the bytes at once, as net.Socket runs them), cork / uncork (one writev),
 *              writableLength (bytes not yet written), 'drain' after a write returned false and the
 *              queue emptied; an empty write's callback runs once everything before it is written
 *   end        FIN after what is queued; the connection closes when both sides are done (half-open
 *              allowed, as the engine's sockets are); destroySoon() ends and closes once written
 *   destroy    closes the handle; 'error' (only if listened to) then 'close' follow
 *
 * `detach()` hands the handle to a new owner (a net.Socket for a module that needs a Duplex, or a
 * HandleStream for a tunnel); the RawSocket then stays behind as a stand-in whose destroy() and
 * 'close' are wired to the new owner by whoever took it.
 */
import { EventEmitter } from 'node:events';
import { getSystemErrorName } from 'node:util';
import { errnoError } from '../net/errno-error.js';
import { UV_EOF, type StreamBinding, type StreamHandle } from '../net/stream-binding.js';
import { forgetHandle, writeToHandle, type HandleWrite, type WriteOwner } from '../net/handle-write.js';
import type { EngineSocket, WriteCallback } from './engine-socket.js';

/** An accepted TCP / Pipe handle (the address getters are TCP's). */
export type AcceptedHandle = StreamHandle & {
  getpeername?: (out: Record<string, unknown>) => number;
  getsockname?: (out: Record<string, unknown>) => number;
};

/** Reads: `n` bytes at the start of `buf` (valid only during the call). */
export type RawReader = (n: number, buf: Buffer) => void;

/** write() answers false from this many unwritten bytes on (net.Socket's default high-water mark). */
const HIGH_WATER = 16 * 1024;

/** What a write in flight owes when it completes: write() callbacks, or writeNow()'s `done`. */
interface Pending {
  callbacks: WriteCallback[] | null;
  direct: ((status: number) => void) | null;
}

type RawWrite = HandleWrite<Pending>;

function noRead(): void {
  // reads of a closed handle: none come
}

function runCallbacks(callbacks: WriteCallback[], err: Error | null): void {
  for (const cb of callbacks) cb(err);
}

export class RawSocket extends EventEmitter implements EngineSocket, WriteOwner<Pending> {
  readonly #b: StreamBinding;
  #handle: AcceptedHandle | null;
  readonly #buffer: Buffer;
  #reader: RawReader | null = null;
  #paused = true;
  #reading = false;
  #eof = false;
  #queued = 0;
  #corked = 0;
  #corkChunks: Buffer[] = [];
  #corkCallbacks: WriteCallback[] = [];
  /** The last write still in flight (an empty write's callback waits for it). */
  #tail: RawWrite | null = null;
  #needDrain = false;
  #ended = false;
  #finished = false;
  #destroyOnFinish = false;
  #destroyed = false;
  #error: Error | null = null;
  #peer: Record<string, unknown> | null = null;
  #local: Record<string, unknown> | null = null;
  /** After detach(): what destroy() does (closes the new owner). */
  standInDestroy: (() => void) | null = null;

  /** Wraps an accepted `handle`; reads go into `buffer` (shared by every connection) once resume() is called. */
  constructor(binding: StreamBinding, handle: AcceptedHandle, buffer: Buffer) {
    super();
    this.#b = binding;
    this.#handle = handle;
    this.#buffer = buffer;
    handle.useUserBuffer(buffer);
    handle.onread = this.#onRead;
  }

  readonly #onRead = (): void => {
    const n = this.#b.state[this.#b.readBytesOrError] ?? 0;
    if (n > 0) {
      this.#reader?.(n, this.#buffer);
      return;
    }
    if (n === 0) return;
    if (n !== UV_EOF) {
      this.destroy(errnoError(n, 'read'));
      return;
    }
    this.#eof = true;
    this.#reading = false;
    this.emit('end');
    if (this.#finished && !this.#destroyed) this.destroy();
  };

  /** Where reads go (the engine's shared-read callback). */
  setReader(reader: RawReader): void {
    this.#reader = reader;
  }

  /** The handle while this object drives it (null once detached). */
  get handle(): AcceptedHandle | null {
    return this.#handle;
  }

  get destroyed(): boolean {
    return this.#destroyed;
  }

  get writableLength(): number {
    let n = this.#queued;
    for (const c of this.#corkChunks) n += c.length;
    return n;
  }

  get writableCorked(): number {
    return this.#corked;
  }

  get writableEnded(): boolean {
    return this.#ended;
  }

  /** The peer's FIN was read. */
  get readableEnded(): boolean {
    return this.#eof;
  }

  #address(local: boolean): Record<string, unknown> {
    const cached = local ? this.#local : this.#peer;
    if (cached !== null) return cached;
    const out: Record<string, unknown> = {};
    const h = this.#handle;
    const get = h === null ? undefined : local ? h.getsockname : h.getpeername;
    if (h !== null && get !== undefined) get.call(h, out);
    if (local) this.#local = out;
    else this.#peer = out;
    return out;
  }

  get remoteAddress(): string | undefined {
    const a = this.#address(false).address;
    return typeof a === 'string' ? a : undefined;
  }

  get remotePort(): number | undefined {
    const p = this.#address(false).port;
    return typeof p === 'number' ? p : undefined;
  }

  get localAddress(): string | undefined {
    const a = this.#address(true).address;
    return typeof a === 'string' ? a : undefined;
  }

  get localPort(): number | undefined {
    const p = this.#address(true).port;
    return typeof p === 'number' ? p : undefined;
  }

  setNoDelay(on: boolean): void {
    this.#handle?.setNoDelay?.(on);
  }

  isPaused(): boolean {
    return this.#paused;
  }

  resume(): this {
    this.#paused = false;
    const h = this.#handle;
    if (this.#reading || this.#eof || this.#destroyed || h === null) return this;
    this.#reading = true;
    const err = h.readStart();
    if (err < 0) this.#failSoon(err, 'read');
    return this;
  }

  pause(): this {
    this.#paused = true;
    if (!this.#reading) return this;
    this.#reading = false;
    if (!this.#destroyed) this.#handle?.readStop();
    return this;
  }

  cork(): void {
    this.#corked++;
  }

  uncork(): void {
    if (this.#corked === 0 || --this.#corked > 0) return;
    const chunks = this.#corkChunks;
    if (chunks.length === 0) return;
    const callbacks = this.#corkCallbacks;
    this.#corkChunks = [];
    this.#corkCallbacks = [];
    let bytes = 0;
    for (const c of chunks) bytes += c.length;
    this.#send(chunks.length === 1 ? (chunks[0] as Buffer) : chunks, bytes, callbacks);
    // a write that returned false while corked: 'drain' once the queue is empty, even if the kernel took it all now
    if (this.#needDrain && this.#queued === 0) process.nextTick(this.#drainIfEmpty);
  }

  readonly #drainIfEmpty = (): void => {
    if (!this.#needDrain || this.#queued !== 0 || this.#destroyed) return;
    this.#needDrain = false;
    this.emit('drain');
  };

  write(data: string | Uint8Array, encoding: BufferEncoding, cb?: WriteCallback): boolean;
  write(data: Uint8Array, cb?: WriteCallback): boolean;
  write(data: string | Uint8Array, encoding?: BufferEncoding | WriteCallback, cb?: WriteCallback): boolean {
    const callback = typeof encoding === 'function' ? encoding : cb;
    const enc = typeof encoding === 'string' ? encoding : undefined;
    if (this.#ended || this.#destroyed || this.#handle === null) {
      if (callback) process.nextTick(callback, new Error(this.#destroyed ? 'write after destroy' : 'write after end'));
      return false;
    }
    const callbacks = callback ? [callback] : [];
    if (typeof data === 'string' && this.#corked === 0 && data.length > 0 && (enc === 'latin1' || enc === 'binary')) {
      this.#send(data, data.length, callbacks);
      return this.#answer();
    }
    const buf = typeof data === 'string' ? Buffer.from(data, enc ?? 'utf8') : Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    if (this.#corked > 0) {
      this.#corkChunks.push(buf);
      for (const c of callbacks) this.#corkCallbacks.push(c);
      return this.#answer();
    }
    if (buf.length === 0) {
      // nothing to write: done once what is in flight is
      const tail = this.#tail;
      const pending = tail?.token;
      if (pending) pending.callbacks = [...(pending.callbacks ?? []), ...callbacks];
      else for (const c of callbacks) process.nextTick(c, null);
      return this.#answer();
    }
    this.#send(buf, buf.length, callbacks);
    return this.#answer();
  }

  #answer(): boolean {
    const ok = this.writableLength < HIGH_WATER;
    if (!ok) this.#needDrain = true;
    return ok;
  }

  /** Issues one write (a latin1 string, a buffer, or several); callbacks run on a later tick (sync) or when it completes. */
  #send(data: string | Buffer | Buffer[], bytes: number, callbacks: WriteCallback[]): void {
    const r = writeToHandle(this.#b, this.#handle as AcceptedHandle, data, bytes, this, null);
    if (typeof r !== 'number') {
      r.token = { callbacks: callbacks.length > 0 ? callbacks : null, direct: null };
      this.#queued += bytes;
      this.#tail = r;
      return;
    }
    if (r < 0) {
      const e = errnoError(r, 'write');
      for (const c of callbacks) process.nextTick(c, e);
      this.destroy(e);
      return;
    }
    for (const c of callbacks) process.nextTick(c, null);
  }

  /**
   * Writes a latin1 string now when nothing is queued, corked or ended: 'sync' (the kernel took it
   * all), 'async' (`done` follows, once), 'failed' (destroyed), or 'queued-path' (nothing written:
   * use write()). socket-io.ts's writeDirect for this kind of socket.
   */
  writeNow(text: string, done: (status: number) => void): 'sync' | 'async' | 'failed' | 'queued-path' {
    const h = this.#handle;
    if (h === null || this.#queued !== 0 || this.#corked !== 0 || this.#ended || this.#destroyed) return 'queued-path';
    const r = writeToHandle(this.#b, h, text, text.length, this, null);
    if (typeof r !== 'number') {
      r.token = { callbacks: null, direct: done };
      this.#queued += text.length;
      this.#tail = r;
      return 'async';
    }
    if (r < 0) {
      this.destroy(errnoError(r, 'write'));
      return 'failed';
    }
    return 'sync';
  }

  /** A write in flight ended (handle-write.ts); not for other callers. */
  written(req: RawWrite, status: number): void {
    const pending = req.token;
    req.token = null;
    this.#queued -= req.bytes;
    if (this.#tail === req) this.#tail = null;
    const err = status < 0 ? errnoError(status, 'write') : null;
    if (err !== null && !this.#destroyed) this.destroy(err);
    pending?.direct?.(status);
    if (pending?.callbacks) runCallbacks(pending.callbacks, err);
    if (err === null) this.#drainIfEmpty();
  }

  /** FIN once everything queued is written (libuv orders the shutdown after pending writes). */
  end(): this {
    if (this.#ended || this.#destroyed) return this;
    if (this.#corked > 0) {
      this.#corked = 1;
      this.uncork();
    }
    this.#ended = true;
    const h = this.#handle;
    if (this.#destroyed || h === null) return this;
    const req = this.#b.newShutdownReq(h, (status) => this.#shutDown(status));
    const err = h.shutdown(req);
    if (err < 0) process.nextTick(() => this.#shutDown(err));
    return this;
  }

  #shutDown(status: number): void {
    if (this.#destroyed) return;
    this.#finished = true;
    // ENOTCONN: the peer is gone already; 'close' follows either way
    if (status < 0 && getSystemErrorName(status) !== 'ENOTCONN') {
      this.destroy(errnoError(status, 'shutdown'));
      return;
    }
    if (this.#eof || this.#destroyOnFinish) this.destroy();
  }

  /** Ends the write side and closes once that is done. */
  destroySoon(): void {
    if (this.#destroyed) return;
    if (this.#finished) {
      this.destroy();
      return;
    }
    this.#destroyOnFinish = true;
    this.end();
  }

  #failSoon(status: number, syscall: string): void {
    process.nextTick(() => {
      if (!this.#destroyed) this.destroy(errnoError(status, syscall));
    });
  }

  /** Closes the handle now (queued bytes are dropped); 'error' (if `err` and listened to) and 'close' follow. */
  destroy(err?: Error): this {
    if (this.#destroyed) return this;
    this.#destroyed = true;
    this.#reading = false;
    this.#error = err ?? null;
    const corked = this.#corkCallbacks;
    this.#corkChunks = [];
    this.#corkCallbacks = [];
    for (const c of corked) process.nextTick(c, new Error('socket destroyed'));
    const h = this.#handle;
    if (h === null) {
      this.standInDestroy?.();
      return this;
    }
    // nothing may keep a closed handle, and through its callbacks this socket and the engine's
    // connection, alive: the spare write request lets go of it, its read callback is dropped
    h.onread = noRead;
    forgetHandle(h);
    h.close(this.#onClosed);
    return this;
  }

  readonly #onClosed = (): void => {
    this.#reader = null;
    const err = this.#error;
    if (err !== null && this.listenerCount('error') > 0) this.emit('error', err);
    this.emit('close', err !== null);
  };

  /**
   * Gives the handle away (not reading any more, nothing of it used here again); null when destroyed.
   * Writes in flight still complete here. The stand-in left behind is closed by `closedElsewhere`.
   */
  detach(): AcceptedHandle | null {
    const h = this.#handle;
    if (h === null || this.#destroyed) return null;
    if (this.#reading) h.readStop();
    this.#reading = false;
    this.#handle = null;
    this.#reader = null;
    h.onread = noRead;
    forgetHandle(h);
    return h;
  }

  /** The handle's new owner closed it: the stand-in closes too ('close' for whoever counts it). */
  closedElsewhere(): void {
    if (this.#closedOnce) return;
    this.#closedOnce = true;
    this.#destroyed = true;
    this.emit('close', false);
  }

  #closedOnce = false;
}
