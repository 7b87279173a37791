/**
 * The WebSocket handshake checks of mod_wstunnel (wstunnel.md §3–§4): which requests are ours,
 * Sec-WebSocket-Version, `wstunnel.origins`, and the sub-protocol / frame-type decision.
 *
 * Deliberate differences from 1.4.69 (docs/compat.md): a sub-protocol is only answered when the
 * client offered it (the rule of lighttpd ≥ 1.4.77; 1.4.69's unrequested `binary` breaks Chromium
 * and `ws`), `base64` really base64-encodes like websockify, and hybi-00 is not implemented.
 */
import { hash } from 'node:crypto';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { dateLine } from '../../http1/header-block.js';
import { builtinErrorPage, reasonPhrase } from '../../http/status-text.js';
import type { RawResponseHead } from '../../request/context.js';

/** Request headers by lower-case name, repeats joined with `, ` (RequestCtx.headers). */
export type HeaderMap = ReadonlyMap<string, string>;

/** How backend bytes travel to the client. */
export type TunnelEncoding = 'text' | 'binary' | 'base64';

/** Splits a comma-separated header into trimmed tokens (repeated headers arrive joined with ", "). */
export function headerTokens(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
}

/** True when the comma-separated `value` has `token` (lower case) in any case; allocates nothing. */
export function hasToken(value: string | undefined, token: string): boolean {
  if (value === undefined) return false;
  let start = 0;
  const n = value.length;
  while (start <= n) {
    let end = value.indexOf(',', start);
    if (end < 0) end = n;
    let a = start;
    let b = end;
    while (a < b && (value.charCodeAt(a) === 32 || value.charCodeAt(a) === 9)) a++;
    while (b > a && (value.charCodeAt(b - 1) === 32 || value.charCodeAt(b - 1) === 9)) b--;
    if (b - a === token.length && value.slice(a, b).toLowerCase() === token) return true;
    start = end + 1;
  }
  return false;
}

/** True for an HTTP/1.1 GET with `Upgrade: websocket` and `Connection: upgrade` tokens (§3). */
export function isWebSocketUpgrade(method: string, protocol: string, headers: HeaderMap): boolean {
  if (method !== 'GET' || protocol !== 'HTTP/1.1') return false;
  const upgrade = headers.get('upgrade');
  // lighttpd's core drops an Upgrade header that mentions h2c
  if (!hasToken(upgrade, 'websocket') || hasToken(upgrade, 'h2c')) return false;
  return hasToken(headers.get('connection'), 'upgrade');
}

/** Result of reading Sec-WebSocket-Version. */
export type VersionCheck = { readonly ok: true; readonly version: number } | { readonly ok: false; readonly status: 400; readonly log: string };

const VERSION_13: VersionCheck = { ok: true, version: 13 };

/**
 * 1.4.69 takes the decimal prefix: ≥ 8 is RFC 6455 (8, 12, 13, 25, "13abc" all work). A value that
 * does not start with a digit is 400. Absent / 0 (hybi-00) and 1–7 are refused with 400 and
 * `Sec-WebSocket-Version: 13`, as lighttpd ≥ 1.4.83 does (hybi-00 is not implemented).
 */
export function checkVersion(value: string | undefined): VersionCheck {
  if (value === '13') return VERSION_13; // what every current client sends
  const m = /^[0-9]+/.exec(value ?? '');
  if (!m) {
    if (value === undefined || value === '') return { ok: false, status: 400, log: 'not supported WebSocket Version (hybi-00)' };
    return { ok: false, status: 400, log: 'invalid Sec-WebSocket-Version' };
  }
  const version = Number.parseInt(m[0], 10);
  if (version < 8) return { ok: false, status: 400, log: 'not supported WebSocket Version' };
  return { ok: true, version };
}

/** Outcome of the origin check: null = allowed; else the status and the log line with its level. */
export interface OriginRefusal {
  readonly status: 400 | 403;
  readonly level: number;
  readonly log: string;
}

/**
 * `wstunnel.origins` (§4.3): no list → no check. Else Origin (or, when absent, Sec-WebSocket-Origin)
 * must equal an entry or end with it right after a `.`; byte-exact and case-sensitive.
 */
export function checkOrigin(origins: readonly string[], headers: HeaderMap): OriginRefusal | null {
  if (origins.length === 0) return null;
  const origin = headers.get('origin') || (headers.get('sec-websocket-origin') ?? '');
  if (origin === '') return { status: 400, level: 1, log: 'Origin header is invalid' };
  for (const allowed of origins) {
    if (origin === allowed) return null;
    if (origin.endsWith(allowed) && origin[origin.length - allowed.length - 1] === '.') return null;
  }
  return { status: 403, level: 3, log: `${origin} does not match any allowed origins` };
}

/** The sub-protocol answer and the encoding it implies. */
export interface Negotiated {
  /** The token to echo, spelled as the client offered it, or null for no header. */
  readonly protocol: string | null;
  readonly encoding: TunnelEncoding;
}

