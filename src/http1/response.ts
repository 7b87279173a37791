/**
 * HttpResponse: one HTTP/1.x response on an engine connection. It keeps the method names modules know
 * from node's ServerResponse (setHeader … writeHead, write → boolean + 'drain', end, 'finish' / 'close')
 * and writes lighttpd's header block itself (header-block.ts).
 *
 * Framing, decided when the head goes out (after the first write or at end, so a body given whole to
 * end() gets a Content-Length as lighttpd sends it): the handler's Content-Length; else, with the whole
 * body known, its length; else chunked for HTTP/1.1 and close-delimited for HTTP/1.0. HEAD, 1xx, 204 and
 * 304 carry no body (written bytes are dropped). Head and a small body go out in one socket write;
 * a body given as a latin1 string (`end(text, 'latin1')`) is written without any Buffer.
 * Writing after end, or headers after the head, is ignored rather than thrown: a late module never
 * crashes the server.
 */
import type { Socket } from 'node:net';
import type { EngineSocket } from './engine-socket.js';
import type { BodyFilter } from './body-filter.js';
import { dateLine, headerBlock, type BlockInfo, type HeaderValue } from './header-block.js';
import type { HeaderTemplate } from './header-template.js';
import { LazyEmitter } from './lazy-emitter.js';
import { checkHeader, lowerOf } from './response-checks.js';
import { writeDirect, type WriteDone } from './socket-io.js';

export type { HeaderValue } from './header-block.js';

/** What a response needs from its connection. */
export interface ResponseOwner {
  /** The request body was received completely and handed on (otherwise keep-alive ends, as lighttpd does). */
  bodyComplete(): boolean;
  /** The head is going out now. */
  responseStarted(res: HttpResponse): void;
  /** Bytes were handed to the socket (write progress for server.max-write-idle). */
  wrote(): void;
  /** The response is complete and flushed. */
  responseDone(res: HttpResponse, keepAlive: boolean): void;
  /** The response was destroyed: drop the connection. */
  abort(res: HttpResponse): void;
  /** The connection as a net.Socket (made on first use when the engine runs it raw). */
  readonly socket: Socket;
  /** The write callback of a response's last bytes (one function per connection, no closure per response). */
  readonly endCallback: (err?: Error | null) => void;
  /** The completion of end()'s bytes written straight to the handle that the kernel did not take at once. */
  readonly directDone: WriteDone;
  /** All of the response reached the kernel during end(): call `res.ended(null)` soon, not from within end(). */
  flushedNow(res: HttpResponse): void;
}

/** What the core hangs on a response: one object instead of listeners and closures. */
export interface ResponseHooks {
  /** Once, when the head is committed (response-start hooks); may still change status and headers. */
  beforeHead(res: HttpResponse): void;
  /** Once: the response finished (`aborted`: the connection went away or it was destroyed first). */
  done(res: HttpResponse, aborted: boolean): void;
}

/** Bodies up to this size are copied behind the head into one write. */
const COALESCE_LIMIT = 16 * 1024;
const LAST_CHUNK = '0\r\n\r\n';
const CRLF = Buffer.from('\r\n', 'latin1');
const EMPTY = Buffer.alloc(0);

/** Scratch for the block's facts (filled and used synchronously, so one object serves every response). */
const BLOCK: { -readonly [K in keyof BlockInfo]: BlockInfo[K] } = { version: 'HTTP/1.1', status: 200, reason: '', connection: '', framing: '', serverTag: '' };

/** The empty header list every response starts with (frozen: copied before the first change). */
const NO_NAMES: string[] = [];
const NO_VALUES: HeaderValue[] = [];
Object.freeze(NO_NAMES);
Object.freeze(NO_VALUES);

/** Body bytes on their way out: a Buffer, or a latin1 string (one char per byte, written as such). */
type Payload = Buffer | string;

type WriteCallback = (err?: Error | null) => void;

