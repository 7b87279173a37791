/**
 * Protocol versions, ciphers and groups of a TLS listener: lighttpd 1.4.69's defaults (TLS 1.2 minimum,
 * TLS 1.3 allowed, its cipher string), then `ssl.cipher-list`, then the `ssl.openssl.ssl-conf-cmd`
 * commands node's `tls` has an option for (http-core.md §12.2). Other commands are reported as warnings
 * and ignored; lighttpd hands them to OpenSSL.
 */
import type { SecureVersion } from 'node:tls';

/** lighttpd's cipher string for TLS ≤ 1.2 when none is configured. */
export const LIGHTTPD_CIPHER_LIST = 'EECDH+AESGCM:AES256+EECDH:CHACHA20:!SHA1:!SHA256:!SHA384';

/** OpenSSL's default TLS 1.3 cipher suites (lighttpd leaves them alone unless told). */
export const DEFAULT_TLS13_SUITES = 'TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256';

/** What goes into node's secure context besides certificate and key. */
export interface TlsProtocol {
  readonly minVersion: SecureVersion;
  readonly maxVersion: SecureVersion;
  /** OpenSSL cipher string for TLS ≤ 1.2. */
  readonly cipherList: string;
  /** TLS 1.3 suites, `:`-separated. */
  readonly cipherSuites: string;
  /** Key exchange groups (`Curves` / `Groups`), '' = OpenSSL's default. */
  readonly groups: string;
  /** The server's cipher order wins (`ssl.cipher-list`, `Options` `ServerPreference`). */
  readonly serverPreference: boolean;
}

/** The result, with warnings for the error log and errors that stop the start. */
export interface TlsProtocolResult {
  readonly protocol: TlsProtocol;
  readonly warnings: readonly string[];
  readonly errors: readonly string[];
}

const VERSIONS: Readonly<Record<string, SecureVersion>> = {
  none: 'TLSv1',
  sslv3: 'TLSv1',
  tlsv1: 'TLSv1',
  'tlsv1.1': 'TLSv1.1',
  'tlsv1.2': 'TLSv1.2',
  'tlsv1.3': 'TLSv1.3',
};

/** `Options` values that only touch what node already does or that do not matter here. */
function applyOptions(value: string, out: { serverPreference: boolean }, warnings: string[]): void {
  for (const raw of value.split(',')) {
    const opt = raw.trim();
    if (opt === '') continue;
    const off = opt.startsWith('-');
    const name = opt.replace(/^[-+]/, '').toLowerCase();
    if (name === 'serverpreference') out.serverPreference = !off;
    else warnings.push(`ssl.openssl.ssl-conf-cmd Options ${opt} is not supported by tswstunnel (ignored)`);
  }
}

/** Applies lighttpd's defaults, `ssl.cipher-list` and the conf commands. */
export function tlsProtocol(cipherList: string, confCmd: readonly (readonly [string, string])[]): TlsProtocolResult {
  const warnings: string[] = [];
  const errors: string[] = [];
  const out = {
    minVersion: 'TLSv1.2' as SecureVersion,
    maxVersion: 'TLSv1.3' as SecureVersion,
    cipherList: LIGHTTPD_CIPHER_LIST,
    cipherSuites: DEFAULT_TLS13_SUITES,
    groups: '',
    serverPreference: false,
  };
  if (cipherList !== '') {
    warnings.push('ssl.cipher-list is deprecated.  Please prefer lighttpd secure TLS defaults, or use ssl.openssl.ssl-conf-cmd "CipherString" to set custom cipher list.');
    out.cipherList = cipherList;
    out.serverPreference = true;
  }
  for (const [key, value] of confCmd) {
    const k = key.toLowerCase();
    if (k === 'minprotocol' || k === 'maxprotocol') {
      const v = VERSIONS[value.toLowerCase()];
      if (v === undefined) errors.push(`SSL: SSL_CONF_cmd ${key} ${value}: unknown protocol version`);
      else if (k === 'minprotocol') out.minVersion = v;
      else out.maxVersion = value.toLowerCase() === 'none' ? 'TLSv1.3' : v;
    } else if (k === 'cipherstring') out.cipherList = value;
    else if (k === 'ciphersuites') out.cipherSuites = value;
    else if (k === 'curves' || k === 'groups') out.groups = value;
    else if (k === 'options') applyOptions(value, out, warnings);
    else warnings.push(`ssl.openssl.ssl-conf-cmd ${key} is not supported by tswstunnel (ignored)`);
  }
  return { protocol: out, warnings, errors };
}