const BINARY_FRAMES: Negotiated = { protocol: null, encoding: 'binary' };
const BINARY_OFFERED: Negotiated = { protocol: 'binary', encoding: 'binary' };
const TEXT_FRAMES: Negotiated = { protocol: null, encoding: 'text' };

/**
 * lighttpd ≥ 1.4.77's rule: `binary` offered → answer it, binary frames; else `base64` offered →
 * answer it, base64 in text frames; else no header and `wstunnel.frame-type` decides. Tokens
 * compare case-insensitively. Never answers a protocol the client did not offer.
 */
export function negotiateSubprotocol(offered: string | undefined, frameType: 'text' | 'binary'): Negotiated {
  if (offered === undefined) return frameType === 'binary' ? BINARY_FRAMES : TEXT_FRAMES;
  if (offered === 'binary') return BINARY_OFFERED; // noVNC, websockify clients, the benchmark
  const tokens = headerTokens(offered);
  const binary = tokens.find((t) => t.toLowerCase() === 'binary');
  if (binary !== undefined) return { protocol: binary, encoding: 'binary' };
  const base64 = tokens.find((t) => t.toLowerCase() === 'base64');
  if (base64 !== undefined) return { protocol: base64, encoding: 'base64' };
  return frameType === 'binary' ? BINARY_FRAMES : TEXT_FRAMES;
}

const KEY_RE = /^[+/0-9A-Za-z]{22}==$/;
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** True for a Sec-WebSocket-Key that is 16 bytes in base64 (RFC 6455 §4.2.1). */
export function isValidKey(key: string | undefined): key is string {
  return key !== undefined && KEY_RE.test(key);
}

function acceptFor(key: string): string {
  return hash('sha1', key + GUID, 'base64');
}

/** The 101's own headers, in lighttpd's order, for a head built by the core (RequestCtx.rawResponseHead). */
export function switchingHeaders(key: string, protocol: string | null): [string, string][] {
  const headers: [string, string][] = [['Upgrade', 'websocket'], ['Sec-WebSocket-Accept', acceptFor(key)]];
  if (protocol !== null) headers.push(['Sec-WebSocket-Protocol', protocol]);
  return headers;
}

/**
 * The 101 response head for `key`, with the negotiated sub-protocol (RFC 6455 §4.2.2), in lighttpd's
 * header order (wstunnel.md §4.5): Upgrade, Sec-WebSocket-Accept, Sec-WebSocket-Protocol, Connection,
 * Date, Server (`serverTag`; none when empty).
 */
export function switchingProtocols(key: string, protocol: string | null, serverTag: string): string {
  const accept = acceptFor(key);
  const proto = protocol === null ? '' : `Sec-WebSocket-Protocol: ${protocol}\r\n`;
  const server = serverTag === '' ? '' : `\r\nServer: ${serverTag}`;
  return `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: ${accept}\r\n${proto}Connection: upgrade${dateLine()}${server}\r\n\r\n`;
}

/**
 * Answers a refused upgrade with lighttpd's small HTML error page and closes the connection (once
 * Node has handed over the raw socket it cannot go back to keep-alive; docs/compat.md). With the
 * core's `rawHead` (response-start hooks loaded) the head is built there, so mod_setenv's headers come too.
 */
export function writeHttpError(socket: Duplex, status: number, serverTag: string, extraHeaders: Readonly<Record<string, string>> = {}, rawHead?: RawResponseHead): SentAnswer {
  const body = builtinErrorPage(status);
  let text: string;
  if (rawHead) {
    text = rawHead(status, [['Content-Type', 'text/html'], ...Object.entries(extraHeaders)], 'close', Buffer.byteLength(body));
  } else {
    const head = [
      `HTTP/1.1 ${status} ${reasonPhrase(status)}`,
      'Content-Type: text/html',
      `Content-Length: ${Buffer.byteLength(body)}`,
      ...Object.entries(extraHeaders).map(([k, v]) => `${k}: ${v}`),
      'Connection: close',
      dateLine().slice(2),
    ];
    if (serverTag !== '') head.push(`Server: ${serverTag}`);
    text = `${head.join('\r\n')}\r\n\r\n`;
  }
  if (!socket.writable) {
    socket.destroy();
    return { head: 0, total: 0 };
  }
  socket.end(`${text}${body}`);
  lingerThenClose(socket);
  const head = Buffer.byteLength(text);
  return { head, total: head + Buffer.byteLength(body) };
}

/** The bytes of an answer writeHttpError wrote: its head, and all (0 when the socket could take none). */
export interface SentAnswer {
  readonly head: number;
  readonly total: number;
}

/** lighttpd's HTTP_LINGER_TIMEOUT: how long a refused client gets to close after the answer. */
const LINGER_MS = 5000;

/**
 * After an answer that ends the connection: read and drop what the client still sends, and close on
 * its FIN or after LINGER_MS (lighttpd's connection_handle_shutdown). The engine lends the socket
 * paused, and server sockets allow half-open connections: left alone, it would never see the FIN and
 * stay open for good.
 */
function lingerThenClose(socket: Duplex): void {
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  socket.once('end', () => {
    if (socket instanceof Socket) socket.destroySoon();
    else socket.destroy();
  });
  socket.resume();
}
