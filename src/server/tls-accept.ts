/**
 * TLS on an accepted connection: the engine serves the TLSSocket that does the handshake over it
 * (node's `tls`), so requests are read only once the handshake is done. ALPN selects `http/1.1`; a
 * client that offers ALPN without it (h2 only) gets node's no-application-protocol alert (lighttpd
 * would speak HTTP/2 with it; tswstunnel has none). Without ALPN the handshake goes on. A handshake
 * that fails — plain HTTP on the TLS port, a protocol version below the minimum, no common cipher —
 * closes the connection without an HTTP answer and logs one line as lighttpd 1.4.69 does:
 * `SSL: 1 error:0A00009C:SSL routines::http request (127.0.0.1)`.
 */
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';

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
export function tlsAccept(context: SecureContext, log: (source: string, message: string) => void): (socket: Socket) => Socket {
  return (socket) => {
    const remoteAddr = (socket.remoteAddress ?? '').replace(/^::ffff:(?=\d+\.)/, '');
    const tls = new TLSSocket(socket, { isServer: true, secureContext: context, ALPNCallback: selectAlpn });
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
