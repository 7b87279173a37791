/**
 * One client connection of the HTTP/1.1 engine: lighttpd's per-connection state machine
 * (src/connections.c; http-core.md §5).
 *
 *   head     reading a request head (HeadReader); a kept-alive connection skips one empty line
 *   request  the core handles the request; its body (Content-Length or chunked) is decoded as it arrives
 *            and streamed with backpressure; bytes of a pipelined next request wait, answers go in order
 *   upgrade  the socket is lent to the core for an Upgrade / CONNECT decision (not read meanwhile);
 *            only a CONNECT may have a body here, and a hook waiting for it is cut off after max-read-idle
 *   linger   after a response with `Connection: close`: write side shut, input read and dropped for up
 *            to 5 s so that unread request bytes do not turn the close into a reset
 *   closed
 *
 * Keep-alive ends as lighttpd ends it: the request or the core says so, a body was not read completely,
 * the peer half-closed, or a framing error. Timeouts are checked once a second by the server (`sweep`):
 * max-read-idle while a head or a read body stalls (first request), max-keep-alive-idle between
 * requests, max-write-idle while a started response makes no progress; all close silently.
 */
import net, { type Socket } from 'node:net';
import type { HandleReads, HandleStream } from '../net/handle-stream.js';
import { ChunkedDecoder, LengthDecoder, type BodyDecoder } from './body-decoder.js';
import { clock, tick } from './clock.js';
import type { Http1Handler, Http1Options, UpgradeControl } from './handler.js';
import { HeadReader, type HeadScan } from './head-reader.js';
import { hasToken, parseRequestHead, type RequestHead } from './request-head.js';
import { HttpRequest, type BodyOwner, type Peer } from './request.js';
import { HttpResponse, type ResponseOwner } from './response.js';
import type { EngineSocket } from './engine-socket.js';
import type { PeerChange } from './preface.js';
import { RawSocket } from './raw-socket.js';
import { closedSocket, socketAround } from './socket-around.js';
import { shareReads, streamReads } from './socket-io.js';
import { streamFromRaw } from './stream-from-raw.js';
import { tlsClientOf } from '../net/tls-client.js';

type ConnState = 'head' | 'request' | 'upgrade' | 'linger' | 'closed';

/** Pipelined bytes buffered while a request is handled before the socket pauses. */
const PENDING_LIMIT = 64 * 1024;
/** lighttpd's HTTP_LINGER_TIMEOUT (seconds). */
const LINGER_SECONDS = 5;
/** Write timestamps come from the coarse clock (see clock.ts): allow for its age. */
const WRITE_SLACK_MS = 1000;
const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n';

/** What a connection tells its server. */
export interface ConnectionOwner {
  readonly options: Http1Options;
  readonly handler: Http1Handler;
  /** Graceful shutdown: no new keep-alive. */
  readonly closing: boolean;
  connectionClosed(conn: Http1Connection): void;
  /** A module took the socket: the connection object is done with; the socket counts until it closes. */
  connectionUpgraded(conn: Http1Connection): void;
}

function headFromError(scan: Extract<HeadScan, { kind: 'error' }>): RequestHead {
  return {
    status: scan.status,
    reason: scan.cause === 'oversized' ? 'oversized request-header' : scan.cause === 'tls' ? 'unexpected TLS ClientHello on clear port' : 'invalid request-line',
    method: '',
    target: '',
    version: null,
    keepAlive: false,
    headers: new Map(),
    rawHeaders: [],
    host: null,
    bodyLength: 0,
    hasContentLength: false,
    headLength: scan.text.length,
    framing: scan.cause,
  };
}

/**
 * Whether the socket is lent to the core for an upgrade decision: CONNECT, or an HTTP/1.1 request with
 * `Upgrade` and `Connection: upgrade` and no body. lighttpd reads a body as a body whatever the Upgrade
 * header says (mod_wstunnel takes GET only, and a GET with a body is 400), so a request with
 * Content-Length > 0 or chunked goes the ordinary way: a hook can read its body, timed by max-read-idle.
 */
function isUpgradeCandidate(head: RequestHead): boolean {
  if (head.method === 'CONNECT') return true;
  if (head.version !== '1.1' || head.bodyLength !== 0) return false;
  const connection = head.headers.get('connection');
  return head.headers.has('upgrade') && connection !== undefined && hasToken(connection, 'upgrade');
}

