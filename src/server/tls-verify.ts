/**
 * Client certificate verification after the handshake (`ssl.verifyclient.*`), as lighttpd 1.4.69's
 * mod_openssl decides it. node's `tls` lets OpenSSL verify the chain against the context's CA file and
 * CRL but always finishes the handshake; this file reads OpenSSL's result, adds lighttpd's own checks
 * (`ssl.verifyclient.depth`, the issuer named in `ssl.ca-dn-file`), and says whether the connection
 * must be dropped (`ssl.verifyclient.enforce`) and what goes into the request environment.
 */
import { X509Certificate } from 'node:crypto';
import type { DetailedPeerCertificate, TLSSocket } from 'node:tls';
import type { ClientCertFacts, ClientVerify } from '../net/tls-client.js';
import { oneLineDn, subjectEntries } from './tls-dn.js';

/** How one secure context checks client certificates (null in ListenerTls: it does not ask for one). */
export interface ClientCheck {
  /** `ssl.verifyclient.enforce`. */
  readonly enforce: boolean;
  /** `ssl.verifyclient.depth`: the deepest accepted position of a chain certificate (leaf = 0). */
  readonly depth: number;
  /** Subjects (node's multi-line form) of the `ssl.ca-dn-file` certificates; null when unset. */
  readonly issuers: ReadonlySet<string> | null;
  /** false: activated without a CA file; lighttpd fails every handshake of this context. */
  readonly hasCa: boolean;
}

/** The verification outcome and the error-log lines (source, text) it causes. */
export interface CheckOutcome {
  readonly verified: ClientVerify;
  /** The connection must be closed now (enforce and no valid certificate). */
  readonly refuse: boolean;
  readonly log: readonly (readonly [string, string])[];
}

/** OpenSSL's X509_V_ERR numbers by the code node reports (the part after `X509_V_ERR_`). */
const VERIFY_CODES: Readonly<Record<string, number>> = {
  UNABLE_TO_GET_ISSUER_CERT: 2,
  UNABLE_TO_GET_CRL: 3,
  UNABLE_TO_DECRYPT_CERT_SIGNATURE: 4,
  UNABLE_TO_DECRYPT_CRL_SIGNATURE: 5,
  UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY: 6,
  CERT_SIGNATURE_FAILURE: 7,
  CRL_SIGNATURE_FAILURE: 8,
  CERT_NOT_YET_VALID: 9,
  CERT_HAS_EXPIRED: 10,
  CRL_NOT_YET_VALID: 11,
  CRL_HAS_EXPIRED: 12,
  ERROR_IN_CERT_NOT_BEFORE_FIELD: 13,
  ERROR_IN_CERT_NOT_AFTER_FIELD: 14,
  ERROR_IN_CRL_LAST_UPDATE_FIELD: 15,
  ERROR_IN_CRL_NEXT_UPDATE_FIELD: 16,
  OUT_OF_MEM: 17,
  DEPTH_ZERO_SELF_SIGNED_CERT: 18,
  SELF_SIGNED_CERT_IN_CHAIN: 19,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 20,
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 21,
  CERT_CHAIN_TOO_LONG: 22,
  CERT_REVOKED: 23,
  INVALID_CA: 24,
  PATH_LENGTH_EXCEEDED: 25,
  INVALID_PURPOSE: 26,
  CERT_UNTRUSTED: 27,
  CERT_REJECTED: 28,
};

interface VerifyHandle {
  verifyError(): unknown;
}

function hasVerifyError(h: unknown): h is VerifyHandle {
  return typeof h === 'object' && h !== null && 'verifyError' in h && typeof h.verifyError === 'function';
}

/**
 * OpenSSL's verify result for the peer (SSL_get_verify_result) as node reports it: null when it is
 * X509_V_OK. node's tls.Server reads it the same way (its `authorizationError`), but a TLSSocket made
 * around an accepted socket has no public accessor, so the handle's method is used.
 */
