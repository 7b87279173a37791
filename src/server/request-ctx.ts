/**
 * Building a RequestCtx from a node:http request, with lighttpd's request checks that node's parser
 * does not do itself (http-core.md §3.2–3.5): known methods (501), version (505), target form (400),
 * Host rules (400), duplicate Host / Content-Length / Content-Type / If-Modified-Since (400),
 * Transfer-Encoding rules (400/501), Upgrade on HTTP/1.0 (400), POST without length (411),
 * GET/HEAD with a body (400).
 */
import type { IncomingMessage } from 'node:http';
import type { RequestCtx } from '../request/context.js';
import { normaliseHost } from '../request/host.js';
import { normaliseTarget } from '../request/normalize.js';
import type { ServerConf } from './server-config.js';

/** Methods lighttpd 1.4.69 knows (src/http_kv.c); anything else is 501. */
const KNOWN_METHODS = new Set(
  ('GET HEAD QUERY POST PUT DELETE CONNECT OPTIONS TRACE ACL BASELINE-CONTROL BIND CHECKIN CHECKOUT COPY LABEL LINK LOCK MERGE ' +
    'MKACTIVITY MKCALENDAR MKCOL MKREDIRECTREF MKWORKSPACE MOVE ORDERPATCH PATCH PROPFIND PROPPATCH REBIND REPORT SEARCH ' +
    'UNBIND UNCHECKOUT UNLINK UNLOCK UPDATE UPDATEREDIRECTREF VERSION-CONTROL PRI').split(' '),
);

/** Where the connection came in. */
export interface ConnInfo {
  readonly serverSocket: string;
  readonly scheme: 'http' | 'https';
  readonly keepAliveIndex: number;
}

/** A built context, and the status lighttpd's parser would answer with (0 = fine). */
export interface BuiltCtx {
  readonly ctx: RequestCtx;
  readonly status: number;
  /** Why the status was chosen (for debug.log-request-header-on-error). */
  readonly reason: string;
}

function unmapV4(addr: string): string {
  return addr.startsWith('::ffff:') && addr.includes('.') ? addr.slice(7) : addr;
}

/** Joins repeated headers the way lighttpd does; returns a reason string for a 400. */
function collectHeaders(raw: IncomingMessage, out: Map<string, string>): string {
  const h = raw.rawHeaders;
  for (let i = 0; i + 1 < h.length; i += 2) {
    const name = (h[i] ?? '').toLowerCase();
    const value = (h[i + 1] ?? '').trim();
    if (value === '') continue; // lighttpd drops headers with an empty value
    const prev = out.get(name);
    if (prev === undefined) {
      out.set(name, value);
      continue;
    }
    switch (name) {
      case 'content-length':
        return 'duplicate Content-Length header';
      case 'host':
      case 'content-type':
      case 'if-modified-since':
      case 'http2-settings':
        if (prev.toLowerCase() !== value.toLowerCase()) return `duplicate ${name} header`;
        break;
      case 'if-none-match':
        break;
      case 'cookie':
        out.set(name, `${prev}; ${value}`);
        break;
      default:
        out.set(name, `${prev}, ${value}`);
    }
  }
  return '';
}

/** Builds the context; `status` is non-zero when lighttpd would reject the request. */
export function buildCtx(raw: IncomingMessage, conn: ConnInfo, server: ServerConf): BuiltCtx {
  const headers = new Map<string, string>();
  const method = raw.method ?? '';
  const targetOrig = raw.url ?? '';
  const protocol = raw.httpVersion === '1.0' ? 'HTTP/1.0' : 'HTTP/1.1';
  const sock = raw.socket;
  const ctx: RequestCtx = {
    raw,
    method,
    protocol,
    targetOrig,
    target: targetOrig,
    path: '',
    query: '',
    host: '',
    scheme: conn.scheme,
    remoteAddr: unmapV4(sock.remoteAddress ?? conn.serverSocket),
    remotePort: sock.remotePort ?? 0,
    localAddr: unmapV4(sock.localAddress ?? ''),
    localPort: sock.localPort ?? 0,
    serverSocket: conn.serverSocket,
    headers,
    env: new Map(),
    captures: new Map(),
    keepAliveIndex: conn.keepAliveIndex,
    startTime: performance.timeOrigin + performance.now(),
  };
  const fail = (status: number, reason: string): BuiltCtx => ({ ctx, status, reason });
  if (raw.httpVersion !== '1.0' && raw.httpVersion !== '1.1') return fail(505, 'unsupported HTTP version');
  if (!KNOWN_METHODS.has(method)) return fail(501, 'unknown http-method');
  const dup = collectHeaders(raw, headers);
  if (dup) return fail(400, dup);

  let authority: string | null = null;
  let originTarget = targetOrig;
  const abs = /^https?:\/\/([^/?#]*)(.*)$/i.exec(targetOrig);
  if (abs) {
    authority = abs[1] ?? '';
    originTarget = abs[2] ?? '';
    if (!originTarget.startsWith('/') || authority.length > 1023) return fail(400, 'request-URI parse error');
  }
  let hostHeader = headers.get('host');
  if (authority !== null) {
    if (hostHeader !== undefined && hostHeader.toLowerCase() !== authority.toLowerCase()) return fail(400, 'duplicate Host header');
    hostHeader = authority;
  }
  if (hostHeader === undefined) {
    if (protocol === 'HTTP/1.1') return fail(400, 'HTTP/1.1 but Host missing');
  } else {
    const h = server.hostStrict ? normaliseHost(hostHeader, conn.scheme) : hostHeader.toLowerCase();
    if (h === null) return fail(400, 'Invalid Hostname');
    Object.assign(ctx, { host: h });
  }

  if (method === 'OPTIONS' && targetOrig === '*') {
    ctx.path = '*';
  } else if (method === 'CONNECT' && /^[0-9:]/.test(targetOrig)) {
    ctx.path = targetOrig;
  } else {
    if (!originTarget.startsWith('/')) return fail(400, 'request-URI parse error');
    const n = normaliseTarget(originTarget, server.url);
    if (!n) return fail(400, 'invalid character in URI');
    ctx.target = n.target;
    ctx.path = n.path;
    ctx.query = n.query;
  }

  const te = headers.get('transfer-encoding');
  const cl = headers.get('content-length');
  if (te !== undefined) {
    if (protocol === 'HTTP/1.0') return fail(400, 'HTTP/1.0 with Transfer-Encoding');
    if (te.toLowerCase() !== 'chunked') return fail(501, 'Transfer-Encoding other than chunked');
    if (cl !== undefined) return fail(400, 'Transfer-Encoding and Content-Length');
  }
  if (cl !== undefined && !/^[0-9]+$/.test(cl)) return fail(400, 'invalid Content-Length header');
  if (protocol === 'HTTP/1.0' && (headers.has('upgrade') || headers.has('http2-settings'))) return fail(400, 'HTTP/1.0 with Upgrade');
  const hasBody = te !== undefined || (cl !== undefined && Number(cl) > 0);
  if ((method === 'GET' || method === 'HEAD') && hasBody) return fail(400, 'GET/HEAD with content-length');
  if (method === 'POST' && te === undefined && cl === undefined) return fail(411, 'POST-request, but content-length missing');
  return { ctx, status: 0, reason: '' };
}