/** A latin1 string stays a string (the cheapest thing to write); anything else becomes a Buffer. */
function toPayload(chunk: string | Uint8Array, encoding: BufferEncoding | undefined): Payload {
  if (typeof chunk === 'string') return encoding === 'latin1' || encoding === 'binary' ? chunk : Buffer.from(chunk, encoding ?? 'utf8');
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

function withLastChunk(body: Payload | false): Payload {
  if (body === false) return LAST_CHUNK;
  return typeof body === 'string' ? body + LAST_CHUNK : Buffer.concat([body, Buffer.from(LAST_CHUNK, 'latin1')]);
}

/** One response (see the file header). */
export class HttpResponse extends LazyEmitter implements NodeJS.WritableStream {
  statusCode = 200;
  /** Reason phrase; empty → lighttpd's phrase for the status. */
  statusMessage = '';
  /** Whether the connection may stay open afterwards (the core clears it; the engine has the last word). */
  shouldKeepAlive: boolean;
  /** Status-line version: the request's, or HTTP/1.0 when unknown or `server.protocol-http11` is off. */
  version: 'HTTP/1.0' | 'HTTP/1.1';
  /** `Server` value when the handler set none; empty → none. */
  serverTag = '';
  /** The core's hooks (response start, request done). */
  hooks: ResponseHooks | null = null;
  /** The request was HEAD: the body is not sent. */
  readonly isHead: boolean;
  /** `server.max-keep-alive-idle` after this response (seconds; the core sets the request's value). */
  keepAliveIdle = 5;
  /** `server.max-read-idle` while this request's body is read (seconds). */
  readIdle = 60;
  /** `server.max-write-idle` while this response is written (seconds). */
  writeIdle = 360;
  /** Bytes of the header block sent (0 until it is). */
  headerBytes = 0;
  /** Body bytes accepted for sending (without chunk framing). */
  bodyBytes = 0;
  writableEnded = false;
  writableFinished = false;
  destroyed = false;

  #socket: EngineSocket;
  readonly #owner: ResponseOwner;
  // the header list: spelling, lower-case name, value; shared (with NO_HEADERS or a template) until changed
  #names: string[] = NO_NAMES;
  #lowers: string[] = NO_NAMES;
  #values: HeaderValue[] = NO_VALUES;
  #shared = true;
  /** The template the list still is, untouched (null: an ordinary list). */
  #template: HeaderTemplate | null = null;
  #committed = false;
  #hooked = false;
  #endCb: (() => void) | undefined = undefined;
  #flushed = false;
  #chunked = false;
  #noBody = false;
  /** Declared Content-Length (null: none). */
  #length: number | null = null;
  #keepAlive = false;
  #needDrain = false;
  #closed = false;
  /** end()'s bytes went straight to the handle and are not all written yet (owner.directDone follows). */
  #inFlight = false;
  /** The body's filter (body-filter.ts), set by a response-start hook; null for nearly every response. */
  #filter: BodyFilter | null = null;
  /** The filtered body's whole length when the filter knows it before its first byte (null: unknown). */
  #declared: number | null = null;
  /** The length end() was given when it committed the head (-1: the head was committed otherwise). */
  #endLength = -1;

  constructor(socket: EngineSocket, owner: ResponseOwner, version: 'HTTP/1.0' | 'HTTP/1.1', keepAlive: boolean, isHead: boolean) {
    super();
    this.#socket = socket;
    this.#owner = owner;
    this.version = version;
    this.shouldKeepAlive = keepAlive;
    this.isHead = isHead;
  }

  /** The connection as a net.Socket (see HttpRequest.socket). */
  get socket(): Socket {
    return this.#owner.socket;
  }

  /** The connection now drives `socket` (made around the raw handle it wrote to so far). */
  moveTo(socket: EngineSocket): void {
    this.#socket = socket;
  }

  /** The head is committed (writeHead was called or a body write started): headers are frozen. */
  get headersSent(): boolean {
    return this.#committed;
  }

  get writable(): boolean {
    return !this.writableEnded && !this.destroyed;
  }

  /** True while a write returned false and 'drain' has not come yet (Readable.pipe reads this). */
  get writableNeedDrain(): boolean {
    return this.#needDrain;
  }

  /**
   * The whole body's length as far as a response-start hook can know it: the Content-Length set, else
   * what end() was given when end() committed the head; -1 when the body is still to be streamed.
   */
  get knownLength(): number {
    const i = this.#find('content-length');
    if (i >= 0) {
      const n = Number(this.#values[i]);
      return Number.isInteger(n) && n >= 0 ? n : -1;
    }
    return this.#endLength;
  }

  /** Puts `filter` between the handler and the socket (only before the head is flushed). */
  setBodyFilter(filter: BodyFilter): void {
    if (!this.#flushed) this.#filter = filter;
  }

  /**
   * Lets a body filter change status and headers after the head was committed but before it was sent
   * (a decision that needed the first body bytes); false when the head is already out.
   */
  editHead(edit: () => void): boolean {
    if (this.#flushed || !this.#committed) return false;
    this.#committed = false;
    try {
      edit();
    } finally {
      this.#committed = true;
    }
    return true;
  }

  /** What the engine decided when the head went out. */
  get keptAlive(): boolean {
    return this.#keepAlive;
  }

  #find(lower: string): number {
    const l = this.#lowers;
    for (let i = 0; i < l.length; i++) if (l[i] === lower) return i;
    return -1;
  }

  /** Makes the header list this response's own before a change (it is no template any more). */
  #own(): void {
    this.#template = null;
    if (!this.#shared) return;
    this.#shared = false;
    this.#names = this.#names.slice();
    this.#lowers = this.#lowers.slice();
    this.#values = this.#values.slice();
  }

  /**
   * Sets every header of `t` (see header-template.ts): on a response without headers yet the list is
   * the template's until something changes it; otherwise the headers are set one by one.
   */
  setHeaderTemplate(t: HeaderTemplate): this {
    if (this.#committed) return this;
    if (this.#names.length !== 0) {
      for (let i = 0; i < t.names.length; i++) this.setHeader(t.names[i] ?? '', t.values[i] ?? '');
      return this;
    }
    this.#names = t.names as string[];
    this.#lowers = t.lowers as string[];
    this.#values = t.values as HeaderValue[];
    this.#shared = true;
    this.#template = t;
    return this;
  }

  setHeader(name: string, value: HeaderValue): this {
    if (this.#committed) return this;
    const lower = checkHeader(name, value);
    const v = typeof value === 'object' ? [...value] : value;
    this.#own();
    const i = this.#find(lower);
    if (i >= 0) {
      this.#names[i] = name;
      this.#values[i] = v;
    } else {
      this.#names.push(name);
      this.#lowers.push(lower);
      this.#values.push(v);
    }
    return this;
  }

  /** Adds a value to a header (a second value makes it a list, sent as separate lines). */
  appendHeader(name: string, value: HeaderValue): this {
    if (this.#committed) return this;
    const i = this.#find(lowerOf(name));
    if (i < 0) return this.setHeader(name, value);
    checkHeader(name, value);
    this.#own();
    const prev = this.#values[i] ?? '';
    const add = typeof value === 'object' ? value : [String(value)];
    this.#values[i] = [...(typeof prev === 'object' ? prev : [String(prev)]), ...add];
    return this;
  }

  getHeader(name: string): HeaderValue | undefined {
    const i = this.#find(lowerOf(name));
    return i < 0 ? undefined : this.#values[i];
  }

  hasHeader(name: string): boolean {
    return this.#find(lowerOf(name)) >= 0;
  }

  removeHeader(name: string): void {
    if (this.#committed) return;
    const i = this.#find(lowerOf(name));
    if (i < 0) return;
    this.#own();
    this.#names.splice(i, 1);
    this.#lowers.splice(i, 1);
    this.#values.splice(i, 1);
  }

  getHeaderNames(): string[] {
    return [...this.#lowers];
  }

  /** Headers by lower-case name. */
  getHeaders(): Record<string, HeaderValue> {
    const out: Record<string, HeaderValue> = Object.create(null) as Record<string, HeaderValue>;
    for (let i = 0; i < this.#lowers.length; i++) out[this.#lowers[i] ?? ''] = this.#values[i] ?? '';
    return out;
  }

  /** Sets the status (and headers) and commits the head; it is sent with the first body bytes. */
  writeHead(status: number, reason?: string | Readonly<Record<string, HeaderValue>> | readonly string[], headers?: Readonly<Record<string, HeaderValue>> | readonly string[]): this {
    if (this.#committed) return this;
    this.statusCode = status;
    let list = headers;
    if (typeof reason === 'string') this.statusMessage = reason;
    else list = reason;
    if (Array.isArray(list)) {
      const flat = list as readonly string[];
      for (let i = 0; i + 1 < flat.length; i += 2) this.appendHeader(flat[i] ?? '', flat[i + 1] ?? '');
    } else if (list) {
      for (const [k, v] of Object.entries(list as Readonly<Record<string, HeaderValue>>)) this.setHeader(k, v);
    }
    this.#commit();
    return this;
  }

  #commit(): void {
    if (this.#committed) return;
    if (this.hooks !== null && !this.#hooked) {
      this.#hooked = true;
      this.hooks.beforeHead(this);
    }
    this.#committed = true;
  }

  /** Writes the head now (node's flushHeaders); the body that follows is chunked when no length is known. */
  flushHeaders(): void {
    if (this.destroyed || this.writableEnded) return;
    this.#commit();
    // a filtered body's head goes out with the filter's first bytes (its framing is not known yet)
    if (!this.#flushed && this.#filter === null) this.#send(this.#serialise(null), false);
  }

  /**
   * The head as the header list stands, without committing or sending anything: for a module that
   * writes a response by hand on an upgraded connection. `framing`: `\r\nContent-Length: n` or ''.
   */
  headText(connection: BlockInfo['connection'], framing: string): string {
    return headerBlock(this.#names, this.#lowers, this.#values, { version: this.version, status: this.statusCode, reason: this.statusMessage, connection, framing, serverTag: this.serverTag });
  }

  /** Sends `103 Early Hints` to an HTTP/1.1 client before the head. */
  writeEarlyHints(hints: Readonly<Record<string, string | readonly string[]>>, cb?: () => void): void {
    if (this.version !== 'HTTP/1.1' || this.#flushed || this.destroyed) return;
    let s = 'HTTP/1.1 103 Early Hints';
    for (const [k, v] of Object.entries(hints)) {
      checkHeader(k, v);
      if (k.toLowerCase() === 'link') s += `\r\n${k}: ${typeof v === 'string' ? v : v.join(', ')}`;
      else for (const one of typeof v === 'string' ? [v] : v) s += `\r\n${k}: ${one}`;
    }
    this.#socket.write(`${s}\r\n\r\n`, 'latin1', cb ? () => cb() : undefined);
  }

  /** Decides framing and keep-alive and serialises the head; `total`: the whole body's length when known. */
  #serialise(total: number | null): string {
    const status = this.statusCode;
    this.#noBody = this.isHead || status < 200 || status === 204 || status === 304;
    let framing = '';
    const cl = this.#find('content-length');
    const te = this.#find('transfer-encoding');
    let keepAlive = this.shouldKeepAlive && this.#owner.bodyComplete();
    const conn = this.#find('connection');
    if (conn >= 0 && String(this.#values[conn]).toLowerCase().includes('close')) keepAlive = false;
    if (cl >= 0) {
      const n = Number(this.#values[cl]);
      this.#length = Number.isFinite(n) && n >= 0 ? n : null;
    } else if (te >= 0) {
      this.#chunked = !this.#noBody && String(this.#values[te]).toLowerCase().includes('chunked');
      if (!this.#chunked && !this.#noBody) keepAlive = false;
    } else if (this.#noBody) {
      // lighttpd computes HEAD like GET: a body given whole still announces its length
      if (this.isHead && total !== null && total > 0 && status >= 200 && status !== 204 && status !== 304) framing = `\r\nContent-Length: ${total}`;
    } else if (total !== null) {
      framing = `\r\nContent-Length: ${total}`;
      this.#length = total;
    } else if (this.version === 'HTTP/1.1') {
      framing = '\r\nTransfer-Encoding: chunked';
      this.#chunked = true;
    } else {
      keepAlive = false; // HTTP/1.0 without a length: the end of the connection ends the body
    }
    this.#keepAlive = keepAlive;
    const isUpgrade = status === 101 && this.version === 'HTTP/1.1' && this.#find('upgrade') >= 0;
    const connection = isUpgrade ? 'upgrade' : !keepAlive ? 'close' : this.version === 'HTTP/1.0' ? 'keep-alive' : '';
    const info = BLOCK;
    info.version = this.version;
    info.status = status;
    info.reason = this.statusMessage;
    info.connection = connection;
    info.framing = framing;
    info.serverTag = this.serverTag;
    const t = this.#template;
    const head = t !== null ? t.head(info, dateLine()) : headerBlock(this.#names, this.#lowers, this.#values, info);
    this.headerBytes = head.length;
    this.#owner.responseStarted(this);
    return head;
  }

  /**
   * Hands bytes to the socket (head first, once); `cb` runs when they are flushed. The head and a small
   * body go out as one latin1 string: node writes such a string straight from V8 without a Buffer.
   */
  #send(head: string | null, body: Payload | false, cb?: WriteCallback): boolean {
    const socket = this.#socket;
    if (socket.destroyed) return false;
    this.#owner.wrote();
    let text: string | null = null;
    let ok = true;
    if (head !== null && !this.#flushed) {
      this.#flushed = true;
      if (body === false || body.length === 0) text = head;
      else if (typeof body === 'string') text = this.#template !== null ? this.#template.join(head, body) : head + body;
      else if (body.length <= COALESCE_LIMIT) text = head + body.toString('latin1', 0, body.length);
      else {
        socket.cork();
        socket.write(head, 'latin1');
        ok = socket.write(body, cb);
        socket.uncork();
      }
    } else if (body === false) {
      if (cb) process.nextTick(cb);
    } else if (typeof body === 'string') {
      text = body;
    } else {
      ok = socket.write(body, cb);
    }
    if (text !== null) {
      // end()'s last bytes (no per-write callback): straight to the handle when nothing is queued
      const direct = this.writableEnded && cb === undefined ? writeDirect(socket, text, this.#owner.directDone) : 'queued-path';
      if (direct === 'queued-path') ok = socket.write(text, 'latin1', cb);
      else if (direct === 'async') this.#inFlight = true;
      else if (direct === 'failed') ok = false;
    }
    if (!ok) this.#needDrain = true;
    return ok;
  }

  /** Frames one body chunk (chunked encoding, Content-Length limit); false = nothing to send. */
  #frame(data: Payload): Payload | false {
    if (this.#noBody || data.length === 0) return false;
    if (this.#length !== null) {
      const room = this.#length - this.bodyBytes;
      if (room <= 0) return false;
      if (data.length > room) data = typeof data === 'string' ? data.slice(0, room) : data.subarray(0, room);
    }
    this.bodyBytes += data.length;
    if (!this.#chunked) return data;
    const size = `${data.length.toString(16)}\r\n`;
    return typeof data === 'string' ? `${size}${data}\r\n` : Buffer.concat([Buffer.from(size, 'latin1'), data, CRLF]);
  }

  write(chunk: string | Uint8Array, encoding?: BufferEncoding | WriteCallback, cb?: WriteCallback): boolean {
    const callback = typeof encoding === 'function' ? encoding : cb;
    const enc = typeof encoding === 'function' ? undefined : encoding;
    if (this.writableEnded || this.destroyed) {
      if (callback) process.nextTick(callback, new Error('write after end'));
      return false;
    }
    this.#commit();
    const data = toPayload(chunk, enc);
    if (this.#filter !== null) return this.#filter.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data, callback);
    const head = this.#flushed ? null : this.#serialise(null);
    return this.#send(head, this.#frame(data), callback);
  }

  /** A body filter's output chunk (see body-filter.ts): framed and written like an unfiltered write(). */
  passWrite(data: Buffer, cb?: WriteCallback): boolean {
    if (this.destroyed || this.#closed) return false;
    const head = this.#flushed ? null : this.#serialise(this.#declared);
    return this.#send(head, this.#frame(data), cb);
  }

  /** A body filter's whole output length, known before its first byte (framing: Content-Length). */
  declareLength(length: number): void {
    if (!this.#flushed) this.#declared = length;
  }

  /** A body filter's last chunk: ends the response like an unfiltered end(). */
  passEnd(data: Buffer | null, cb?: () => void): void {
    if (this.destroyed || this.#closed) return;
    this.#filter = null;
    this.#finishBody(data, cb);
  }

  end(chunk?: string | Uint8Array | (() => void), encoding?: BufferEncoding | (() => void), cb?: () => void): this {
    let callback = cb;
    let data: Payload | null = null;
    if (typeof chunk === 'function') callback = chunk;
    else if (chunk !== undefined) {
      if (typeof encoding === 'function') callback = encoding;
      data = toPayload(chunk, typeof encoding === 'string' ? encoding : undefined);
    } else if (typeof encoding === 'function') callback = encoding;
    if (this.writableEnded || this.destroyed) {
      if (callback) process.nextTick(callback);
      return this;
    }
    if (!this.#committed) this.#endLength = data ? data.length : 0;
    this.#commit();
    if (this.#filter !== null) {
      this.writableEnded = true;
      this.#filter.end(data === null ? null : typeof data === 'string' ? Buffer.from(data, 'latin1') : data, callback);
      return this;
    }
    this.#finishBody(data, callback);
    return this;
  }

  /** end()'s work once the head is committed: frame the last bytes, write them, finish when flushed. */
  #finishBody(data: Payload | null, callback: (() => void) | undefined): void {
    this.writableEnded = true;
    const head = this.#flushed ? null : this.#serialise(this.#declared ?? (data ? data.length : 0));
    let body = data ? this.#frame(data) : false;
    if (this.#chunked) body = withLastChunk(body);
    if (this.#length !== null && this.bodyBytes < this.#length && !this.#noBody) this.#keepAlive = false; // short body: the client can only see the end as a close
    this.#endCb = callback;
    this.#send(head, body);
    // written without a callback (node then needs no tick per write): done now if it all reached the
    // kernel, else once what is queued is (an empty write's callback comes after it)
    const socket = this.#socket;
    if (socket.destroyed || this.#inFlight) return;
    if (socket.writableLength === 0) this.#owner.flushedNow(this);
    else socket.write(EMPTY, this.#owner.endCallback);
  }

  /** The connection: the bytes of end() were flushed (or failed). */
  ended(err: Error | null): void {
    if (err || this.destroyed) {
      this.#close();
      return;
    }
    this.writableFinished = true;
    this.emit('finish');
    this.#endCb?.();
    this.hooks?.done(this, false);
    this.#owner.responseDone(this, this.#keepAlive);
    this.#close();
  }

  /** Emits 'close' once (after 'finish', or when the connection went away first). */
  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.writableFinished) this.hooks?.done(this, true);
    this.emit('close');
  }

  /** The connection's socket drained. */
  drained(): void {
    if (!this.#needDrain) return;
    this.#needDrain = false;
    this.#owner.wrote();
    if (this.#filter !== null) this.#filter.drained();
    else this.emit('drain');
  }

  /** The connection closed (or was handed away) before this response finished. */
  connectionClosed(): void {
    if (this.writableFinished) return;
    this.destroyed = true;
    this.#close();
  }

  /** Drops the response and its connection. */
  destroy(_err?: Error): this {
    if (this.destroyed) return this;
    this.destroyed = true;
    if (!this.writableFinished) this.#owner.abort(this);
    this.#close();
    return this;
  }
}
