/**
 * Response side of the core: a hook just before the header block is written (response-start modules,
 * `Server: <server.tag>`, hidden `X-Sendfile` / `X-LIGHTTPD-*` headers, a forced status for
 * `server.error-handler`), byte counting for mod_accesslog, and lighttpd's error documents and
 * body-less statuses (http-core.md §6).
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { builtinErrorPage, reasonPhrase } from '../http/status-text.js';

/** Per-response counters and knobs. */
export interface ResponseTrack {
  /** Runs once, right before the header block is written. */
  beforeHead: () => void;
  /** When set, replaces the status the handler writes (server.error-handler keeps the original). */
  forcedStatus: number;
  bodyBytes: number;
  headerBytes: number;
  headSent: boolean;
  isHead: boolean;
  /** Status-line version: lighttpd answers HTTP/1.0 requests with `HTTP/1.0` (node always writes 1.1). */
  version: 'HTTP/1.0' | 'HTTP/1.1';
}

/** node keeps the serialised header block in this (undocumented, long-standing) field until it is flushed. */
interface StoredHeader {
  _header?: unknown;
}

function chunkLength(chunk: unknown, encoding: unknown): number {
  if (typeof chunk === 'string') return Buffer.byteLength(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  if (chunk instanceof Uint8Array) return chunk.byteLength;
  return 0;
}

function estimateHeaderBytes(res: ServerResponse): number {
  let n = `HTTP/1.1 ${res.statusCode} ${res.statusMessage}\r\n`.length + 2;
  for (const [k, v] of Object.entries(res.getHeaders())) {
    const values = Array.isArray(v) ? v : [v];
    for (const one of values) n += k.length + 4 + String(one).length;
  }
  return n;
}

function dropHiddenHeaders(res: ServerResponse): void {
  for (const name of res.getHeaderNames()) {
    if (name === 'x-sendfile' || name === 'x-sendfile2' || name.startsWith('x-lighttpd-')) res.removeHeader(name);
    else {
      const v = res.getHeader(name);
      if (v === '' || (Array.isArray(v) && v.length === 0)) res.removeHeader(name);
    }
  }
}

/**
 * Adjusts node's serialised header block to lighttpd's: the request's HTTP version in the status line,
 * no `Keep-Alive:` header, no `Connection: keep-alive` on HTTP/1.1 (lighttpd sends it only to HTTP/1.0
 * clients that asked), and `Server:` last (after `Date:`).
 */
export function lighttpdHeaderBlock(head: string, version: 'HTTP/1.0' | 'HTTP/1.1'): string {
  let h = version === 'HTTP/1.0' && head.startsWith('HTTP/1.1 ') ? `HTTP/1.0 ${head.slice(9)}` : head;
  h = h.replace(/\r\nKeep-Alive: [^\r]*(?=\r\n)/i, '');
  if (version === 'HTTP/1.1') h = h.replace(/\r\nConnection: keep-alive(?=\r\n)/i, '');
  const server = /\r\nServer: [^\r]*(?=\r\n)/i.exec(h);
  if (server && h.endsWith('\r\n\r\n')) h = h.slice(0, server.index) + h.slice(server.index + server[0].length, -2) + server[0].slice(2) + '\r\n\r\n';
  return h;
}

/** Wraps writeHead/write/end of one response instance. */
export function instrumentResponse(res: ServerResponse, track: ResponseTrack): void {
  const origWriteHead = res.writeHead.bind(res);
  const origWrite = res.write.bind(res);
  const origEnd = res.end.bind(res);
  const writeHead = function (this: ServerResponse, ...args: unknown[]): ServerResponse {
    if (!track.headSent) {
      track.headSent = true;
      if (track.forcedStatus > 0) {
        args[0] = track.forcedStatus;
        if (typeof args[1] === 'string') args[1] = reasonPhrase(track.forcedStatus);
      }
      if (typeof args[0] === 'number') res.statusCode = args[0];
      const headersArg = typeof args[1] === 'object' ? args[1] : args[2];
      if (headersArg && typeof headersArg === 'object' && !Array.isArray(headersArg)) {
        for (const [k, v] of Object.entries(headersArg as OutgoingHttpHeaders)) if (v !== undefined) res.setHeader(k, v);
        if (typeof args[1] === 'object') args.splice(1, 1);
        else args.splice(2, 1);
      }
      track.beforeHead();
      dropHiddenHeaders(res);
      if (typeof args[1] !== 'string' && reasonPhrase(res.statusCode) !== '') args.splice(1, 0, reasonPhrase(res.statusCode));
      track.headerBytes = estimateHeaderBytes(res);
      const out = Reflect.apply(origWriteHead, this, args) as ServerResponse;
      const stored = res as unknown as StoredHeader;
      const head = stored._header;
      if (typeof head === 'string') {
        const fixed = lighttpdHeaderBlock(head, track.version);
        stored._header = fixed;
        track.headerBytes = fixed.length;
      }
      return out;
    }
    return Reflect.apply(origWriteHead, this, args) as ServerResponse;
  };
  const write = function (this: ServerResponse, ...args: unknown[]): boolean {
    if (!track.isHead) track.bodyBytes += chunkLength(args[0], args[1]);
    return Reflect.apply(origWrite, this, args) as boolean;
  };
  const end = function (this: ServerResponse, ...args: unknown[]): ServerResponse {
    if (!track.isHead && typeof args[0] !== 'function') track.bodyBytes += chunkLength(args[0], args[1]);
    return Reflect.apply(origEnd, this, args) as ServerResponse;
  };
  res.writeHead = writeHead;
  res.write = write;
  res.end = end;
}

/** Removes every header set so far, except WWW-Authenticate on a 401 (lighttpd's error document rule). */
export function resetHeadersForError(res: ServerResponse, status: number): void {
  for (const name of res.getHeaderNames()) {
    if (status === 401 && name === 'www-authenticate') continue;
    res.removeHeader(name);
  }
}

/** Sends lighttpd's error document for status >= 400 (errorfile-prefix file or the built-in page). */
export async function sendErrorDocument(res: ServerResponse, status: number, errorfilePrefix: string): Promise<void> {
  resetHeadersForError(res, status);
  let body: Buffer | null = null;
  if (errorfilePrefix !== '') {
    try {
      body = await readFile(`${errorfilePrefix}${status}.html`);
    } catch {
      body = null;
    }
  }
  if (res.headersSent || res.writableEnded) return;
  const data = body ?? Buffer.from(builtinErrorPage(status), 'latin1');
  res.setHeader('Content-Type', 'text/html');
  res.setHeader('Content-Length', data.length);
  res.writeHead(status);
  res.end(data);
}

/** Sends a status without a body (3xx redirects, OPTIONS 200): `Content-Length: 0`. */
export function sendEmpty(res: ServerResponse, status: number, extra: Readonly<Record<string, string>>): void {
  for (const [k, v] of Object.entries(extra)) res.setHeader(k, v);
  if (status !== 204 && status !== 304) res.setHeader('Content-Length', '0');
  res.writeHead(status);
  res.end();
}
