/**
 * The `ssl.*` settings of one listener (http-core.md §12.2): read from the global block, then from the
 * listener's `$SERVER["socket"] == "…"` block, whose keys override the global ones (Debian keeps
 * `ssl.pemfile` global and only `ssl.engine = "enable"` in the socket block). Only reading happens
 * here; tls-context.ts turns the settings into a secure context at startup.
 */
import type { DiagnosticSink } from '../diagnostics.js';
import { findEntry, type ConfigBlock } from '../config/tree.js';
import { readBool, readKeyValues, readString } from './read-values.js';

/** What one listener's TLS is made of (paths as written; '' = not set). */
export interface TlsSettings {
  /** `ssl.engine`: the listener speaks TLS. */
  readonly engine: boolean;
  /** `ssl.pemfile`: certificate (chain), and the private key unless `ssl.privkey` is set. */
  readonly pemfile: string;
  /** `ssl.privkey`: the private key in its own file. */
  readonly privkey: string;
  /** `ssl.ca-file`: more certificates for the chain. */
  readonly caFile: string;
  /** `ssl.cipher-list` (deprecated in lighttpd; '' = lighttpd's default string). */
  readonly cipherList: string;
  /** `ssl.openssl.ssl-conf-cmd` pairs in the order written. */
  readonly confCmd: readonly (readonly [string, string])[];
}

/** No TLS: what a listener has when no `ssl.*` key applies to it. */
export const NO_TLS: TlsSettings = { engine: false, pemfile: '', privkey: '', caFile: '', cipherList: '', confCmd: [] };

function str(block: ConfigBlock, key: string, report: DiagnosticSink, inherited: string): string {
  const e = findEntry(block, key);
  return e ? (readString(e, report) ?? inherited) : inherited;
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
  return {
    engine: engine ? (readBool(engine, report) ?? inherit.engine) : inherit.engine,
    pemfile: str(block, 'ssl.pemfile', report, inherit.pemfile),
    privkey: str(block, 'ssl.privkey', report, inherit.privkey),
    caFile: str(block, 'ssl.ca-file', report, inherit.caFile),
    cipherList: str(block, 'ssl.cipher-list', report, inherit.cipherList),
    confCmd: confCmd(block, report, inherit.confCmd),
  };
}
