/**
 * HttpResponse: one HTTP/1.x response on an engine connection. It keeps the method names modules know
 * from node's ServerResponse (setHeader … writeHead, write → boolean + 'drain', end, 'finish' / 'close')
 * and writes lighttpd's header block itself (header-block.ts).
 *
 * Framing, decided when the head goes out (after the first write or at end, so a body given whole to
 * end() gets a Content-Length as lighttpd sends it): the handler's Content-Length; else, with the whole
 * body known, its length; else chunked for HTTP/1.1 and close-delimited for HTTP/1.0. HEAD, 1xx, 204 and
 * 304 carry no body (written bytes are dropped). Head and a small body go out in one socket write.
 * Writing after end, or headers after the head, is ignored rather than thrown: a late module never
 * crashes the server.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { headerBlock, type HeaderEntry, type HeaderValue } from './header-block.js';

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
}

/** Bodies up to this size are copied behind the head into one write. */
const COALESCE_LIMIT = 16 * 1024;
const LAST_CHUNK = Buffer.from('0\r\n\r\n', 'latin1');
const CRLF = Buffer.from('\r\n', 'latin1');

type WriteCallback = (err?: Error | null) => void;

/** node's header rules: a token name, and no CR/LF/NUL (other controls but TAB) in values. */
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
const TOKEN = /^[\^_`a-zA-Z\-0-9!#$%&'*+.|~]+$/;

function headerError(code: string, message: string): TypeError {
  const e = new TypeError(message) as TypeError & { code: string };
  e.code = code;
  return e;
}

/** Throws like node's setHeader for a name that is not a token or a value with CR, LF or NUL. */
export function checkHeader(name: string, value: HeaderValue): void {
  if (!TOKEN.test(name)) throw headerError('ERR_INVALID_HTTP_TOKEN', `Header name must be a valid HTTP token ["${name}"]`);
  const values = typeof value === 'object' ? value : [value];
  for (const v of values) {
    if (typeof v === 'string' && INVALID_VALUE.test(v)) throw headerError('ERR_INVALID_CHAR', `Invalid character in header content ["${name}"]`);
  }
}

function toBuffer(chunk: string | Uint8Array, encoding: BufferEncoding | undefined): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk, encoding ?? 'utf8');
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** One response (see the file header). */
export class HttpResponse extends EventEmitter implements NodeJS.WritableStream {
  statusCode = 200;
  /** Reason phrase; empty → lighttpd's phrase for the status. */
  statusMessage = '';
  /** Whether the connection may stay open afterwards (the core clears it; the engine has the last word). */
  shouldKeepAlive: boolean;
  /** Status-line version: the request's, or HTTP/1.0 when unknown or `server.protocol-http11` is off. */
  version: 'HTTP/1.0' | 'HTTP/1.1';
  /** `Server` value when the handler set none; empty → none. */
  serverTag = '';
  /** Runs once when the head is committed (response-start hooks); may still change status and headers. */
  beforeHead: ((res: HttpResponse) => void) | null = null;
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

  readonly #socket: Socket;
  readonly #owner: ResponseOwner;
  readonly #headers = new Map<string, HeaderEntry>();
  #committed = false;
  #flushed = false;
  #chunked = false;
  #noBody = false;
  /** Declared Content-Length (null: none). */
  #length: number | null = null;
  #keepAlive = false;
  #needDrain = false;
  #closed = false;

  constructor(socket: Socket, owner: ResponseOwner, opts: { version: 'HTTP/1.0' | 'HTTP/1.1'; keepAlive: boolean; isHead: boolean }) {
    super();
    this.#socket = socket;
    this.#owner = owner;
    this.version = opts.version;
    this.shouldKeepAlive = opts.keepAlive;
    this.isHead = opts.isHead;
  }

  /** The socket of the connection. */
  get socket(): Socket {
    return this.#socket;
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

  /** What the engine decided when the head went out. */
  get keptAlive(): boolean {
    return this.#keepAlive;
  }

  setHeader(name: string, value: HeaderValue): this {
    if (this.#committed) return this;
    checkHeader(name, value);
    this.#headers.set(name.toLowerCase(), [name, typeof value === 'object' ? [...value] : value]);
    return this;
  }

  /** Adds a value to a header (a second value makes it a list, sent as separate lines). */
  appendHeader(name: string, value: HeaderValue): this {
    if (this.#committed) return this;
    checkHeader(name, value);
    const lower = name.toLowerCase();
    const prev = this.#headers.get(lower);
    const add = typeof value === 'object' ? [...value] : [String(value)];
    if (!prev) this.#headers.set(lower, [name, add.length === 1 && typeof value !== 'object' ? value : add]);
    else prev[1] = [...(typeof prev[1] === 'object' ? prev[1] : [String(prev[1])]), ...add];
    return this;
  }

  getHeader(name: string): HeaderValue | undefined {
    return this.#headers.get(name.toLowerCase())?.[1];
  }

  hasHeader(name: string): boolean {
    return this.#headers.has(name.toLowerCase());
  }

  removeHeader(name: string): void {
    if (!this.#committed) this.#headers.delete(name.toLowerCase());
  }

  getHeaderNames(): string[] {
    return [...this.#headers.keys()];
  }

  /** Headers by lower-case name. */
  getHeaders(): Record<string, HeaderValue> {
    const out: Record<string, HeaderValue> = Object.create(null) as Record<string, HeaderValue>;
    for (const [lower, [, value]] of this.#headers) out[lower] = value;
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
    const hook = this.beforeHead;
    this.beforeHead = null;
    if (hook) hook(this);
    this.#committed = true;
  }

  /** Writes the head now (node's flushHeaders); the body that follows is chunked when no length is known. */
  flushHeaders(): void {
    if (this.destroyed || this.writableEnded) return;
    this.#commit();
    if (!this.#flushed) this.#send(this.#serialise(null), false);
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
    const cl = this.#headers.get('content-length');
    const te = this.#headers.get('transfer-encoding');
    let keepAlive = this.shouldKeepAlive && this.#owner.bodyComplete();
    const conn = this.#headers.get('connection');
    if (conn && String(conn[1]).toLowerCase().includes('close')) keepAlive = false;
    if (cl) {
      const n = Number(cl[1]);
      this.#length = Number.isFinite(n) && n >= 0 ? n : null;
    } else if (te) {
      this.#chunked = !this.#noBody && String(te[1]).toLowerCase().includes('chunked');
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
    const isUpgrade = status === 101 && this.version === 'HTTP/1.1' && this.#headers.has('upgrade');
    const connection = isUpgrade ? 'upgrade' : !keepAlive ? 'close' : this.version === 'HTTP/1.0' ? 'keep-alive' : '';
    const head = headerBlock(this.#headers.values(), {
      version: this.version,
      status,
      reason: this.statusMessage,
      connection,
      framing,
      serverTag: this.serverTag,
    });
    this.headerBytes = head.length;
    this.#owner.responseStarted(this);
    return head;
  }

  /** Hands bytes to the socket (head first, once); `cb` runs when they are flushed. */
  #send(head: string | null, body: Buffer | false, cb?: WriteCallback): boolean {
    const socket = this.#socket;
    if (socket.destroyed) return false;
    this.#owner.wrote();
    let ok: boolean;
    if (head !== null && !this.#flushed) {
      this.#flushed = true;
      if (body === false || body.length === 0) ok = socket.write(head, 'latin1', cb);
      else if (body.length <= COALESCE_LIMIT) {
        const out = Buffer.allocUnsafe(head.length + body.length);
        out.write(head, 0, 'latin1');
        body.copy(out, head.length);
        ok = socket.write(out, cb);
      } else {
        socket.cork();
        socket.write(head, 'latin1');
        ok = socket.write(body, cb);
        socket.uncork();
      }
    } else if (body === false) {
      ok = true;
      if (cb) process.nextTick(cb);
    } else {
      ok = socket.write(body, cb);
    }
    if (!ok) this.#needDrain = true;
    return ok;
  }

  /** Frames one body chunk (chunked encoding, Content-Length limit); false = nothing to send. */
  #frame(data: Buffer): Buffer | false {
    if (this.#noBody || data.length === 0) return false;
    if (this.#length !== null) {
      const room = this.#length - this.bodyBytes;
      if (room <= 0) return false;
      if (data.length > room) data = data.subarray(0, room);
    }
    this.bodyBytes += data.length;
    if (!this.#chunked) return data;
    const size = Buffer.from(`${data.length.toString(16)}\r\n`, 'latin1');
    return Buffer.concat([size, data, CRLF]);
  }

  write(chunk: string | Uint8Array, encoding?: BufferEncoding | WriteCallback, cb?: WriteCallback): boolean {
    const callback = typeof encoding === 'function' ? encoding : cb;
    const enc = typeof encoding === 'function' ? undefined : encoding;
    if (this.writableEnded || this.destroyed) {
      if (callback) process.nextTick(callback, new Error('write after end'));
      return false;
    }
    this.#commit();
    const data = toBuffer(chunk, enc);
    const head = this.#flushed ? null : this.#serialise(null);
    return this.#send(head, this.#frame(data), callback);
  }

  end(chunk?: string | Uint8Array | (() => void), encoding?: BufferEncoding | (() => void), cb?: () => void): this {
    let callback = cb;
    let data: Buffer | null = null;
    if (typeof chunk === 'function') callback = chunk;
    else if (chunk !== undefined) {
      if (typeof encoding === 'function') callback = encoding;
      data = toBuffer(chunk, typeof encoding === 'string' ? encoding : undefined);
    } else if (typeof encoding === 'function') callback = encoding;
    if (this.writableEnded || this.destroyed) {
      if (callback) process.nextTick(callback);
      return this;
    }
    this.#commit();
    this.writableEnded = true;
    const head = this.#flushed ? null : this.#serialise(data ? data.length : 0);
    let body = data ? this.#frame(data) : false;
    if (this.#chunked) body = body === false ? LAST_CHUNK : Buffer.concat([body, LAST_CHUNK]);
    if (this.#length !== null && this.bodyBytes < this.#length && !this.#noBody) this.#keepAlive = false; // short body: the client can only see the end as a close
    this.#send(head, body, (err) => this.#finished(err ?? null, callback));
    return this;
  }

  #finished(err: Error | null, cb: (() => void) | undefined): void {
    if (err || this.destroyed) {
      this.#close();
      return;
    }
    this.writableFinished = true;
    this.emit('finish');
    if (cb) cb();
    this.#owner.responseDone(this, this.#keepAlive);
    this.#close();
  }

  /** Emits 'close' once (after 'finish', or when the connection went away first). */
  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.emit('close');
  }

  /** The connection's socket drained. */
  drained(): void {
    if (!this.#needDrain) return;
    this.#needDrain = false;
    this.#owner.wrote();
    this.emit('drain');
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
