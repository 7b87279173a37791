/**
 * TLS on an accepted connection: the engine serves the TLSSocket that does the handshake over it
 * (node's `tls`), so requests are read only once the handshake is done. ALPN selects `http/1.1`; a
 * client that offers ALPN without it (h2 only) gets node's no-application-protocol alert (lighttpd
 * would speak HTTP/2 with it; tswstunnel has none). Without ALPN the handshake goes on. The server
 * name (SNI) picks the context of the last `$HTTP["host"]` rule it matches (tls-sni.ts), else the
 * listener's own. A handshake
 * that fails — plain HTTP on the TLS port, a protocol version below the minimum, no common cipher —
 * closes the connection without an HTTP answer and logs one line as lighttpd 1.4.69 does:
 * `SSL: 1 error:0A00009C:SSL routines::http request (127.0.0.1)`.
 */
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import type { Condition } from '../config/tree.js';
import { sniMatches } from './tls-sni.js';

/** A TLS listener's contexts: its own, and the ones `$HTTP["host"]` blocks select by server name. */
export interface ListenerTls {
  readonly context: SecureContext;
  readonly sni: readonly { readonly conditions: readonly Condition[]; readonly context: SecureContext }[];
}

/** OpenSSL's packed error code and reason from node's message (`…:error:0A00009C:SSL routines:fn:reason:…`). */
const OPENSSL_ERROR = /error:([0-9A-Fa-f]{8}):([^:]*):[^:]*:([^:]*)/;

/** The error-log text for a failed handshake, or null for what is not a TLS error (a reset, a close). */
export function handshakeErrorText(e: Error, remoteAddr: string): string | null {
  const code = 'code' in e && typeof e.code === 'string' ? e.code : '';
  if (!code.startsWith('ERR_SSL_')) return null;
  const m = OPENSSL_ERROR.exec(e.message);
  const detail = m ? `error:${m[1] ?? ''}:${m[2] ?? ''}::${m[3] ?? ''}` : e.message.trim();
  return `SSL: 1 ${detail} (${remoteAddr})`;
}

function selectAlpn(offer: { readonly protocols: readonly string[] }): string | undefined {
  return offer.protocols.includes('http/1.1') ? 'http/1.1' : undefined;
}

/** A wrapper for the engine (Http1Options.secure): each accepted socket → its server-side TLSSocket. */
export function tlsAccept(listener: ListenerTls, log: (source: string, message: string) => void): (socket: Socket) => Socket {
  const sni = listener.sni;
  const SNICallback = (servername: string, cb: (err: Error | null, ctx?: SecureContext) => void): void => {
    const name = servername.toLowerCase();
    let chosen: SecureContext | undefined;
    for (const rule of sni) if (sniMatches(rule, name)) chosen = rule.context;
    cb(null, chosen ?? listener.context);
  };
  return (socket) => {
    const remoteAddr = (socket.remoteAddress ?? '').replace(/^::ffff:(?=\d+\.)/, '');
    const tls = new TLSSocket(socket, { isServer: true, secureContext: listener.context, ALPNCallback: selectAlpn, ...(sni.length > 0 ? { SNICallback } : {}) });
    let secure = false;
    tls.once('secure', () => {
      secure = true;
    });
    tls.on('error', (e: Error) => {
      if (secure) return;
      const text = handshakeErrorText(e, remoteAddr);
      if (text !== null) log('mod_openssl.c.3275', text);
    });
    return tls;
  };
}
