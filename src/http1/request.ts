/**
 * HttpRequest: one parsed request on an engine connection, as the core and modules see it — method,
 * target, version, headers (lighttpd's joined list, and a node-style record for code that wants one),
 * the socket, and the body as a Readable created on first use (most requests have none).
 *
 * The connection feeds body payload in with backpressure: while nobody reads, up to a bound is queued
 * and then the socket pauses; once the stream exists, a full stream buffer pauses the socket until the
 * consumer reads again.
 */
import { Readable } from 'node:stream';
import type { Socket } from 'node:net';
import type { HandleReads, HandleStream } from '../net/handle-stream.js';
import type { EngineSocket } from './engine-socket.js';
import type { ConnFacts } from './preface.js';
import type { HttpVersion, RequestHead } from './request-head.js';
import type { TlsClient } from '../net/tls-client.js';

/** Request headers by lower-case name (node's IncomingMessage.headers shape, one string each). */
export type RequestHeaders = Record<string, string | undefined>;

/** The connection's addresses (IPv4-mapped IPv6 shown as IPv4; empty for a unix socket peer). */
export interface Peer {
  readonly remoteAddr: string;
  readonly remotePort: number;
  readonly localAddr: string;
  readonly localPort: number;
  /** The connection's scheme: its listener's, or https when a PROXY header said so (lighttpd: con->proto_default_port). */
  readonly scheme: 'http' | 'https';
  /** The connection itself is TLS (its listener's `ssl.engine`; lighttpd: con->srv_socket->is_ssl). */
  readonly tls: boolean;
  /** What a preface learnt about the connection (PROXY v2 TLVs); absent on most connections. */
  readonly facts?: ConnFacts;
  /** The TLS connection's handshake facts (mod_openssl's request environment); absent on plain ones. */
  readonly tlsClient?: TlsClient;
}

/** What the request's body needs from its connection. */
export interface BodyOwner {
  /** The consumer wants more body bytes (resume reading; send 100 Continue the first time if asked for). */
  bodyWanted(req: HttpRequest): void;
  /** Too much is buffered: stop reading the socket. */
  bodyFull(req: HttpRequest): void;
  /** The core's `server.max-request-size` for a chunked body (bytes; 0 = none). */
  setBodyLimit(req: HttpRequest, bytes: number): void;
  /** The connection as a net.Socket (made on first use when the engine runs it on its raw handle). */
  readonly socket: Socket;
  /** The socket as the engine drives it: a net.Socket or the raw connection (for counting and closing). */
  readonly io: EngineSocket;
  /** While lent for an upgrade: the raw handle as a HandleStream for good, or null (use `socket`). */
  takeStream(reads: HandleReads): HandleStream | null;
}

/** Body bytes queued before anybody reads them; then the socket pauses. */
const QUEUE_LIMIT = 64 * 1024;

class RequestBody extends Readable {
  readonly #onRead: () => void;
  constructor(onRead: () => void) {
    super({ highWaterMark: QUEUE_LIMIT });
    this.#onRead = onRead;
  }
  override _read(): void {
    this.#onRead();
  }
}

/** One request (see the file header). */
export class HttpRequest {
  readonly method: string;
  /** The target as received (absolute-form: the path part, as lighttpd keeps it). */
  readonly url: string;
  /** `1.1` or `1.0` (`1.0` also when the version could not be parsed). */
  readonly httpVersion: HttpVersion;
  /** name, value, … as lighttpd keeps them (see RequestHead.rawHeaders). */
  readonly rawHeaders: readonly string[];
  /** The parse result: status, lighttpd's header list, body length. */
  readonly head: RequestHead;
  /** Head bytes plus body bytes received for this request (accesslog %I). */
  bytesIn: number;
  /** Whether the head asked for `Expect: 100-continue`. */
  readonly expectsContinue: boolean;
  /** Requests this connection served before this one (accesslog %k). */
  readonly keepAliveIndex: number;
  /** The connection's addresses (looked up once per connection). */
  readonly peer: Peer;

  readonly #owner: BodyOwner;
  #record: RequestHeaders | null = null;
  #body: RequestBody | null = null;
  #queue: Buffer[] = [];
  #queued = 0;
  #ended: boolean;
  #aborted = false;
  #wanted = false;

