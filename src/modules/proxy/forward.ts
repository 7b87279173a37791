/**
 * Forwarding one ordinary HTTP request to a backend and its response back (proxy.md §2, §6): the head
 * is rebuilt, the body is streamed both ways with backpressure, and failures become lighttpd's status
 * codes. The Upgrade path lives in upgrade.ts.
 *
 * Backend connections are kept alive (an addition to lighttpd, which closes each one): a connection
 * goes back to the keep-alive pool when the request body was sent in full, the response was read
 * exactly to its end, and neither side asked to close. A request that went out on a reused connection
 * which turns out to be closed (not a byte of a response came back) is sent once more on a new
 * connection, and only when that is safe: the method is idempotent and the whole body is still in hand
 * (the caller takes reused connections for such requests only).
 */
import type { HttpResponse } from '../../http1/response.js';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { RequestCtx } from '../../request/context.js';
import { encodeChunk, LAST_CHUNK } from './chunked.js';
import type { ForwardedOpts, ProxyHeaderOpts } from './options.js';
import type { Prebuffered } from './client-head.js';
import { clientHeadOf } from './client-head.js';
import { connOf, type BackendConn, type ConnOwner } from './backend-conn.js';
import type { HostTimeouts } from './host-timeouts.js';
import type { ProxyLease } from './lease.js';
import { reasonPhrase } from '../../http/status-text.js';
import type { RemapCtx } from './remap.js';
import { buildRequestHead, type BackendHead } from './request-head.js';
import { bodyFraming, remapResponseHeaders, type ResponseHead } from './response-head.js';
import { BackendResponseError, type HeadResult } from './response-reader.js';

/** Per-request options of the forwarder. */
export interface ForwardOpts {
  readonly header: ProxyHeaderOpts;
  readonly forwarded: ForwardedOpts | null;
  readonly replaceHttpHost: boolean;
  readonly debug: number;
  readonly log: (message: string) => void;
}

/** What the forwarder uses of its module besides the request. */
export interface ForwardEnv {
  /** The module's host-timeout checker (one timer for all backend sockets). */
  readonly timeouts: HostTimeouts;
  /** Backend sockets in use by requests, closed at shutdown. */
  readonly active: Set<Socket>;
  /** A lease on a new connection (no reuse), to send a request again; null when none can be had. */
  readonly retry: () => Promise<ProxyLease | null>;
}

/** The request body as the caller prepared it: some bytes already read, and the stream for the rest. */
export interface BodySource {
  readonly pre: Prebuffered;
  readonly stream: Readable;
  /** Length sent to the backend (null: chunked). */
  readonly length: number | null;
}

/** RFC 9110 §9.2.2: methods whose requests may be repeated with the same effect. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

/** A request body this size or smaller goes out in the same write as the head. */
const SMALL_BODY = 16 * 1024;

/**
 * True when the request may be sent again if its connection turns out closed: an idempotent method
 * and a body that is empty or fully read already (nothing of it is consumed by sending it).
 */
export function isReplayable(method: string, body: BodySource): boolean {
  return IDEMPOTENT.has(method) && (body.length === 0 || body.pre.complete);
}

/** Builds the backend head for a request on this lease. */
export function headFor(req: RequestCtx, lease: ProxyLease, opts: ForwardOpts, length: number | null, keepAlive: boolean): BackendHead {
  return buildRequestHead(clientHeadOf(req, length), {
    header: opts.header,
    forwarded: opts.forwarded,
    replaceHost: opts.replaceHttpHost ? lease.host.spec.label : null,
    keepAlive,
  });
}

/** One lease in use by one request: the connection's owner for now, its timeouts, and how it ends. */
class LeaseInUse implements ConnOwner {
  readonly lease: ProxyLease;
  readonly conn: BackendConn;
  /** The whole request body went out (a connection is only kept after that). */
  bodySent = false;
  readonly #env: ForwardEnv;
  readonly #opts: ForwardOpts;
  #ended = false;

