/**
 * Forwarding one ordinary HTTP request to a backend and its response back (proxy.md §2, §6): the head
 * is rebuilt, the body is streamed both ways with backpressure, and failures become lighttpd's status
 * codes. The Upgrade path lives in upgrade.ts.
 */
import { validateHeaderName, validateHeaderValue, type ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { RequestCtx } from '../../request/context.js';
import { encodeChunk, LAST_CHUNK } from './chunked.js';
import type { ForwardedOpts, ProxyHeaderOpts } from './options.js';
import type { Prebuffered } from './client-head.js';
import { clientHeadOf } from './client-head.js';
import type { ProxyLease } from './lease.js';
import { reasonPhrase } from '../../http/status-text.js';
import type { RemapCtx } from './remap.js';
import { buildRequestHead, type BackendHead } from './request-head.js';
import { bodyFraming, remapResponseHeaders, type ResponseHead } from './response-head.js';
import { BackendBody, BackendResponseError, readResponseHead } from './response-reader.js';
import { armHostTimeouts } from './write-watch.js';

/** Per-request options of the forwarder. */
export interface ForwardOpts {
  readonly header: ProxyHeaderOpts;
  readonly forwarded: ForwardedOpts | null;
  readonly replaceHttpHost: boolean;
  readonly debug: number;
  readonly log: (message: string) => void;
}

/** The request body as the caller prepared it: some bytes already read, and the stream for the rest. */
export interface BodySource {
  readonly pre: Prebuffered;
  readonly stream: Readable;
  /** Length sent to the backend (null: chunked). */
  readonly length: number | null;
}

/** Builds the backend head for a request on this lease. */
export function headFor(req: RequestCtx, lease: ProxyLease, opts: ForwardOpts, length: number | null): BackendHead {
  return buildRequestHead(clientHeadOf(req, length), {
    header: opts.header,
    forwarded: opts.forwarded,
    replaceHost: opts.replaceHttpHost ? lease.host.spec.label : null,
  });
}

/** Copies the client body to the backend with backpressure; chunk-frames it when `chunked`. */
function pumpBody(body: BodySource, socket: ProxyLease['socket'], chunked: boolean): void {
  const write = (c: Buffer): boolean => {
    if (!chunked) return socket.write(c);
    let ok = true;
    for (const part of encodeChunk(c)) ok = socket.write(part);
    return ok;
  };
  for (const c of body.pre.chunks) write(c);
  if (body.pre.complete || body.stream.readableEnded) {
    if (chunked) socket.write(LAST_CHUNK);
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
    cleanup();
  };
  const cleanup = (): void => {
    src.off('data', onData);
    src.off('end', onEnd);
    socket.off('drain', onDrain);
  };
  src.on('data', onData);
  src.on('end', onEnd);
  socket.on('drain', onDrain);
  socket.once('close', cleanup);
  src.resume();
}

/**
 * Sets the backend's headers on `res`; repeats of a name become one multi-value header (node writes
 * each value on its own line). Headers node refuses to write (bad bytes) are dropped.
 */
function setResponseHeaders(res: ServerResponse, headers: readonly (readonly [string, string])[]): void {
  const grouped = new Map<string, [string, string[]]>();
  for (const [name, value] of headers) {
    try {
      validateHeaderName(name);
      validateHeaderValue(name, value);
    } catch {
      continue;
    }
    const lower = name.toLowerCase();
    const g = grouped.get(lower);
    if (g) g[1].push(value);
    else grouped.set(lower, [name, [value]]);
  }
  // node 20's writeHead(status, [flat list]) keeps only the last of repeated names, so set them here
  for (const [name, values] of grouped.values()) res.setHeader(name, values.length === 1 ? (values[0] ?? '') : values);
}

/** Forwards interim 1xx heads node can express (103 Early Hints) to HTTP/1.1 clients. */
function interimTo(res: ServerResponse, req: RequestCtx): (head: ResponseHead) => void {
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
 * The lease is released when the backend socket closes.
 */
export async function forwardRequest(
  req: RequestCtx,
  res: ServerResponse,
  lease: ProxyLease,
  body: BodySource,
  opts: ForwardOpts,
): Promise<number | null> {
  const { socket } = lease;
  const backendHead = headFor(req, lease, opts, body.length);
  const rc: RemapCtx = {
    opts: opts.header,
    clientHost: req.raw.headers.host !== undefined && req.host !== '' ? req.host : null,
    clientScheme: req.scheme,
    state: backendHead.remap,
  };
  socket.on('error', (err: NodeJS.ErrnoException) => {
    if (opts.debug > 0) opts.log(`${lease.proc.name}: ${err.code ?? err.message}`);
  });
  socket.once('close', () => lease.release());
  const onClientGone = (): void => {
    if (!res.writableFinished) socket.destroy();
  };
  res.once('close', onClientGone);
  socket.write(backendHead.text);
  pumpBody(body, socket, backendHead.chunked);
  armHostTimeouts(socket, lease);

  let head: ResponseHead;
  let rest: Buffer;
  try {
    ({ head, rest } = await readResponseHead(socket, interimTo(res, req)));
  } catch (e) {
    const err = e instanceof BackendResponseError ? e : new BackendResponseError(502, 'TSW_PROXY_BAD_RESPONSE', String(e));
    opts.log(`${err.message} from ${lease.proc.name} for ${req.path}`);
    socket.destroy();
    res.off('close', onClientGone);
    return err.status;
  }
  if (head.status === 101) {
    // no Upgrade was asked for on this path; lighttpd cannot tunnel it either
    opts.log(`unexpected 101 from ${lease.proc.name} for ${req.path}`);
    socket.destroy();
    res.off('close', onClientGone);
    return 502;
  }

  const headers = remapResponseHeaders(head.headers, rc);
  setResponseHeaders(res, headers);
  res.writeHead(head.status, reasonPhrase(head.status));
  const bodyStream = new BackendBody(socket, rest, bodyFraming(head, req.method));
  bodyStream.on('error', (err) => {
    opts.log(`response body from ${lease.proc.name} cut: ${err.message}`);
    socket.destroy();
    res.destroy();
  });
  bodyStream.on('end', () => socket.destroy());
  bodyStream.pipe(res);
  return null;
}
