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
 *
 * Client certificates (`ssl.verifyclient.*`): the chosen context's check runs once the handshake is
 * done (tls-verify.ts). With enforce, a missing certificate is refused by OpenSSL during the handshake
 * (its alert, as in lighttpd) when every context of the listener enforces; a certificate that fails is
 * refused by closing the connection before any request is read, where lighttpd sends an alert.
 * The outcome is recorded for mod_openssl's request environment (src/net/tls-client.ts).
 */
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import type { Condition } from '../config/tree.js';
import { sniMatches } from './tls-sni.js';
import { recordTlsClient } from '../net/tls-client.js';
import { checkClient, type ClientCheck } from './tls-verify.js';

/** A TLS listener's contexts: its own, and the ones `$HTTP["host"]` blocks select by server name. */
export interface ListenerTls {
  readonly context: SecureContext;
  /** How the listener's own context checks client certificates (null: it asks for none). */
  readonly check: ClientCheck | null;
  readonly sni: readonly { readonly conditions: readonly Condition[]; readonly context: SecureContext; readonly check: ClientCheck | null }[];
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

/**
 * How the listener asks for client certificates: requested when any of its contexts activates
 * verification; OpenSSL itself refuses a missing certificate (lighttpd's alert) only when every context
 * enforces, otherwise checkClient decides after the handshake.
 */
function verifyMode(listener: ListenerTls): { readonly requestCert: boolean; readonly rejectUnauthorized: boolean } {
  const checks = [listener.check, ...listener.sni.map((r) => r.check)];
  return { requestCert: checks.some((c) => c !== null), rejectUnauthorized: checks.every((c) => c?.enforce === true) };
}

/** A wrapper for the engine (Http1Options.secure): each accepted socket → its server-side TLSSocket. */
export function tlsAccept(listener: ListenerTls, log: (source: string, message: string) => void): (socket: Socket) => Socket {
  const sni = listener.sni;
  const mode = verifyMode(listener);
  return (socket) => {
    const remoteAddr = socket.remoteAddress ?? '';
    let check = listener.check;
    let serverName = '';
    const SNICallback = (servername: string, cb: (err: Error | null, ctx?: SecureContext) => void): void => {
      const name = servername.toLowerCase();
      let chosen: ListenerTls['sni'][number] | undefined;
      for (const rule of sni) if (sniMatches(rule, name)) chosen = rule;
      serverName = name;
      check = chosen ? chosen.check : listener.check;
      if (check !== null && !check.hasCa) return cb(caMissing(name));
      cb(null, chosen?.context ?? listener.context);
    };
    const caMissing = (name: string): Error => {
      // lighttpd 1.4.69 starts, then fails each handshake in its certificate callback
      log('mod_openssl.c.1146', `SSL: can't verify client without ssl.verifyclient.ca-file for TLS server name ${name}`);
      log('mod_openssl.c.3275', `SSL: 1 error:0A000179:SSL routines::cert cb error (${remoteAddr})`);
      return new Error('ssl.verifyclient.activate without ssl.verifyclient.ca-file');
    };
    const tls = new TLSSocket(socket, {
      isServer: true,
      secureContext: listener.context,
      ALPNCallback: selectAlpn,
      ...(sni.length > 0 || listener.check !== null ? { SNICallback } : {}),
      ...(mode.requestCert ? mode : {}),
    });
    let secure = false;
    tls.once('secure', () => {
      secure = true;
      if (check === null) {
        recordTlsClient(tls, null);
        return;
      }
      if (!check.hasCa) {
        // no server name was sent, so the SNI callback did not run
        tls.destroy(caMissing(serverName));
        return;
      }
      const outcome = checkClient(tls, check, remoteAddr);
      for (const [source, text] of outcome.log) log(source, text);
      if (outcome.refuse) tls.destroy();
      else recordTlsClient(tls, outcome.verified);
    });
    tls.on('error', (e: Error) => {
      if (secure) return;
      const text = handshakeErrorText(e, remoteAddr);
      if (text !== null) log('mod_openssl.c.3275', text);
    });
    return tls;
  };
}
