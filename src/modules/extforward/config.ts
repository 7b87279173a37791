/**
 * mod_extforward's keys and their compilation per config block (lighttpd src/mod_extforward.c,
 * config-keys-1.4.69.md): `extforward.forwarder` (address / CIDR => "trust"), `extforward.headers`,
 * `extforward.params`, `extforward.hap-PROXY`, `extforward.hap-PROXY-ssl-client-verify`.
 *
 * Non-fatal findings are lighttpd's error-log lines (given to `note`); a netmask or address that cannot be
 * read, and a bad `extforward.params` key or value, stop the server as they stop lighttpd.
 */
import type { DiagnosticSink, SourceLoc } from '../../diagnostics.js';
import type { ConfigEntry } from '../../config/tree.js';
import type { BlockValues, KeySpec } from '../module.js';
import { readBoolean, readKvStrings, readStringList } from '../values.js';
import { parseBool, readKeyValues } from '../../server/read-values.js';
import { parseNumericHost } from '../../net/numeric-host.js';
import { TrustList, type ForwardAll, type TrustMask } from './trust.js';

/** Effective mod_extforward settings of a request. */
export interface ExtforwardConf {
  /** null: `extforward.forwarder` is not set, the module does nothing. */
  readonly trust: TrustList | null;
  /** Header names to look for, lower case, in order; null: none (hap-PROXY without headers). */
  readonly headers: readonly string[] | null;
  readonly hapProxy: boolean;
  readonly hapProxySslClientVerify: boolean;
}

/** Keys as lighttpd spells them, lower-cased (the core looks keys up in lower case). */
export const EXTFORWARD_KEYS: Readonly<Record<string, KeySpec>> = {
  'extforward.forwarder': { type: 'array-kv-strings' },
  'extforward.headers': { type: 'array-of-strings' },
  'extforward.params': { type: 'array-kv-any' },
  'extforward.hap-proxy': { type: 'boolean' },
  'extforward.hap-proxy-ssl-client-verify': { type: 'boolean' },
};

/** Used when the global block sets no (or an empty) `extforward.headers` and no hap-PROXY. */
export const DEFAULT_HEADERS: readonly string[] = ['x-forwarded-for', 'forwarded-for'];

/** Defaults before the global block. */
export const EXTFORWARD_DEFAULTS: ExtforwardConf = { trust: null, headers: DEFAULT_HEADERS, hapProxy: false, hapProxySslClientVerify: false };

function fatal(report: DiagnosticSink, e: ConfigEntry, message: string): undefined {
  const loc: SourceLoc | undefined = e.value.loc ?? e.loc;
  report.report({ severity: 'error', code: 'TSW_EXTFORWARD_CONFIG', message, ...(loc ? { loc } : {}) });
  return undefined;
}

/** A trusted `addr/bits` entry, or undefined (reported) when lighttpd refuses it. */
function readMask(key: string, e: ConfigEntry, report: DiagnosticSink): TrustMask | undefined {
  const slash = key.indexOf('/');
  const rest = key.slice(slash + 1);
  const digits = /^[0-9]+/.exec(rest)?.[0] ?? '';
  const bits = Number(digits);
  if (digits === '' || digits.length !== rest.length || bits <= 0) {
    return fatal(report, e, `ERROR: invalid netmask: ${key} ${rest.slice(digits.length)}; unexpected value for extforward.forwarder`);
  }
  let text = key.slice(0, slash);
  if (text.startsWith('[') && text.length > 1 && text.endsWith(']')) text = text.slice(1, -1);
  const addr = parseNumericHost(text);
  if (addr === null) return fatal(report, e, `could not parse ip address ${text} because Name or service not known; unexpected value for extforward.forwarder`);
  return { addr, bits };
}

function readForwarder(e: ConfigEntry, report: DiagnosticSink, note: (m: string) => void): TrustList | undefined {
  const pairs = readKvStrings(e, report);
  if (pairs === undefined) return undefined;
  const byText = new Map<string, boolean>();
  const masks: TrustMask[] = [];
  let all: ForwardAll = 'unset';
  for (const [key, value] of pairs) {
    const trusted = value.toLowerCase() === 'trust';
    const lower = key.toLowerCase();
    if (lower === 'all') all = trusted ? 'trust' : 'none';
    const isMask = key.includes('/');
    if (!trusted) {
      if (value.toLowerCase() !== 'untrusted') note(`ERROR: expect "trust", not "${key}" => "${value}"; treating as untrusted`);
      if (isMask) note(`ERROR: untrusted CIDR masks are ignored ("${key}" => "${value}")`);
    } else if (isMask) {
      const m = readMask(key, e, report);
      if (m === undefined) return undefined;
      masks.push(m);
    }
    // a mask's own text never matches an address: listed as untrusted, like lighttpd's emptied value
    byText.set(lower, trusted && !isMask);
  }
  return new TrustList(byText, masks, all);
}

/** `extforward.params`: only checked (lighttpd 1.4.56–1.4.71 ignore the values once they are valid). */
function checkParams(e: ConfigEntry, report: DiagnosticSink): void {
  const pairs = readKeyValues(e, report);
  if (pairs === undefined) return;
  for (const [key, value] of pairs) {
    if (key !== 'host' && key !== 'remote_user') {
      fatal(report, e, `extforward.params keys must be one of: host, remote_user, but not: ${key}`);
      return;
    }
    if (parseBool(value) === undefined) {
      fatal(report, e, `extforward.params values must be one of: 0, 1, enable, disable; error for key: ${key}`);
      return;
    }
  }
}

/** Compiles one block's mod_extforward keys. */
export function compileExtforward(values: BlockValues, report: DiagnosticSink, note: (m: string) => void): Partial<ExtforwardConf> {
  const out: { -readonly [K in keyof ExtforwardConf]?: ExtforwardConf[K] } = {};
  const fwd = values.entries.get('extforward.forwarder');
  if (fwd) {
    const trust = readForwarder(fwd, report, note);
    if (trust) out.trust = trust;
  }
  const hdr = values.entries.get('extforward.headers');
  let headers: string[] | undefined;
  if (hdr) headers = readStringList(hdr, report)?.map((h) => h.toLowerCase());
  const params = values.entries.get('extforward.params');
  if (params) checkParams(params, report);
  const hap = values.entries.get('extforward.hap-proxy');
  if (hap) {
    const b = readBoolean(hap, report);
    if (b !== undefined) out.hapProxy = b;
  }
  const verify = values.entries.get('extforward.hap-proxy-ssl-client-verify');
  if (verify) {
    const b = readBoolean(verify, report);
    if (b !== undefined) out.hapProxySslClientVerify = b;
  }
  if (values.block.parent === null) {
    // lighttpd: the global defaults fall back to X-Forwarded-For, Forwarded-For unless hap-PROXY is on
    if (headers !== undefined && headers.length > 0) out.headers = headers;
    else if (out.hapProxy === true) out.headers = null;
  } else if (headers !== undefined) {
    out.headers = headers;
  }
  return out;
}
