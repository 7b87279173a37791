/**
 * A TLS listener's secure context from its settings (tls-options.ts), built once at startup. What
 * cannot be used — no `ssl.pemfile`, a file that cannot be read, no certificate or key in it, a key
 * that does not belong to the certificate, a cipher string OpenSSL rejects — is a StartupError with
 * the line lighttpd 1.4.69 logs for it (exit 255), never a stack trace.
 */
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContext } from 'node:tls';
import { StartupError } from './startup-error.js';
import type { TlsSettings } from './tls-options.js';
import { tlsProtocol } from './tls-protocol.js';
import { strerror } from '../strerror.js';
import type { ClientCheck } from './tls-verify.js';

/** A built context, how it checks client certificates, and the warnings to log about the settings. */
export interface BuiltTls {
  readonly context: SecureContext;
  /** null: no client certificate is asked for (`ssl.verifyclient.activate` off). */
  readonly check: ClientCheck | null;
  readonly warnings: readonly string[];
}

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[^-]*-----END CERTIFICATE-----/g;
const KEY_BLOCK = /-----BEGIN ((?:RSA |EC |ENCRYPTED |DSA )?PRIVATE KEY)-----[^-]*-----END \1-----/;

const CRL_BLOCK = /-----BEGIN X509 CRL-----[^-]*-----END X509 CRL-----/g;

/** OpenSSL's packed "system library" errors (ERR_LIB_SYS, errno) for the file errors lighttpd reports. */
const SYS_ERRNO: Readonly<Record<string, number>> = { ENOENT: 2, EACCES: 13, EISDIR: 21 };

function fail(message: string, source: string): never {
  throw new StartupError('TSW_TLS', message, source);
}

function errCode(e: unknown): string {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : '';
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'latin1');
  } catch (e) {
    return fail(`fdevent_load_file() ${path}: ${strerror(errCode(e)) ?? (e instanceof Error ? e.message : String(e))}`, 'fdevent.c.647');
  }
}

/** A CA / DN / CRL file, read as OpenSSL's BIO would: a failure is lighttpd's `SSL: error:8000000N:system library::…` line. */
function readOpenSslFile(path: string, source: string): string {
  try {
    return readFileSync(path, 'latin1');
  } catch (e) {
    const code = errCode(e);
    const n = SYS_ERRNO[code] ?? 0;
    return fail(`SSL: error:${(0x80000000 + n).toString(16).toUpperCase()}:system library::${strerror(code) ?? code} ${path}`, source);
  }
}

/** The trusted CA certificates of `ssl.ca-file` (lighttpd: an empty file is a startup error). */
function caCertificates(path: string): X509Certificate[] {
  const text = readOpenSslFile(path, 'mod_openssl.c.2790');
  if ((text.match(CERT_BLOCK) ?? []).length === 0) fail(`SSL: ssl.verifyclient.ca-file is empty ${path}`, 'mod_openssl.c.759');
  return certificates(path, text, 'X509 certificates');
}

/** The CRLs of a CRL file (PEM; certificates in it are not used). */
function crls(path: string): string[] {
  return readOpenSslFile(path, 'mod_openssl.c.789').match(CRL_BLOCK) ?? [];
}

/** The subjects of `ssl.ca-dn-file`: the issuers a client certificate may have. */
function dnNames(path: string): Set<string> {
  const text = readOpenSslFile(path, 'mod_openssl.c.2808');
  return new Set(certificates(path, text, 'X509 certificates').map((c) => c.subject));
}

/** The certificates of a PEM file, each checked; an error names the file as lighttpd does. */
function certificates(path: string, text: string, what: string): X509Certificate[] {
  const blocks = text.match(CERT_BLOCK) ?? [];
  const certs: X509Certificate[] = [];
  for (const b of blocks) {
    try {
      certs.push(new X509Certificate(b));
    } catch {
      break;
    }
  }
  if (certs.length === 0 || certs.length !== blocks.length) fail(`SSL: couldn't read ${what} from '${path}'`, 'mod_openssl.c.1327');
  return certs;
}

function privateKey(path: string, text: string): { readonly pem: string; readonly key: KeyObject } {
  const block = KEY_BLOCK.exec(text);
  if (block) {
    try {
      return { pem: block[0], key: createPrivateKey(block[0]) };
    } catch {
      // reported below
    }
  }
  return fail(`SSL: couldn't read private key from '${path}'`, 'mod_openssl.c.1367');
}

/** Builds the secure context of a listener whose `ssl.engine` is enabled. */
export function buildTlsContext(s: TlsSettings): BuiltTls {
  if (s.pemfile === '') fail('ssl.pemfile has to be set when ssl.engine = "enable"', 'mod_openssl.c.2659');
  const pemText = readText(s.pemfile);
  const chain = certificates(s.pemfile, pemText, 'X509 certificate');
  const keyPath = s.privkey !== '' ? s.privkey : s.pemfile;
  const key = privateKey(keyPath, keyPath === s.pemfile ? pemText : readText(keyPath));
  const leaf = chain[0];
  if (leaf === undefined || !leaf.checkPrivateKey(key.key)) {
    fail(`SSL: Private key does not match the certificate public key: ${s.pemfile} ${keyPath}`, 'mod_openssl.c.1701');
  }
  const extra = s.caFile !== '' ? caCertificates(s.caFile) : [];
  const revoked = s.caFile !== '' && s.caCrlFile !== '' ? crls(s.caCrlFile) : [];
  const issuers = s.caDnFile !== '' ? dnNames(s.caDnFile) : null;
  const check: ClientCheck | null = s.verifyActivate ? { enforce: s.verifyEnforce, depth: s.verifyDepth, issuers, hasCa: extra.length > 0 } : null;
  const { protocol, warnings, errors } = tlsProtocol(s.cipherList, s.confCmd);
  const firstError = errors[0];
  if (firstError !== undefined) fail(firstError, 'mod_openssl.c.1989');
  try {
    const context = createSecureContext({
      cert: chain.map((c) => c.toString()).join(''),
      key: key.pem,
      ...(extra.length > 0 ? { ca: extra.map((c) => c.toString()) } : {}),
      ...(revoked.length > 0 ? { crl: revoked } : {}),
      minVersion: protocol.minVersion,
      maxVersion: protocol.maxVersion,
      ciphers: `${protocol.cipherList}:${protocol.cipherSuites}`,
      ...(protocol.groups !== '' ? { ecdhCurve: protocol.groups } : {}),
      honorCipherOrder: protocol.serverPreference,
    });
    return { context, check, warnings };
  } catch (e) {
    return fail(`SSL: ${s.pemfile}: ${e instanceof Error ? e.message : String(e)}`, 'mod_openssl.c.1989');
  }
}