function verifyError(tls: TLSSocket): { readonly code: string; readonly message: string } | null {
  const handle: unknown = Reflect.get(tls, '_handle');
  if (!hasVerifyError(handle)) return { code: 'UNSPECIFIED', message: 'unspecified certificate verification error' };
  const e = handle.verifyError();
  if (!(e instanceof Error)) return null;
  const code = 'code' in e && typeof e.code === 'string' ? e.code : 'UNSPECIFIED';
  return { code, message: e.message };
}

/**
 * The subjects of the verified chain, leaf first (the root from the context's CA file last). Read before
 * anything else asks for the peer certificate: after getPeerX509Certificate(), node 20 reports no issuers.
 */
function chainSubjects(peer: DetailedPeerCertificate): string[] {
  const out: string[] = [];
  const seen = new Set<DetailedPeerCertificate>();
  for (let c: DetailedPeerCertificate | undefined = peer; c !== undefined && !seen.has(c) && Object.keys(c).length > 0; c = c.issuerCertificate) {
    seen.add(c);
    out.push(Object.entries(c.subject).map(([k, v]) => `${k} = ${String(v)}`).join(', '));
  }
  return out;
}

function facts(cert: X509Certificate): ClientCertFacts {
  return { subjectDn: oneLineDn(cert.subject), subjectParts: subjectEntries(cert.subject), serial: cert.serialNumber.toUpperCase(), pem: cert.toString() };
}

/** Decides what the handshake's client certificate means for this connection. */
export function checkClient(tls: TLSSocket, check: ClientCheck, remoteAddr: string): CheckOutcome {
  const peer = tls.getPeerCertificate(true);
  const cert = Object.keys(peer).length > 0 ? new X509Certificate(peer.raw) : undefined;
  if (cert === undefined) {
    const log: [string, string][] = check.enforce ? [['mod_openssl.c.3275', `SSL: 1 error:0A0000C7:SSL routines::peer did not return a certificate (${remoteAddr})`]] : [];
    return { verified: { verify: 'NONE', cert: null }, refuse: check.enforce, log };
  }
  let num = 0;
  let text = '';
  let depth = 0;
  let subject = oneLineDn(cert.subject);
  const err = verifyError(tls);
  const chain = chainSubjects(peer);
  // lighttpd's verify callback runs after OpenSSL's own checks, the leaf (depth 0) last, and the error it
  // sets replaces OpenSSL's: an issuer outside ssl.ca-dn-file, else a chain deeper than the limit
  if (check.issuers !== null && !check.issuers.has(cert.issuer)) {
    num = 28;
    text = 'certificate rejected';
  } else if (chain.length - 1 > check.depth) {
    num = 22;
    text = 'certificate chain too long';
    depth = check.depth + 1;
    subject = chain[depth] ?? subject;
  } else if (err !== null) {
    num = VERIFY_CODES[err.code] ?? 1;
    text = err.message;
  }
  if (num === 0) return { verified: { verify: 'SUCCESS', cert: facts(cert) }, refuse: false, log: [] };
  const log: [string, string][] = [['mod_openssl.c.1037', `SSL: verify error:num=${num}:${text}:depth=${depth}:subject=${subject}`]];
  if (num === 2 || num === 20) log.push(['mod_openssl.c.1048', `SSL: issuer=${oneLineDn(cert.issuer)}`]);
  if (check.enforce) log.push(['mod_openssl.c.3275', `SSL: 1 error:0A000086:SSL routines::certificate verify failed (${remoteAddr})`]);
  // lighttpd prints the verify result with ERR_error_string_n(), which knows no X509_V_ERR numbers
  const verify = `FAILED:error:${num.toString(16).toUpperCase().padStart(8, '0')}:lib(0)::reason(${num})`;
  return { verified: { verify, cert: null }, refuse: check.enforce, log };
}
