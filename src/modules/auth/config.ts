/**
 * mod_auth's per-block values (http-core.md §11.1): `auth.backend`, `auth.require`, `auth.extern-authn`,
 * `auth.cache` (one cache per block that sets it), and mod_authn_file's user files, which lighttpd patches per request
 * exactly like mod_auth's own keys, so one effective config holds both.
 */
import type { DiagnosticSink, SourceLoc } from '../../diagnostics.js';
import type { ConfigBlock, ConfigEntry } from '../../config/tree.js';
import { catalogueKeys, type KeyTable } from '../../config/key-catalogue.js';
import type { BlockValues } from '../module.js';
import { readBoolean } from '../values.js';
import { parseRules, type AuthRule } from './rules.js';
import { featureEnabled } from '../../config/feature-flags.js';
import { cacheFrom, type AuthCache } from './cache.js';

/** The backends mod_authn_file provides. */
export type FileBackend = 'htpasswd' | 'htdigest' | 'plain';

/** `auth.backend`: a file backend, a lighttpd backend tswstunnel lacks (ldap, pam, …), or none set. */
export type Backend = { readonly kind: 'file'; readonly name: FileBackend } | { readonly kind: 'missing'; readonly name: string } | null;

/** Effective mod_auth settings. */
export interface AuthConf {
  readonly backend: Backend;
  /** null when no auth.require is in effect. */
  readonly rules: readonly AuthRule[] | null;
  readonly externAuthn: boolean;
  /** `auth.cache`: remembered Basic successes, or null. */
  readonly cache: AuthCache | null;
  readonly htpasswdFile: string | null;
  readonly htdigestFile: string | null;
  readonly plainFile: string | null;
  /** `server.feature-flags` "auth.delay-invalid-creds" (default enable). */
  readonly delayInvalid: boolean;
}

export const AUTH_DEFAULTS: AuthConf = {
  backend: null,
  rules: null,
  externAuthn: false,
  cache: null,
  htpasswdFile: null,
  htdigestFile: null,
  plainFile: null,
  delayInvalid: true,
};

/** mod_auth's and mod_authn_file's keys. */
export const AUTH_KEYS: KeyTable = {
  ...catalogueKeys('mod_auth'),
  ...catalogueKeys('mod_authn_file'),
};

const FILE_BACKENDS: readonly string[] = ['htpasswd', 'htdigest', 'plain'];
/** Backends of lighttpd modules tswstunnel does not implement: accepted, their rules fail closed (503). */
const OTHER_BACKENDS: readonly string[] = ['ldap', 'pam', 'mysql', 'gssapi', 'sasl', 'dbi'];

function error(report: DiagnosticSink, message: string, loc: SourceLoc | undefined): void {
  report.report({ severity: 'error', code: 'TSW_AUTH_CONFIG', message, ...(loc ? { loc } : {}) });
}

function warning(report: DiagnosticSink, message: string, loc: SourceLoc | undefined): void {
  report.report({ severity: 'warning', code: 'TSW_AUTH_CONFIG', message, ...(loc ? { loc } : {}) });
}

function stringOf(e: ConfigEntry, report: DiagnosticSink): string | undefined {
  if (e.value.type === 'string') return e.value.value;
  error(report, `${e.key} should have been a string like ... = "..."`, e.value.loc ?? e.loc);
  return undefined;
}

function readBackend(e: ConfigEntry, report: DiagnosticSink): Backend | undefined {
  const name = stringOf(e, report);
  if (name === undefined) return undefined;
  const loc = e.value.loc ?? e.loc;
  if (name.trim() === '') return undefined; // lighttpd: a blank value sets nothing (an outer block's backend stays)
  if (FILE_BACKENDS.includes(name)) return { kind: 'file', name: name as FileBackend };
  if (OTHER_BACKENDS.includes(name)) {
    warning(report, `auth.backend "${name}" is not supported by tswstunnel; requests its auth.require rules cover get 503`, loc);
    return { kind: 'missing', name };
  }
  error(report, `auth.backend not supported: ${name}`, loc);
  return undefined;
}

function root(block: ConfigBlock): ConfigBlock {
  let b = block;
  while (b.parent) b = b.parent;
  return b;
}

/** Compiles one block. */
export function compileAuth(values: BlockValues, report: DiagnosticSink): Partial<AuthConf> {
  // a server-wide flag: every compiled block carries it, so whichever wins holds the same value
  const out: { -readonly [K in keyof AuthConf]?: AuthConf[K] } = { delayInvalid: featureEnabled(root(values.block), 'auth.delay-invalid-creds', true) };
  const get = (k: string): ConfigEntry | undefined => values.entries.get(k);
  const backend = get('auth.backend');
  if (backend) {
    const b = readBackend(backend, report);
    if (b !== undefined) out.backend = b;
  }
  const require = get('auth.require');
  if (require) {
    const parsed = parseRules(require.value);
    const loc = require.value.loc ?? require.loc;
    for (const w of parsed.warnings) warning(report, w, loc);
    if (parsed.error !== null) error(report, parsed.error, loc);
    else if (parsed.rules !== null) out.rules = parsed.rules;
  }
  const extern = get('auth.extern-authn');
  if (extern) {
    const v = readBoolean(extern, report);
    if (v !== undefined) out.externAuthn = v;
  }
  const cache = get('auth.cache');
  if (cache) out.cache = cacheFrom(cache.value);
  const files: readonly (readonly [string, 'htpasswdFile' | 'htdigestFile' | 'plainFile'])[] = [
    ['auth.backend.htpasswd.userfile', 'htpasswdFile'],
    ['auth.backend.htdigest.userfile', 'htdigestFile'],
    ['auth.backend.plain.userfile', 'plainFile'],
  ];
  for (const [key, prop] of files) {
    const e = get(key);
    if (!e) continue;
    const v = stringOf(e, report);
    if (v !== undefined) out[prop] = v.trim() === '' ? null : v;
  }
  return out;
}
