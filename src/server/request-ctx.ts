/**
 * Building a RequestCtx from an engine request, with the checks lighttpd makes after the head parsed
 * (src/request.c http_request_parse; http-core.md §3.4, §3.5), in lighttpd's order: target
 * normalisation (400), Host policy (400), HTTP/1.1 without Host (400), Upgrade / HTTP2-Settings without
 * HTTP/1.1 (400), POST without length (411), Transfer-Encoding with Content-Length (400), GET/HEAD with a
 * body (400). The head parser (src/http1/request-head.ts) already answered the syntax errors.
 */
import { clock } from '../http1/clock.js';
import type { HttpRequest } from '../http1/request.js';
import { NO_CAPTURES, NO_ENV, type RequestCtx } from '../request/context.js';
import { normaliseHost } from '../request/host.js';
import { normaliseTarget } from '../request/normalize.js';
import type { CoreConf } from './core-config.js';
import type { ServerConf } from './server-config.js';

/** Where the connection came in (its scheme is the connection's own: HttpRequest.peer). */
export interface ConnInfo {
  readonly serverSocket: string;
}

/** A built context, and the status lighttpd's parser would answer with (0 = fine). */
export interface BuiltCtx {
  readonly ctx: RequestCtx;
  readonly status: number;
  /** Why the status was chosen (for debug.log-request-header-on-error). */
  readonly reason: string;
}

/** Normalised Host values by scheme: clients repeat the same few (bounded; cleared when full). */
const hostCache = { http: new Map<string, string | null>(), https: new Map<string, string | null>() };
const HOST_CACHE_MAX = 512;

/** The last Host value seen and its result: keep-alive clients repeat one value (compared, not hashed). */
let lastHost = { value: '', scheme: '', result: null as string | null };

function hostOf(value: string, scheme: 'http' | 'https'): string | null {
  const last = lastHost;
  if (value === last.value && scheme === last.scheme) return last.result;
  const cache = hostCache[scheme];
  let h = cache.get(value);
  if (h === undefined) {
    h = normaliseHost(value, scheme);
    if (cache.size >= HOST_CACHE_MAX) cache.clear();
    cache.set(value, h);
  }
  lastHost = { value, scheme, result: h };
  return h;
}

function fail(ctx: RequestCtx, status: number, reason: string): BuiltCtx {
  return { ctx, status, reason };
}

/**
 * Builds the context; `status` is non-zero when lighttpd would reject the request. `core`: the global
 * block's core config, in effect until the first pass begins (router beginPass).
 */
export function buildCtx(raw: HttpRequest, conn: ConnInfo, server: ServerConf, core: Readonly<CoreConf>): BuiltCtx {
  const head = raw.head;
  const peer = raw.peer;
  const ctx: RequestCtx = {
    raw,
    method: head.method,
    protocol: head.version === '1.1' ? 'HTTP/1.1' : 'HTTP/1.0',
    targetOrig: head.target,
    target: head.target,
    path: '',
    query: '',
    host: '',
    scheme: peer.scheme,
    remoteAddr: peer.remoteAddr !== '' ? peer.remoteAddr : conn.serverSocket,
    remotePort: peer.remotePort,
    localAddr: peer.localAddr,
    localPort: peer.localPort,
    serverSocket: conn.serverSocket,
    headers: head.headers,
    env: NO_ENV,
    captures: NO_CAPTURES,
    core,
    match: null,
    keepAliveIndex: raw.keepAliveIndex,
    // the engine's clock, read when the bytes that completed the head arrived (lighttpd: the start of the read)
    startTime: performance.timeOrigin + clock.now,
  };
  if (head.status !== 0) return fail(ctx, head.status, head.reason);

  const target = head.target;
  if (head.method === 'CONNECT' || (head.method === 'OPTIONS' && target === '*')) {
    ctx.path = target;
  } else {
    if (target.charCodeAt(0) !== 0x2f) return fail(ctx, 400, 'uri-path does not begin with \'/\'');
    const n = normaliseTarget(target, server.url);
    if (!n) return fail(ctx, 400, 'invalid character in URI');
    ctx.target = n.target;
    ctx.path = n.path;
    ctx.query = n.query;
  }

  if (head.host !== null) {
    const h = server.hostStrict ? hostOf(head.host, peer.scheme) : head.host;
    if (h === null) return fail(ctx, 400, 'Invalid Hostname');
    (ctx as { host: string }).host = h;
  } else if (head.version === '1.1') {
    return fail(ctx, 400, 'HTTP/1.1 but Host missing');
  }

  if (head.version !== '1.1' && (head.headers.has('upgrade') || head.headers.has('http2-settings'))) {
    return fail(ctx, 400, 'invalid hop-by-hop header w/o HTTP/1.1');
  }
  if (head.bodyLength === 0) {
    if (head.method === 'POST' && !head.hasContentLength) return fail(ctx, 411, 'POST-request, but content-length missing');
  } else {
    if (head.bodyLength === -1 && head.hasContentLength) {
      if (server.headerStrict) return fail(ctx, 400, 'invalid Transfer-Encoding + Content-Length');
      head.headers.delete('content-length');
    }
    if ((head.method === 'GET' || head.method === 'HEAD') && !server.methodGetBody) return fail(ctx, 400, 'GET/HEAD with content-length');
  }
  return { ctx, status: 0, reason: '' };
}