  constructor(lease: ProxyLease, env: ForwardEnv, opts: ForwardOpts) {
    this.lease = lease;
    this.#env = env;
    this.#opts = opts;
    this.conn = connOf(lease.socket);
    this.conn.owner = this;
    env.active.add(lease.socket);
    env.timeouts.watch(lease.socket, lease);
  }

  /** Done with the connection: kept for another request when `reusable` (and the body went out), else closed. */
  end(reusable: boolean, keepAliveMs: number | null = null): void {
    if (this.#ended) return;
    this.#ended = true;
    const { socket } = this.lease;
    this.#env.active.delete(socket);
    this.#env.timeouts.unwatch(socket);
    if (reusable && this.bodySent && !socket.destroyed) {
      this.conn.idle();
      this.lease.keep(keepAliveMs);
    } else {
      this.conn.owner = null;
      socket.destroy();
      this.lease.release();
    }
  }

  connError(err: NodeJS.ErrnoException): void {
    if (this.#opts.debug > 0) this.#opts.log(`${this.lease.proc.name}: ${err.code ?? err.message}`);
  }

  connClosed(): void {
    this.end(false);
  }
}

/** Writes the head and the body (chunk-framed when `head.chunked`) with backpressure; marks `use.bodySent`. */
function sendRequest(use: LeaseInUse, head: BackendHead, body: BodySource): void {
  const { socket } = use.lease;
  const { pre } = body;
  if (body.length === 0 || (pre.complete && !head.chunked)) {
    // the common case: the whole request in one write
    if (pre.length === 0) socket.write(head.text, 'latin1');
    else if (pre.length <= SMALL_BODY) socket.write(Buffer.concat([Buffer.from(head.text, 'latin1'), ...pre.chunks]));
    else {
      socket.write(head.text, 'latin1');
      for (const c of pre.chunks) socket.write(c);
    }
    use.bodySent = true;
    return;
  }
  socket.write(head.text, 'latin1');
  pumpBody(use, body, head.chunked);
}

/** Copies the client body to the backend with backpressure; chunk-frames it when `chunked`. */
function pumpBody(use: LeaseInUse, body: BodySource, chunked: boolean): void {
  const { socket } = use.lease;
  const write = (c: Buffer): boolean => {
    if (!chunked) return socket.write(c);
    let ok = true;
    for (const part of encodeChunk(c)) ok = socket.write(part);
    return ok;
  };
  for (const c of body.pre.chunks) write(c);
  if (body.pre.complete || body.stream.readableEnded) {
    if (chunked) socket.write(LAST_CHUNK);
    use.bodySent = true;
    return;
  }
  const src = body.stream;
  const onData = (c: Buffer): void => {
    if (!write(c)) src.pause();
  };
  const onDrain = (): void => {
    src.resume();
  };
  const onEnd = (): void => {
    if (chunked && !socket.destroyed) socket.write(LAST_CHUNK);
    use.bodySent = true;
    cleanup();
  };
  const cleanup = (): void => {
    src.off('data', onData);
    src.off('end', onEnd);
    socket.off('drain', onDrain);
    socket.off('close', cleanup);
  };
  src.on('data', onData);
  src.on('end', onEnd);
  socket.on('drain', onDrain);
  socket.once('close', cleanup);
  src.resume();
}

/**
 * Sets the backend's headers on `res`; repeats of a name become one multi-value header (written one
 * line per value, first spelling kept). Headers the response refuses (bad bytes) are dropped.
 */
function setResponseHeaders(res: HttpResponse, headers: readonly (readonly [string, string])[]): void {
  for (const [name, value] of headers) {
    try {
      res.appendHeader(name, value);
    } catch {
      // invalid name or value characters: dropped, as before (lighttpd would pass the bytes on)
    }
  }
}

/** Forwards interim 1xx heads node can express (103 Early Hints) to HTTP/1.1 clients. */
function interimTo(res: HttpResponse, req: RequestCtx): (head: ResponseHead) => void {
  return (head) => {
    if (head.status !== 103 || req.raw.httpVersion !== '1.1') return;
    const hints: Record<string, string | string[]> = {};
    for (const [name, value] of head.headers) {
      const lower = name.toLowerCase();
      const prev = hints[lower];
      hints[lower] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
    }
    if (hints.link !== undefined) res.writeEarlyHints(hints);
  };
}

/**
 * Sends the request on `lease` and relays the response to `res`. Resolves with a status for the core to
 * answer with (nothing was written), or null once the response was written (or the client went away).
 * The lease ends (kept or closed) when the response has been read from the backend.
 */
export async function forwardRequest(
  req: RequestCtx,
  res: HttpResponse,
  lease: ProxyLease,
  body: BodySource,
  opts: ForwardOpts,
  env: ForwardEnv,
): Promise<number | null> {
  let backendHead = headFor(req, lease, opts, body.length, true);
  let use = new LeaseInUse(lease, env, opts);
  const onClientGone = (): void => {
    if (!res.writableFinished) use.end(false);
  };
  res.once('close', onClientGone);
  let result: HeadResult;
  for (;;) {
    sendRequest(use, backendHead, body);
    try {
      result = await use.conn.readHead(interimTo(res, req), res.socket);
      break;
    } catch (e) {
      const err = e instanceof BackendResponseError ? e : new BackendResponseError(502, 'TSW_PROXY_BAD_RESPONSE', String(e));
      const { proc, reused } = use.lease;
      use.end(false);
      if (reused && err.nothingReceived && isReplayable(req.method, body) && !res.destroyed) {
        // the backend closed the idle connection while the request was on its way: nothing was processed
        if (opts.debug > 0) opts.log(`reused connection to ${proc.name} closed before a response; ${req.method} ${req.path} sent again on a new connection`);
        const fresh = await env.retry();
        if (!fresh) {
          res.off('close', onClientGone);
          return 503;
        }
        if (opts.replaceHttpHost) backendHead = headFor(req, fresh, opts, body.length, true);
        use = new LeaseInUse(fresh, env, opts);
        continue;
      }
      opts.log(`${err.message} from ${proc.name} for ${req.path}`);
      res.off('close', onClientGone);
      return err.status;
    }
  }
  const { head, rest } = result;
  const { proc } = use.lease;
  if (head.status === 101) {
    // no Upgrade was asked for on this path; lighttpd cannot tunnel it either
    opts.log(`unexpected 101 from ${proc.name} for ${req.path}`);
    use.end(false);
    res.off('close', onClientGone);
    return 502;
  }

  const rc: RemapCtx = {
    opts: opts.header,
    clientHost: req.headers.has('host') && req.host !== '' ? req.host : null,
    clientScheme: req.scheme,
    state: backendHead.remap,
  };
  // a Keep-Alive header answers our `Connection: keep-alive` to the backend: it describes that hop, not
  // the client's (lighttpd sends close there, so its clients never see one from an ordinary backend)
  const headers = backendHead.keepAlive ? head.headers.filter((h) => h[0].length !== 10 || h[0].toLowerCase() !== 'keep-alive') : head.headers;
  setResponseHeaders(res, remapResponseHeaders(headers, rc));
  res.writeHead(head.status, reasonPhrase(head.status));
  const framing = bodyFraming(head, req.method);
  const reusable = backendHead.keepAlive && head.keepAlive;
  if (framing.kind === 'none') {
    use.end(reusable && rest.length === 0, head.keepAliveMs);
    res.end();
    return null;
  }
  if (framing.kind === 'length' && rest.length >= framing.length) {
    // the whole body came with the head: no stream needed
    use.end(reusable && rest.length === framing.length, head.keepAliveMs);
    res.end(rest.length === framing.length ? rest : rest.subarray(0, framing.length));
    return null;
  }
  const thisUse = use;
  const bodyStream = use.conn.readBody(framing, rest);
  bodyStream.on('error', (err) => {
    opts.log(`response body from ${proc.name} cut: ${err.message}`);
    thisUse.end(false);
    res.destroy();
  });
  bodyStream.on('end', () => thisUse.end(reusable && bodyStream.isClean, head.keepAliveMs));
  bodyStream.pipe(res);
  return null;
}
