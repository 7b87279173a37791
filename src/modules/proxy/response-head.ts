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
}

/** A head that cannot be used: the client gets `status` (502 in every current case). */
export class BadResponseError extends Error {
  readonly code = 'TSW_PROXY_BAD_RESPONSE';
}

const STATUS_LINE = /^HTTP\/1\.[01] ([0-9]{3})(?:[ \t]|$)/;

/** Parses the head text (status line and header lines, without the final empty line). */
export function parseResponseHead(text: string): ResponseHead {
  const lines = text.split(/\r?\n/);
  const first = lines[0] ?? '';
  const m = STATUS_LINE.exec(first);
  const status = m ? Number(m[1]) : 0;
  if (status < 100) throw new BadResponseError(`invalid HTTP status line: ${first.slice(0, 80)}`);
  const headers: [string, string][] = [];
  let contentLength: number | null = null;
  let chunked = false;
  let hasUpgrade = false;
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    // lighttpd drops lines without a colon and names with whitespace before the colon
    if (colon <= 0 || /[ \t]/.test(line.slice(0, colon))) continue;
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    switch (name.toLowerCase()) {
      case 'connection':
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
  return { status, headers, contentLength, chunked, hasUpgrade };
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
): (readonly [string, string])[] {
  if (!hasResponseRemap(rc.opts)) return [...headers];
  return headers.map(([name, value]) => {
    const lower = name.toLowerCase();
    if (lower === 'location' || lower === 'content-location') return [name, mapUri(value, rc, 'response')] as const;
    if (lower === 'set-cookie') return [name, mapSetCookie(value, rc)] as const;
    return [name, value] as const;
  });
}

/** Finds the end of a head in `buf` (CRLFCRLF or LFLF): index after the blank line, or -1. */
export function findHeadEnd(buf: Buffer): number {
  for (let i = 0; i < buf.length; i++) {
    if (buf[i] !== 0x0a) continue;
    if (buf[i + 1] === 0x0a) return i + 2;
    if (buf[i + 1] === 0x0d && buf[i + 2] === 0x0a) return i + 3;
  }
  return -1;
}
