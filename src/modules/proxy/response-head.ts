/**
 * Parsing and filtering a backend's response head the way lighttpd 1.4.69 does (proxy.md §6.1, §6.2):
 * a strict status line (else 502), lenient header lines (bad ones are dropped, not fatal), hop-by-hop
 * framing headers removed, remap of Location / Content-Location / Set-Cookie. Pure: no sockets.
 */
import { hasResponseRemap, mapSetCookie, mapUri, type RemapCtx } from './remap.js';

/** How the body that follows the head is delimited. */
export type BodyFraming =
  | { readonly kind: 'none' }
  | { readonly kind: 'length'; readonly length: number }
  | { readonly kind: 'chunked' }
  | { readonly kind: 'eof' };

/** A parsed response head, headers already filtered for the client. */
export interface ResponseHead {
  readonly status: number;
  /** Headers to pass on, in backend order (Connection, Transfer-Encoding, … removed). */
  readonly headers: readonly (readonly [string, string])[];
  /** The Content-Length the backend announced (first valid one), or null. */
  readonly contentLength: number | null;
  readonly chunked: boolean;
  /** The backend sent an `Upgrade` header. */
  readonly hasUpgrade: boolean;
  /** The connection may carry another request after this response (HTTP/1.1 without `Connection: close`). */
  readonly keepAlive: boolean;
  /** The idle limit the backend announced in `Keep-Alive: timeout=N`, in ms; null when none. */
  readonly keepAliveMs: number | null;
}

/** A head that cannot be used: the client gets `status` (502 in every current case). */
export class BadResponseError extends Error {
  readonly code = 'TSW_PROXY_BAD_RESPONSE';
}

/** Header names whose lower-case form mod_proxy looks at have these lengths (others are passed as they are). */
const INTERESTING_LENGTHS = new Set(['upgrade', 'connection', 'keep-alive', 'content-type', 'content-length', 'http2-settings', 'transfer-encoding'].map((n) => n.length));
const CLOSE_TOKEN = /(?:^|,)[ \t]*close[ \t]*(?:,|$)/i;
const KEEP_ALIVE_TIMEOUT = /(?:^|[,;])[ \t]*timeout[ \t]*=[ \t]*([0-9]{1,9})/i;

/** True when `name` (the text before the colon) holds a blank: lighttpd drops such lines. */
function hasBlank(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 0x20 || c === 0x09) return true;
  }
  return false;
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/**
 * The status of a strict status line (`HTTP/1.0` or `HTTP/1.1`, a blank, three digits, then a blank
 * or the end), else 0; the minor version goes into `minor[0]`.
 */
function statusOf(line: string, minor: [number]): number {
  if (line.length < 12 || !line.startsWith('HTTP/1.') || line.charCodeAt(8) !== 0x20) return 0;
  const v = line.charCodeAt(7);
  const a = line.charCodeAt(9);
  const b = line.charCodeAt(10);
  const c = line.charCodeAt(11);
  if ((v !== 0x30 && v !== 0x31) || !isDigit(a) || !isDigit(b) || !isDigit(c)) return 0;
  const after = line.charCodeAt(12);
  if (line.length > 12 && after !== 0x20 && after !== 0x09) return 0;
  minor[0] = v - 0x30;
  return (a - 0x30) * 100 + (b - 0x30) * 10 + (c - 0x30);
}

/** Parses the head text (status line and header lines, without the final empty line). */
export function parseResponseHead(text: string): ResponseHead {
  let eol = text.indexOf('\n');
  const first = eol < 0 ? text : text.slice(0, text.charCodeAt(eol - 1) === 0x0d ? eol - 1 : eol);
  const minor: [number] = [0];
  const status = statusOf(first, minor);
  if (status < 100) throw new BadResponseError(`invalid HTTP status line: ${first.slice(0, 80)}`);
  const headers: [string, string][] = [];
  let contentLength: number | null = null;
  let chunked = false;
  let hasUpgrade = false;
  let keepAlive = minor[0] === 1;
  let keepAliveMs: number | null = null;
  while (eol >= 0) {
    const start = eol + 1;
    eol = text.indexOf('\n', start);
    const end = eol < 0 ? text.length : text.charCodeAt(eol - 1) === 0x0d ? eol - 1 : eol;
    const colon = text.indexOf(':', start);
    // lighttpd drops lines without a colon and names with whitespace before the colon
    if (colon <= start || colon >= end) continue;
    const name = text.slice(start, colon);
    if (hasBlank(name)) continue;
    const value = text.slice(colon + 1, end).trim();
    switch (INTERESTING_LENGTHS.has(name.length) ? name.toLowerCase() : '') {
      case 'connection':
        if (CLOSE_TOKEN.test(value)) keepAlive = false;
        continue;
      case 'http2-settings':
        continue;
      case 'transfer-encoding':
        if (value.toLowerCase().split(',').some((t) => t.trim() === 'chunked')) chunked = true;
        continue;
      case 'content-length': {
        if (contentLength !== null || !/^[0-9]+$/.test(value)) continue;
        contentLength = Number(value);
        headers.push([name, value]);
        continue;
      }
      case 'keep-alive': {
        const t = KEEP_ALIVE_TIMEOUT.exec(value);
        if (t && keepAliveMs === null) keepAliveMs = Number(t[1]) * 1000;
        break;
      }
      case 'upgrade':
        hasUpgrade = true;
        break;
      case 'content-type':
        // lighttpd rewrites the obsolete javascript media type
        if (/^application\/javascript/i.test(value)) {
          headers.push([name, `text/javascript${value.slice('application/javascript'.length)}`]);
          continue;
        }
        break;
    }
    headers.push([name, value]);
  }
  if (chunked && contentLength !== null) {
    // RFC 9112 §6.3: Transfer-Encoding overrides Content-Length, which is removed
    contentLength = null;
    const i = headers.findIndex((h) => h[0].toLowerCase() === 'content-length');
    if (i >= 0) headers.splice(i, 1);
  }
  return { status, headers, contentLength, chunked, hasUpgrade, keepAlive, keepAliveMs };
}

/** How the body is delimited, for a response to `method`. */
export function bodyFraming(head: ResponseHead, method: string): BodyFraming {
  if (method === 'HEAD' || head.status < 200 || head.status === 204 || head.status === 304) return { kind: 'none' };
  if (head.chunked) return { kind: 'chunked' };
  if (head.contentLength !== null) return { kind: 'length', length: head.contentLength };
  return { kind: 'eof' };
}

/** Rewrites Location, Content-Location and Set-Cookie for the client when map options are set. */
export function remapResponseHeaders(
  headers: readonly (readonly [string, string])[],
  rc: RemapCtx,
): readonly (readonly [string, string])[] {
  if (!hasResponseRemap(rc.opts)) return headers;
  return headers.map(([name, value]) => {
    const lower = name.toLowerCase();
    if (lower === 'location' || lower === 'content-location') return [name, mapUri(value, rc, 'response')] as const;
    if (lower === 'set-cookie') return [name, mapSetCookie(value, rc)] as const;
    return [name, value] as const;
  });
}

/** Finds the end of a head in `buf` (CRLFCRLF or LFLF): index after the blank line, or -1. */
export function findHeadEnd(buf: Buffer): number {
  for (let i = buf.indexOf(0x0a); i >= 0; i = buf.indexOf(0x0a, i + 1)) {
    if (buf[i + 1] === 0x0a) return i + 2;
    if (buf[i + 1] === 0x0d && buf[i + 2] === 0x0a) return i + 3;
  }
  return -1;
}
