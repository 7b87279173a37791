/**
 * One backend connection as mod_proxy uses it over its whole life, possibly for many requests (the
 * keep-alive pool holds its socket between them). Its socket listeners are attached once; what an
 * event means depends on the state, as in lighttpd's per-connection gw state:
 *
 *   head  waiting for the response head: EOF, an error or a close fail the request (readHead rejects)
 *   body  reading the body: bytes and EOF go to the BackendBody
 *   idle  no request: anything from the backend (bytes, EOF, an error) closes the connection
 *
 * A tunnel (a 101) takes the raw socket over with `detach()`.
 */
import type { Socket } from 'node:net';
import { BackendBody, BackendResponseError, HeadScan, type HeadResult } from './response-reader.js';
import type { BodyFraming, ResponseHead } from './response-head.js';

type State = 'idle' | 'head' | 'body' | 'closed';

const bySocket = new WeakMap<Socket, BackendConn>();

/** The client side that interim heads are written to. */
export interface InterimSink {
  readonly writableLength: number;
  once(event: 'drain', listener: () => void): unknown;
}

/** Interim heads waiting towards the client beyond this stop reading the backend (the tunnels' 64 KiB). */
const INTERIM_HIGH_WATER = 64 * 1024;

/** The connection object of a backend socket, created on its first request. */
export function connOf(socket: Socket): BackendConn {
  return bySocket.get(socket) ?? new BackendConn(socket);
}

/** The request using a connection: told when the socket fails or closes under it. */
export interface ConnOwner {
  connError(err: NodeJS.ErrnoException): void;
  connClosed(): void;
}

/** A backend socket with its response-reading state. */
export class BackendConn {
  readonly socket: Socket;
  /** The request using the connection (null while idle). */
  owner: ConnOwner | null = null;
  #state: State = 'idle';
  readonly #scan = new HeadScan();
  #received = 0;
  #onInterim: (head: ResponseHead) => void = ignore;
  /** Where interim heads are written: the backend is not read while too much of them waits there. */
  #interimTo: InterimSink | null = null;
  #resolve: ((r: HeadResult) => void) | null = null;
  #reject: ((e: BackendResponseError) => void) | null = null;
  #body: BackendBody | null = null;

  constructor(socket: Socket) {
    this.socket = socket;
    bySocket.set(socket, this);
    socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    socket.on('error', this.#onError);
    socket.on('close', this.#onClose);
  }

  /** Waits for the final response head (interim 1xx heads go to `onInterim`); the socket is left paused. */
  readHead(onInterim: (head: ResponseHead) => void, interimTo: InterimSink | null = null): Promise<HeadResult> {
    this.#state = 'head';
    this.#received = 0;
    this.#scan.pending = null;
    this.#onInterim = onInterim;
    this.#interimTo = interimTo;
    const p = new Promise<HeadResult>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    if (this.socket.destroyed) this.#fail(new BackendResponseError(500, 'TSW_PROXY_NO_RESPONSE', 'backend connection closed', true));
    else this.socket.resume();
    return p;
  }

  /** Reads the body that follows the head; `rest` holds the bytes that came with the head. */
  readBody(framing: BodyFraming, rest: Buffer): BackendBody {
    const body = new BackendBody(this.socket, framing);
    this.#body = body;
    this.#state = 'body';
    if (rest.length > 0) body.feed(rest);
    if (!body.isComplete) this.socket.resume();
    return body;
  }

  /** The request is done and the socket stays open for the next one (or the pool): anything heard now closes it. */
  idle(): void {
    this.#state = 'idle';
    this.#body = null;
    this.#onInterim = ignore;
    this.#interimTo = null;
    this.owner = null;
    this.socket.resume();
  }

  /** Hands the raw socket over (a tunnel): no listener of this object stays on it. */
  detach(): void {
    this.#state = 'closed';
    bySocket.delete(this.socket);
    this.socket.off('data', this.#onData);
    this.socket.off('end', this.#onEnd);
    this.socket.off('error', this.#onError);
    this.socket.off('close', this.#onClose);
  }

  /**
   * A backend that sends interim heads without end (each is relayed to the client) to a client that
   * does not read: stop reading the backend while they back up, as for a body, else they pile up in
   * memory without bound; read on when the client has taken them (if the head is still awaited).
   */
  #throttleInterim(): void {
    const sink = this.#interimTo;
    if (sink === null || sink.writableLength <= INTERIM_HIGH_WATER || this.socket.isPaused()) return;
    this.socket.pause();
    sink.once('drain', () => {
      if (this.#state === 'head' && !this.socket.destroyed) this.socket.resume();
    });
  }

  #fail(err: BackendResponseError): void {
    const reject = this.#reject;
    this.#resolve = null;
    this.#reject = null;
    if (this.#state !== 'closed') this.#state = 'idle';
    this.socket.pause();
    reject?.(err);
  }

  #onData = (chunk: Buffer): void => {
    switch (this.#state) {
      case 'head': {
        this.#received += chunk.length;
        let result: HeadResult | null;
        try {
          result = this.#scan.feed(chunk, this.#onInterim);
        } catch (e) {
          this.#fail(e instanceof BackendResponseError ? e : new BackendResponseError(502, 'TSW_PROXY_BAD_RESPONSE', String(e)));
          return;
        }
        if (!result) {
          this.#throttleInterim();
          return;
        }
        const resolve = this.#resolve;
        this.#resolve = null;
        this.#reject = null;
        // nothing is read until the owner says how the body is framed
        this.#state = 'idle';
        this.socket.pause();
        resolve?.(result);
        return;
      }
      case 'body':
        this.#body?.feed(chunk);
        return;
      case 'idle':
      case 'closed':
        // lighttpd closes a connection that talks out of turn
        this.socket.destroy();
        return;
    }
  };

  #onEnd = (): void => {
    switch (this.#state) {
      case 'head': {
        const nothing = this.#received === 0;
        this.#fail(new BackendResponseError(500, 'TSW_PROXY_NO_RESPONSE', nothing ? 'response not received' : 'incomplete response head', nothing));
        return;
      }
      case 'body':
        this.#body?.eof();
        return;
      default:
        this.socket.destroy();
    }
  };

  #onError = (err: NodeJS.ErrnoException): void => {
    this.owner?.connError(err);
    switch (this.#state) {
      case 'head':
        this.#fail(
          err instanceof BackendResponseError
            ? err
            : new BackendResponseError(500, 'TSW_PROXY_NO_RESPONSE', `response not received (${err.code ?? err.message})`, this.#received === 0),
        );
        return;
      case 'body':
        if (this.#body && !this.#body.isComplete) this.#body.destroy(err);
        return;
      default:
    }
  };

  #onClose = (): void => {
    const state = this.#state;
    this.#state = 'closed';
    bySocket.delete(this.socket);
    if (state === 'head') this.#fail(new BackendResponseError(500, 'TSW_PROXY_NO_RESPONSE', 'backend connection closed', this.#received === 0));
    else if (state === 'body') this.#body?.eof();
    const owner = this.owner;
    this.owner = null;
    owner?.connClosed();
  };
}

function ignore(): void {
  // no interim heads expected
}
