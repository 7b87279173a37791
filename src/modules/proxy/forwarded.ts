/**
 * The RFC 7239 `Forwarded` header as mod_proxy builds it (proxy.md §2.4): the client's own `Forwarded`
 * is extended, or one is seeded from `X-Forwarded-For`, then this hop's element is appended.
 */
import type { ForwardedOpts } from './options.js';

/** What this hop knows about the connection. */
export interface HopInfo {
  /** Client address: IPv4/IPv6 text, or a unix socket path. */
  readonly remoteAddr: string;
  /**
   * The connecting address when mod_extforward replaced `remoteAddr` (lighttpd: _L_EXTFORWARD_ACTUAL_FOR):
   * `for=` and `X-Forwarded-For` then name this one, quoted.
   */
  readonly actualFor?: string | undefined;
  /** The listener's scheme when mod_extforward changed `scheme` (lighttpd: _L_EXTFORWARD_ACTUAL_PROTO). */
  readonly actualProto?: string | undefined;
  /** The local address and port the client connected to (for `by=`). */
  readonly localAddr: string;
  readonly localPort: number;
  readonly scheme: 'http' | 'https';
  /**
   * The scheme of the socket the client reached (lighttpd: con->srv_socket->is_ssl): what `proto=` names
   * unless mod_extforward changed the scheme; not the https a PROXY header's SSL TLV gave the connection.
   */
  readonly socketScheme: 'http' | 'https';
  /** The client's Host; null when none was sent. */
  readonly host: string | null;
  /** REMOTE_USER set by authentication; null when none. */
  readonly remoteUser: string | null;
}

/** Quotes a value: `"`, `\`, DEL and control characters except TAB get a backslash. */
export function quoteForwarded(v: string): string {
  // eslint-disable-next-line no-control-regex
  return `"${v.replace(/["\\\x00-\x08\x0a-\x1f\x7f]/g, (ch) => `\\${ch}`)}"`;
}

/** The `for=` value: IPv4 bare, IPv6 as `"[…]"`, anything else (unix path) quoted. */
function forValue(addr: string): string {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(addr)) return addr;
  if (addr.includes(':') && !addr.startsWith('/')) return quoteForwarded(`[${addr}]`);
  return quoteForwarded(addr);
}

/** The element this hop adds, parts joined by `;` in lighttpd's order: for, by, proto, host, remote_user. */
export function forwardedElement(opts: ForwardedOpts, hop: HopInfo): string {
  const parts: string[] = [];
  if (opts.for) {
    const actual = hop.actualFor;
    parts.push(`for=${actual === undefined ? forValue(hop.remoteAddr) : quoteForwarded(actual.includes(':') ? `[${actual}]` : actual)}`);
  }
  if (opts.by) {
    const local = hop.localAddr.includes(':') ? `[${hop.localAddr}]` : hop.localAddr;
    parts.push(`by=${quoteForwarded(`${local}:${hop.localPort}`)}`);
  }
  if (opts.proto) parts.push(`proto=${hop.actualProto ?? hop.socketScheme}`);
  if (opts.host && hop.host !== null && hop.host !== '') parts.push(`host=${quoteForwarded(hop.host)}`);
  if (opts.remoteUser && hop.remoteUser !== null) parts.push(`remote_user=${quoteForwarded(hop.remoteUser)}`);
  return parts.join(';');
}

/** `Forwarded` seeded from an `X-Forwarded-For` list: each address becomes `for="<addr>"` (IPv6 bracketed). */
export function seedFromXff(xff: string): string {
  return xff
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '')
    .map((a) => `for=${quoteForwarded(a.includes(':') ? `[${a}]` : a)}`)
    .join(', ');
}