/** The engine's 'error' listener: 'close' follows, nothing to report (lighttpd drops ECONNRESET quietly). */
function ignoreSocketError(): void {
  // deliberately empty; module-level so that it keeps nothing alive on a socket handed to a module
}

/** Socket events the engine listens to; on an upgrade not taken, what a module added to them is removed. */
const LENT_EVENTS = ['data', 'end', 'error', 'close', 'drain'] as const;

/** Lets the next 'data' listener (ws, a pipe) start the flow again, as node:http does before 'upgrade'. */
function releaseFlow(socket: Socket): void {
  socket.pause();
  (socket as { readableFlowing: boolean | null }).readableFlowing = null;
}

/** One connection (see the file header). */
export class Http1Connection implements ResponseOwner, BodyOwner {
  /** The socket the engine drives: a net.Socket, or a RawSocket until something needs a net.Socket. */
  #io: EngineSocket;
  /** The RawSocket while the connection runs on its handle (then #sock is null). */
  #raw: RawSocket | null;
  /** #io when it is a net.Socket. */
  #sock: Socket | null;
  /** While lent: listener counts of the lent net.Socket before modules added theirs (null: not made yet). */
  #lentBefore: number[] | null = null;
  readonly #owner: ConnectionOwner;
  readonly #reader: HeadReader;
  #state: ConnState = 'head';
  #requests = 0;
  #pending: Buffer | null = null;
  #req: HttpRequest | null = null;
  #res: HttpResponse | null = null;
  #decoder: BodyDecoder | null = null;
  #lastRead = performance.now();
  #lastWrite = 0;
  #writing = false;
  #keepAliveIdle: number;
  #lingerSince = 0;
  #pausedBody = false;
  #pausedPending = false;
  #peerEnded = false;
  #continueChecked = false;
  /** Bytes after the head wait to be fed once the core has seen the request (they count as received). */
  #restWaiting = false;
  /** A response finished while the socket was lent: its keep-alive verdict, applied on resume. */
  #doneWhileLent: boolean | null = null;
  #peer: Peer | null = null;
  readonly #sink = (payload: Buffer): void => this.#req?.deliver(payload);
  readonly #onData = (chunk: Buffer): void => this.#data(chunk, chunk.length, false);
  /** Reads in the shared buffer (socket-io.ts): used or copied before this returns. */
  readonly #onShared = (n: number, buf: Buffer): boolean => {
    this.#data(buf, n, true);
    return true;
  };
  /** Whether reads arrive through #onShared (else as 'data' events). */
  #shared: boolean;
  readonly #onEnd = (): void => this.#end();
  readonly #onDrain = (): void => this.#res?.drained();
  readonly #onClose = (): void => this.#closed();
  readonly endCallback = (err?: Error | null): void => {
    try {
      this.#res?.ended(err ?? null);
    } catch (e) {
      this.#handlerFailed(e);
    }
  };
  readonly directDone = (status: number): void => {
    if (status < 0) this.#io.destroy();
    this.endCallback(status < 0 ? new Error(`write failed (${status})`) : null);
  };
  /** Inside a 'data' event: a response flushed meanwhile is finished once the handlers return. */
  #inTurn = false;
  #finishLater: HttpResponse | null = null;

  constructor(socket: EngineSocket, owner: ConnectionOwner) {
    this.#io = socket;
    this.#raw = socket instanceof RawSocket ? socket : null;
    this.#sock = socket instanceof net.Socket ? socket : null;
    this.#owner = owner;
    this.#reader = new HeadReader(owner.options.maxHeadSize);
    this.#keepAliveIdle = owner.options.keepAliveIdle;
    this.#shared = shareReads(socket, this.#onShared);
    if (!this.#shared) this.#sock?.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    socket.on('drain', this.#onDrain);
    socket.on('error', ignoreSocketError);
    socket.on('close', this.#onClose);
    socket.resume();
  }

  /** The socket as the engine drives it (for counting and closing; modules use `socket`). */
  get io(): EngineSocket {
    return this.#io;
  }

  /**
   * The connection as a net.Socket. On a raw connection one is made around the handle now (and the
   * engine drives it from then on); after takeStream() only a closed stand-in is left.
   */
  get socket(): Socket {
    const sock = this.#sock;
    if (sock !== null) return sock;
    const raw = this.#raw;
    return raw === null ? closedSocket() : this.#materialise(raw);
  }

  #materialise(raw: RawSocket): Socket {
    const lent = this.#state === 'upgrade';
    const handle = raw.detach();
    // its handle went to a module (takeStream), or it is closed: a closed socket stands for it
    if (handle === null) return closedSocket();
    const socket = socketAround(handle, lent ? null : this.#onShared, lent && raw.readableEnded);
    for (const ev of LENT_EVENTS) {
      for (const l of raw.listeners(ev)) socket.on(ev, l as (...a: unknown[]) => void);
      raw.removeAllListeners(ev);
    }
    this.#io = socket;
    this.#sock = socket;
    this.#raw = null;
    this.#res?.moveTo(socket);
    if (lent) {
      // what a lent net.Socket looks like (see #lend): 'data' events, flow left to the next reader
      this.#shared = false;
      releaseFlow(socket);
      this.#lentBefore = LENT_EVENTS.map((ev) => socket.listenerCount(ev));
    } else if (!raw.isPaused()) {
      socket.resume();
    }
    return socket;
  }

  /**
   * During an upgrade decision on a raw connection: the handle, for good, as a HandleStream reading
   * through `reads` (not reading yet); the connection's socket stays as a stand-in that closes with it
   * and closes it. Null when the connection is not raw (any more) or not lent: use `socket` then.
   */
  takeStream(reads: HandleReads): HandleStream | null {
    const raw = this.#raw;
    if (raw === null || this.#state !== 'upgrade') return null;
    return streamFromRaw(raw, reads);
  }

  /** Between requests, nothing of the next one received (graceful shutdown closes these). */
  get idle(): boolean {
    return this.#state === 'head' && this.#requests > 0 && !this.#reader.started && this.#pending === null;
  }

  /** Whether the engine still owns the socket (not upgraded, not closed). */
  get owned(): boolean {
    return this.#state !== 'upgrade' && this.#state !== 'closed';
  }

  /** Bytes read: `chunk[0, end)`; `borrowed`: in the shared read buffer (copied where they are kept). */
  #data(chunk: Buffer, end: number, borrowed: boolean): void {
    this.#lastRead = tick();
    this.#inTurn = true;
    try {
      if (this.#state === 'head') this.#parse(chunk, end, borrowed);
      else if (this.#state === 'request') this.#moreForRequest(borrowed ? Buffer.from(chunk.subarray(0, end)) : chunk);
      // else linger: dropped; upgrade/closed: not ours
      // answers completed meanwhile (the common, synchronous case): finish them here, in order — a
      // pipelined request that follows is then handled in this same loop
      for (let res = this.#finishLater; res !== null; res = this.#finishLater) {
        this.#finishLater = null;
        res.ended(null);
      }
    } catch (e) {
      // a listener on a response threw: this connection is in an unknown state, the server is not
      this.#finishLater = null;
      this.#handlerFailed(e);
    } finally {
      this.#inTurn = false;
    }
  }

  /** A listener on a response threw: logged, and the connection (in an unknown state) is dropped. */
  #handlerFailed(e: unknown): void {
    this.#owner.options.log('connection.ts', `request handling failed: ${e instanceof Error ? e.message : String(e)}`);
    this.#io.destroy();
  }

  flushedNow(res: HttpResponse): void {
    if (this.#inTurn && this.#finishLater === null) this.#finishLater = res;
    else queueMicrotask(this.endCallback);
  }

  /** Bytes while a request is being handled: its body first, then the next request's. */
  #moreForRequest(chunk: Buffer): void {
    let rest = chunk;
    if (this.#decoder !== null && !this.#decoder.done && this.#decoder.error === null) {
      rest = rest.subarray(this.#feedBody(rest));
      if (this.#state !== 'request' || this.#decoder?.error) return;
    }
    if (rest.length === 0) return;
    this.#pending = this.#pending === null ? rest : Buffer.concat([this.#pending, rest]);
    if (this.#pending.length > PENDING_LIMIT && !this.#pausedPending) {
      this.#pausedPending = true;
      this.#io.pause();
    }
  }

  /** Parses request heads out of `data` until one is complete (then it is dispatched). */
  #parse(data: Buffer, end: number, borrowed: boolean): void {
    const scan = this.#reader.feed(data, end);
    if (scan.kind === 'more') return;
    this.#requests++;
    if (scan.kind === 'error') {
      this.#begin(headFromError(scan), Buffer.alloc(0));
      return;
    }
    const head = parseRequestHead(scan.text, scan.lineStarts, scan.headLength, this.#owner.options);
    this.#begin(head, borrowed && scan.rest.length > 0 ? Buffer.from(scan.rest) : scan.rest);
  }

  /** Starts handling one request; `rest`: bytes after its head. */
  #begin(head: RequestHead, rest: Buffer): void {
    const req = new HttpRequest(head, this, this.#requests - 1, this.#peerInfo());
    const opts = this.#owner.options;
    const res = new HttpResponse(this.#io, this, head.version === '1.1' ? 'HTTP/1.1' : 'HTTP/1.0', head.status === 0 && head.keepAlive && !this.#owner.closing, head.method === 'HEAD');
    res.readIdle = opts.readIdle;
    res.writeIdle = opts.writeIdle;
    res.keepAliveIdle = opts.keepAliveIdle;
    this.#state = 'request';
    this.#req = req;
    this.#res = res;
    this.#writing = false;
    this.#continueChecked = false;
    this.#decoder = null;
    if (head.status === 0 && head.bodyLength !== 0) {
      this.#decoder = head.bodyLength > 0 ? new LengthDecoder(head.bodyLength) : new ChunkedDecoder(0, opts.maxHeadSize);
    }
    if (head.status === 0 && isUpgradeCandidate(head)) {
      this.#lend(req, res, rest);
      return;
    }
    this.#restWaiting = rest.length > 0;
    try {
      this.#owner.handler.request(req, res);
    } catch (e) {
      opts.log('connection.ts', `request handler failed: ${(e as Error).message}`);
      this.#io.destroy();
      return;
    }
    this.#restWaiting = false;
    if (head.status !== 0) return; // the connection closes after the answer; nothing more is read
    if (rest.length > 0 && this.#state === 'request') this.#moreForRequest(rest);
  }

  #peerInfo(): Peer {
    if (this.#peer === null) {
      const s = this.#io;
      const tls = this.#owner.options.secure !== undefined;
      const peer: Peer = { remoteAddr: s.remoteAddress ?? '', remotePort: s.remotePort ?? 0, localAddr: s.localAddress ?? '', localPort: s.localPort ?? 0, scheme: tls ? 'https' : 'http', tls };
      const tlsClient = tls ? tlsClientOf(s) : undefined;
      this.#peer = tlsClient ? { ...peer, tlsClient } : peer;
    }
    return this.#peer;
  }

  /** A preface (PROXY header) named another client: requests on this connection see it. */
  changePeer(change: PeerChange): void {
    const own = this.#peerInfo();
    const peer: Peer = { ...own, remoteAddr: change.remoteAddr, remotePort: change.remotePort, scheme: change.https ? 'https' : own.scheme };
    this.#peer = change.facts === null ? peer : { ...peer, facts: change.facts };
  }

  /** Bytes read before this connection existed (after a preface's own), handled as if read now. */
  feed(chunk: Buffer): void {
    if (chunk.length > 0) this.#data(chunk, chunk.length, false);
  }

  /**
   * Hands the socket to the core for an upgrade decision. A net.Socket is lent as node:http lends one
   * ('data' events, flow left to the next reader); a raw connection just stops reading: a module gets a
   * net.Socket when it asks for `req.socket` (#materialise), or the handle itself (takeStream).
   */
  #lend(req: HttpRequest, res: HttpResponse, rest: Buffer): void {
    this.#state = 'upgrade';
    const socket = this.#io;
    socket.off('end', this.#onEnd);
    socket.off('drain', this.#onDrain);
    const sock = this.#sock;
    if (sock === null) {
      this.#raw?.pause();
      this.#lentBefore = null;
    } else {
      if (this.#shared) {
        // modules see 'data' events; the connection reads them too if it gets the socket back
        this.#shared = false;
        streamReads(sock);
      } else {
        sock.off('data', this.#onData);
      }
      releaseFlow(sock);
      this.#lentBefore = LENT_EVENTS.map((ev) => sock.listenerCount(ev));
    }
    let decided = false;
    const control: UpgradeControl = {
      taken: () => {
        if (decided) return;
        decided = true;
        this.#lentBefore = null;
        this.#handOff();
      },
      resume: () => {
        if (decided) return;
        decided = true;
        this.#takeBack(rest);
      },
    };
    try {
      this.#owner.handler.upgrade(req, res, rest, control);
    } catch (e) {
      this.#owner.options.log('connection.ts', `upgrade handler failed: ${(e as Error).message}`);
      this.#io.destroy();
    }
  }

  /** Nobody took the lent socket: the engine reads it again and the request is answered on it. */
  #takeBack(rest: Buffer): void {
    const io = this.#io;
    const before = this.#lentBefore;
    this.#lentBefore = null;
    if (io.destroyed) return;
    const raw = this.#raw;
    if (raw !== null && raw.handle === null) return; // its handle went to a module (takeStream)
    const socket = this.#sock;
    if (socket !== null) {
      // listeners the modules added while looking at the socket belong to them no longer
      LENT_EVENTS.forEach((ev, i) => {
        for (const l of socket.listeners(ev).slice(before?.[i] ?? 0)) socket.off(ev, l as (...a: unknown[]) => void);
      });
      socket.on('data', this.#onData);
    }
    this.#state = 'request';
    io.on('end', this.#onEnd);
    io.on('drain', this.#onDrain);
    io.resume();
    if (rest.length > 0) this.#moreForRequest(rest);
    const lentDone = this.#doneWhileLent;
    this.#doneWhileLent = null;
    if (lentDone !== null && this.#res !== null) this.responseDone(this.#res, lentDone);
  }

  /**
   * The socket belongs to a module now: nothing of this connection stays reachable from it (the
   * server counts the socket itself until it closes), so an open tunnel costs the engine nothing.
   */
  #handOff(): void {
    this.#req = null;
    this.#res = null;
    this.#decoder = null;
    this.#pending = null;
    this.#io.off('close', this.#onClose);
    this.#owner.connectionUpgraded(this);
  }

  /** Decodes body bytes; returns how many belonged to the body. */
  #feedBody(data: Buffer): number {
    const decoder = this.#decoder;
    const req = this.#req;
    const res = this.#res;
    if (decoder === null || req === null || res === null) return 0;
    const used = decoder.feed(data, this.#sink);
    if (decoder.error !== null) {
      req.abortBody();
      res.shouldKeepAlive = false;
      try {
        this.#owner.handler.bodyError(req, res, decoder.error);
      } catch (e) {
        this.#owner.options.log('connection.ts', `body error handler failed: ${(e as Error).message}`);
        this.#io.destroy();
      }
      return data.length;
    }
    if (decoder.done) {
      if (!decoder.reusable) res.shouldKeepAlive = false;
      req.finishBody();
    }
    return used;
  }

  /** The core's limit for chunked bodies (`server.max-request-size`, bytes; 0 = none). */
  setBodyLimit(req: HttpRequest, bytes: number): void {
    if (req === this.#req && this.#decoder instanceof ChunkedDecoder) this.#decoder.maxSize = bytes;
  }

  // BodyOwner

  bodyWanted(req: HttpRequest): void {
    if (req !== this.#req) return;
    if (!this.#continueChecked) {
      this.#continueChecked = true;
      // lighttpd: 100 Continue only when nothing of the body arrived yet and no answer started
      const res = this.#res;
      const nothingYet = this.#decoder !== null && this.#decoder.received === 0 && !this.#restWaiting;
      if (req.expectsContinue && req.httpVersion === '1.1' && nothingYet && res && !res.headersSent && !this.#io.destroyed) {
        this.#io.write(CONTINUE, 'latin1');
      }
    }
    if (this.#pausedBody) {
      this.#pausedBody = false;
      this.#lastRead = performance.now();
      if (!this.#pausedPending) this.#io.resume();
    }
  }

  bodyFull(req: HttpRequest): void {
    if (req !== this.#req || this.#pausedBody || this.#state !== 'request') return;
    this.#pausedBody = true;
    this.#io.pause();
  }

  // ResponseOwner

  bodyComplete(): boolean {
    return this.#req === null || (this.#req.bodyComplete && !this.#peerEnded);
  }

  responseStarted(): void {
    this.#writing = true;
    this.#lastWrite = clock.now;
  }

  wrote(): void {
    this.#lastWrite = clock.now;
  }

  responseDone(res: HttpResponse, keepAlive: boolean): void {
    if (res !== this.#res) return;
    if (this.#state === 'upgrade') {
      // answered while the socket is still lent (a module wrote before the upgrade decision came back)
      this.#doneWhileLent = keepAlive;
      return;
    }
    if (this.#state !== 'request') return;
    this.#keepAliveIdle = res.keepAliveIdle;
    this.#req = null;
    this.#res = null;
    this.#decoder = null;
    this.#writing = false;
    if (!keepAlive || this.#owner.closing || this.#peerEnded) {
      this.#linger();
      return;
    }
    this.#state = 'head';
    this.#reader.reset(true);
    // inside a read event the clock was read when it began
    this.#lastRead = this.#inTurn ? clock.now : tick();
    if (this.#pausedBody || this.#pausedPending) {
      this.#pausedBody = false;
      this.#pausedPending = false;
      this.#io.resume();
    }
    const pending = this.#pending;
    this.#pending = null;
    if (pending !== null) this.#parse(pending, pending.length, false);
  }

  abort(res: HttpResponse): void {
    if (res === this.#res) this.#io.destroy();
  }

  /** lighttpd's connection_handle_shutdown: shut the write side, drain input for a while, close. */
  #linger(): void {
    this.#state = 'linger';
    this.#pending = null;
    this.#lingerSince = performance.now();
    const socket = this.#io;
    if (this.#peerEnded || socket.destroyed) {
      socket.destroySoon();
      return;
    }
    socket.end();
    if (this.#pausedBody || this.#pausedPending || socket.isPaused()) socket.resume();
  }

  #end(): void {
    this.#peerEnded = true;
    switch (this.#state) {
      case 'head':
        this.#state = 'linger';
        this.#io.destroySoon();
        return;
      case 'request': {
        const d = this.#decoder;
        if (d !== null && !d.done) this.#req?.abortBody();
        return;
      }
      case 'linger':
        this.#io.destroy();
        return;
      default:
        return;
    }
  }

  #closed(): void {
    this.#state = 'closed';
    this.#req?.abortBody();
    this.#res?.connectionClosed();
    this.#req = null;
    this.#res = null;
    this.#owner.connectionClosed(this);
  }

  /** Once a second: lighttpd's connection_check_timeout. `now` in ms (performance.now()). */
  sweep(now: number): void {
    switch (this.#state) {
      case 'head': {
        const limit = this.#requests === 0 ? this.#owner.options.readIdle : this.#keepAliveIdle;
        if (now - this.#lastRead > limit * 1000) this.#io.destroy();
        return;
      }
      case 'request': {
        const res = this.#res;
        if (res === null) return;
        if (this.#writing && !res.writableFinished && now - this.#lastWrite > res.writeIdle * 1000 + WRITE_SLACK_MS) {
          this.#io.destroy();
          return;
        }
        const d = this.#decoder;
        const reading = d !== null && !d.done && d.error === null && !this.#pausedBody && (this.#req?.bodyWasWanted ?? false);
        if (reading && now - this.#lastRead > res.readIdle * 1000) this.#io.destroy();
        return;
      }
      case 'upgrade': {
        // lent (CONNECT with a body): a hook waiting for the body, which is not read meanwhile, waits
        // no longer than lighttpd's read timeout would let a body stall
        const d = this.#decoder;
        const res = this.#res;
        if (d !== null && !d.done && res !== null && (this.#req?.bodyWasWanted ?? false) && now - this.#lastRead > res.readIdle * 1000) this.#io.destroy();
        return;
      }
      case 'linger':
        if (now - this.#lingerSince > LINGER_SECONDS * 1000) this.#io.destroy();
        return;
      default:
        return;
    }
  }

  /** Closes the connection now (server stop). */
  destroy(): void {
    if (this.#state !== 'upgrade') this.#io.destroy();
  }
}
