/**
 * The `ssl.*` settings of one listener (http-core.md §12.2): read from the global block, then from the
 * listener's `$SERVER["socket"] == "…"` block, whose keys override the global ones (Debian keeps
 * `ssl.pemfile` global and only `ssl.engine = "enable"` in the socket block). Only reading happens
 * here; tls-context.ts turns the settings into a secure context at startup.
 */
import type { DiagnosticSink } from '../diagnostics.js';
import { findEntry, type ConfigBlock } from '../config/tree.js';
import { readBool, readInt, readKeyValues, readString } from './read-values.js';

/** What one listener's TLS is made of (paths as written; '' = not set). */
export interface TlsSettings {
  /** `ssl.engine`: the listener speaks TLS. */
  readonly engine: boolean;
  /** `ssl.pemfile`: certificate (chain), and the private key unless `ssl.privkey` is set. */
  readonly pemfile: string;
  /** `ssl.privkey`: the private key in its own file. */
  readonly privkey: string;
  /**
   * `ssl.ca-file` or `ssl.verifyclient.ca-file` (the same setting in lighttpd 1.4.69): more certificates
   * for the chain, and the CAs trusted for client certificates.
   */
  readonly caFile: string;
  /** `ssl.ca-dn-file` / `ssl.verifyclient.ca-dn-file`: issuers a client certificate must come from. */
  readonly caDnFile: string;
  /** The CRL file applied to `caFile`: the one written with it, else the global one. */
  readonly caCrlFile: string;
  /** The global block's CRL file (lighttpd applies it to every block's CA file without its own). */
  readonly globalCaCrlFile: string;
  /** `ssl.verifyclient.activate`: ask the client for a certificate. */
  readonly verifyActivate: boolean;
  /** `ssl.verifyclient.enforce`: no valid certificate, no connection (default on). */
  readonly verifyEnforce: boolean;
  /** `ssl.verifyclient.depth`: the longest accepted chain below the client certificate (default 9, at most 255). */
  readonly verifyDepth: number;
  /** `ssl.cipher-list` (deprecated in lighttpd; '' = lighttpd's default string). */
  readonly cipherList: string;
  /** `ssl.openssl.ssl-conf-cmd` pairs in the order written. */
  readonly confCmd: readonly (readonly [string, string])[];
}

/** No TLS: what a listener has when no `ssl.*` key applies to it. */
export const NO_TLS: TlsSettings = {
  engine: false,
  pemfile: '',
  privkey: '',
  caFile: '',
  caDnFile: '',
  caCrlFile: '',
  globalCaCrlFile: '',
  verifyActivate: false,
  verifyEnforce: true,
  verifyDepth: 9,
  cipherList: '',
  confCmd: [],
};

function str(block: ConfigBlock, key: string, report: DiagnosticSink, inherited: string): string {
  const e = findEntry(block, key);
  return e ? (readString(e, report) ?? inherited) : inherited;
}

/** A file key and its `ssl.verifyclient.` alias; the alias wins, a blank value counts as not written. */
function file(block: ConfigBlock, key: string, report: DiagnosticSink): string | undefined {
  let out: string | undefined;
  for (const k of [key, key.replace(/^ssl\./, 'ssl.verifyclient.')]) {
    const e = findEntry(block, k);
    const v = e ? readString(e, report) : undefined;
    if (v !== undefined && v.trim() !== '') out = v;
  }
  return out;
}

function bool(block: ConfigBlock, key: string, report: DiagnosticSink, inherited: boolean): boolean {
  const e = findEntry(block, key);
  return e ? (readBool(e, report) ?? inherited) : inherited;
}

function depth(block: ConfigBlock, report: DiagnosticSink, inherited: number): number {
  const e = findEntry(block, 'ssl.verifyclient.depth');
  const v = e ? readInt(e, report, 65535) : undefined;
  // lighttpd: "ssl.verifyclient.depth is absurdly large (…); limiting to 255" (logged by mod_openssl)
  return v === undefined ? inherited : Math.min(v, 255);
}

function confCmd(block: ConfigBlock, report: DiagnosticSink, inherited: TlsSettings['confCmd']): TlsSettings['confCmd'] {
  const e = findEntry(block, 'ssl.openssl.ssl-conf-cmd');
  if (!e) return inherited;
  const pairs = readKeyValues(e, report);
  if (!pairs) return inherited;
  const out: (readonly [string, string])[] = [];
  for (const [k, v] of pairs) {
    if (v.type === 'string') out.push([k, v.value]);
    else {
      const loc = v.loc ?? e.loc;
      report.report({ severity: 'error', code: 'TSW_CONFIG_BAD_VALUE', message: `ssl.openssl.ssl-conf-cmd: the value of ${k} should be a string`, ...(loc ? { loc } : {}) });
    }
  }
  return out;
}

/** The settings in `block`, each key not written there taken from `inherit`. */
export function readTlsSettings(block: ConfigBlock, report: DiagnosticSink, inherit: TlsSettings = NO_TLS): TlsSettings {
  const engine = findEntry(block, 'ssl.engine');
  const isGlobal = block.condition === null;
  const ca = file(block, 'ssl.ca-file', report);
  const crl = file(block, 'ssl.ca-crl-file', report);
  const globalCrl = isGlobal ? (crl ?? '') : inherit.globalCaCrlFile;
  // lighttpd loads a block's CRL into that block's CA store (the global CRL into every CA store); a CRL
  // in a block without a CA file is ignored (mod_openssl warns)
  const caCrlFile = ca !== undefined ? (crl ?? globalCrl) : isGlobal ? globalCrl : inherit.caCrlFile;
  return {
    engine: engine ? (readBool(engine, report) ?? inherit.engine) : inherit.engine,
    pemfile: str(block, 'ssl.pemfile', report, inherit.pemfile),
    privkey: str(block, 'ssl.privkey', report, inherit.privkey),
    caFile: ca ?? inherit.caFile,
    caDnFile: file(block, 'ssl.ca-dn-file', report) ?? inherit.caDnFile,
    caCrlFile,
    globalCaCrlFile: globalCrl,
    verifyActivate: bool(block, 'ssl.verifyclient.activate', report, inherit.verifyActivate),
    verifyEnforce: bool(block, 'ssl.verifyclient.enforce', report, inherit.verifyEnforce),
    verifyDepth: depth(block, report, inherit.verifyDepth),
    cipherList: str(block, 'ssl.cipher-list', report, inherit.cipherList),
    confCmd: confCmd(block, report, inherit.confCmd),
  };
}