  constructor(head: RequestHead, owner: BodyOwner, keepAliveIndex: number, peer: Peer) {
    this.keepAliveIndex = keepAliveIndex;
    this.peer = peer;
    this.head = head;
    this.method = head.method;
    this.url = head.target;
    this.httpVersion = head.version ?? '1.0';
    this.rawHeaders = head.rawHeaders;
    this.bytesIn = head.headLength;
    this.#owner = owner;
    this.#ended = head.status !== 0 || head.bodyLength === 0;
    const expect = head.headers.get('expect');
    this.expectsContinue = expect !== undefined && expect.toLowerCase() === '100-continue';
  }

  /**
   * The connection as a net.Socket. When the engine runs the connection on its raw handle, asking for
   * this makes one around the handle (and the engine drives that from then on): code that only counts
   * or closes the connection uses `io`.
   */
  get socket(): Socket {
    return this.#owner.socket;
  }

  /** The connection as the engine drives it (a net.Socket or the raw connection): `destroyed`, destroy(), 'close'. */
  get io(): EngineSocket {
    return this.#owner.io;
  }

  /**
   * While the connection is lent for an upgrade and runs raw: its handle for good as a HandleStream
   * reading through `reads` (not reading yet); `io` stays as a stand-in that closes with it. Null
   * otherwise: use `socket`.
   */
  takeStream(reads: HandleReads): HandleStream | null {
    return this.#owner.takeStream(reads);
  }

  /** Headers as a mutable record (Transfer-Encoding included again, as node shows it). */
  get headers(): RequestHeaders {
    if (this.#record === null) {
      const r: RequestHeaders = Object.create(null) as RequestHeaders;
      for (const [k, v] of this.head.headers) r[k] = v;
      if (this.head.bodyLength === -1) r['transfer-encoding'] = 'chunked';
      this.#record = r;
    }
    return this.#record;
  }

  /** 0: no body, n: Content-Length, -1: chunked. */
  get bodyLength(): number {
    return this.head.bodyLength;
  }

  /** The body as a stream (created on first use; ends at once when there is none). */
  get body(): Readable {
    if (this.#body === null) {
      const body = new RequestBody(() => this.#read());
      this.#body = body;
      const queue = this.#queue;
      this.#queue = [];
      this.#queued = 0;
      for (const c of queue) body.push(c);
      if (this.#aborted) body.destroy();
      else if (this.#ended) body.push(null);
    }
    return this.#body;
  }

  /** Limits a chunked body to `bytes` (server.max-request-size; 0 = none): more is a 413. */
  setBodyLimit(bytes: number): void {
    this.#owner.setBodyLimit(this, bytes);
  }

  /** Whether a body stream was asked for. */
  get bodyStarted(): boolean {
    return this.#body !== null;
  }

  /** Whether the whole body was received and handed to a reader (lighttpd: reqbody_queue complete). */
  get bodyComplete(): boolean {
    return this.head.bodyLength === 0 || (this.#ended && !this.#aborted && this.#body !== null && this.#queued === 0);
  }

  #read(): void {
    this.#owner.bodyWanted(this);
    this.#wanted = true;
  }

  /** Whether the consumer asked for data at least once. */
  get bodyWasWanted(): boolean {
    return this.#wanted;
  }

  /** Connection side: payload bytes arrived. */
  deliver(payload: Buffer): void {
    this.bytesIn += payload.length;
    if (this.#body !== null) {
      if (!this.#body.push(payload)) this.#owner.bodyFull(this);
      return;
    }
    this.#queue.push(payload);
    this.#queued += payload.length;
    if (this.#queued >= QUEUE_LIMIT) this.#owner.bodyFull(this);
  }

  /** Connection side: the body is complete. */
  finishBody(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#body?.push(null);
  }

  /** Connection side: the body will never complete (client gone, framing error). No 'error' is emitted. */
  abortBody(): void {
    if (this.#ended && this.#body !== null) return;
    this.#aborted = true;
    this.#ended = true;
    this.#queue = [];
    this.#queued = 0;
    this.#body?.destroy();
  }
}
