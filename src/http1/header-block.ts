/**
 * The response header block as lighttpd 1.4.69 writes it (src/response.c http_response_write_header,
 * http-core.md §6.1): status line with the request's version, the handler's headers in the order they
 * were set (empty values and `X-Sendfile` / `X-LIGHTTPD-*` left out, a list value one line per item),
 * then `Connection` when needed, `Date` (cached per second) unless set, `Server` last unless set or empty.
 */
import { reasonPhrase } from '../http/status-text.js';
import { clock } from './clock.js';

/** A header value as a handler may set it. */
export type HeaderValue = number | string | readonly string[];

let cachedSecond = -1;
let cachedDate = '';
/** The engine clock's reading (clock.now) at which the cached second ends. */
let secondEndsAt = -1;

/**
 * `\r\nDate: <IMF-fixdate>` for the current second, formatted once per second. The wall clock is read
 * only when the engine clock (refreshed by every read and the 1 s sweep) passes the end of the cached
 * second, not for every response; a response made long after the last read anywhere may carry the
 * previous second, as lighttpd's once-per-loop time does.
 */
export function dateLine(): string {
  if (clock.now < secondEndsAt) return cachedDate;
  const ms = Date.now();
  const second = Math.floor(ms / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedDate = `\r\nDate: ${new Date(second * 1000).toUTCString()}`;
  }
  secondEndsAt = clock.now + (1000 - (ms - second * 1000));
  return cachedDate;
}

/** The current second (since the epoch) as the `Date` header of a response made now carries it. */
export function currentSecond(): number {
  dateLine();
  return cachedSecond;
}

/** Headers lighttpd never sends to the client (http_response_omit_header). */
export function isHiddenHeader(lower: string): boolean {
  return lower.charCodeAt(0) === 0x78 && (lower === 'x-sendfile' || lower.startsWith('x-lighttpd-'));
}

/** What the block needs besides the handler's headers. */
export interface BlockInfo {
  readonly version: 'HTTP/1.0' | 'HTTP/1.1';
  readonly status: number;
  /** Reason phrase; empty → lighttpd's own for the status. */
  readonly reason: string;
  /** `close`, `keep-alive`, `upgrade` or '' (no Connection header). */
  readonly connection: '' | 'close' | 'keep-alive' | 'upgrade';
  /** Framing headers the engine adds (`Content-Length: n` / `Transfer-Encoding: chunked`), or ''. */
  readonly framing: string;
  readonly serverTag: string;
}

/** What headerLines saw besides the lines (one scratch object: it is read right after the call). */
export const LINES_SEEN = { date: false, server: false };

/**
 * The handler's headers as `\r\nName: value` lines, in the order they were set (three parallel lists:
 * spelling, lower-case name, value), and whether a Date or Server header was among them (LINES_SEEN).
 */
export function headerLines(names: readonly string[], lowers: readonly string[], values: readonly HeaderValue[]): string {
  let s = '';
  let hasDate = false;
  let hasServer = false;
  for (let i = 0; i < names.length; i++) {
    const lower = lowers[i] ?? '';
    // Connection is the engine's (from the keep-alive decision)
    if (isHiddenHeader(lower) || lower === 'connection') continue;
    if (lower === 'date') hasDate = true;
    else if (lower === 'server') hasServer = true;
    const name = names[i] ?? '';
    const value = values[i] ?? '';
    if (typeof value === 'string') {
      if (value !== '') s += `\r\n${name}: ${value}`;
    } else if (typeof value === 'number') {
      s += `\r\n${name}: ${value}`;
    } else {
      for (const v of value) if (v !== '') s += `\r\n${name}: ${v}`;
    }
  }
  LINES_SEEN.date = hasDate;
  LINES_SEEN.server = hasServer;
  return s;
}

/** The block around the handler's lines: status line first; framing, Connection, Date, Server and the empty line after. */
export function wrapLines(lines: string, hasDate: boolean, hasServer: boolean, info: BlockInfo): string {
  let s = `${info.version} ${info.status} ${info.reason !== '' ? info.reason : reasonPhrase(info.status)}${lines}`;
  if (info.framing !== '') s += info.framing;
  if (info.connection !== '') s += `\r\nConnection: ${info.connection}`;
  if (!hasDate) s += dateLine();
  if (!hasServer && info.serverTag !== '') s += `\r\nServer: ${info.serverTag}`;
  return `${s}\r\n\r\n`;
}

/**
 * Serialises the block, ending with the empty line. The handler's headers come in the order they were
 * set, as three parallel lists: spelling, lower-case name, value.
 */
export function headerBlock(names: readonly string[], lowers: readonly string[], values: readonly HeaderValue[], info: BlockInfo): string {
  const lines = headerLines(names, lowers, values);
  return wrapLines(lines, LINES_SEEN.date, LINES_SEEN.server, info);
}
