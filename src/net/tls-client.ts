/**
 * What a TLS connection's handshake decided about the client's certificate (`ssl.verifyclient.*`),
 * recorded by the TLS accept wrapper (src/server/tls-accept.ts) once the handshake is done and read by
 * the connection when it builds its peer (src/http1/connection.ts), so mod_openssl can fill the request
 * environment (SSL_CLIENT_VERIFY, SSL_CLIENT_S_DN, …) as lighttpd 1.4.69 does.
 */
import type { TLSSocket } from 'node:tls';

/** The outcome of client certificate verification for one connection. */
export interface ClientVerify {
  /** `SUCCESS`, `NONE` (no certificate) or `FAILED:<OpenSSL error string of the verify result>`. */
  readonly verify: string;
  /** The client's certificate when `verify` is SUCCESS. */
  readonly cert: ClientCertFacts | null;
}

/** The parts of a verified client certificate that go into the request environment. */
export interface ClientCertFacts {
  /** The subject in OpenSSL's one-line form (`C = DE, O = x, CN = alice`): SSL_CLIENT_S_DN. */
  readonly subjectDn: string;
  /** Short name → value of each subject entry, the last of a repeated name winning: SSL_CLIENT_S_DN_<name>. */
  readonly subjectParts: readonly (readonly [string, string])[];
  /** Serial number in upper-case hex: SSL_CLIENT_M_SERIAL. */
  readonly serial: string;
  /** The certificate as PEM: SSL_CLIENT_CERT. */
  readonly pem: string;
}

/** What mod_openssl reads about a TLS connection. */
export interface TlsClient {
  /** The TLS socket (protocol and cipher are read from it when a request asks). */
  readonly socket: TLSSocket;
  /** The handshake's client verification; null when the listener did not ask for a certificate. */
  readonly verified: ClientVerify | null;
}

const clients = new WeakMap<object, TlsClient>();

/** Records the connection's TLS facts (by the accept wrapper, once the handshake is done). */
export function recordTlsClient(socket: TLSSocket, verified: ClientVerify | null): void {
  clients.set(socket, { socket, verified });
}

/** The recorded TLS facts of a connection's socket, if it is a TLS connection that finished its handshake. */
export function tlsClientOf(socket: object): TlsClient | undefined {
  return clients.get(socket);
}
