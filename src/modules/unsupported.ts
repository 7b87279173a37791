/**
 * Guard for lighttpd modules tswstunnel does not implement (mod_fastcgi, mod_cgi, mod_scgi, mod_ssi, …):
 * http-core.md §1.3. The module name is accepted with a startup warning, its keys are
 * claimed (no "unknown config-key" noise), and every request the real module would have claimed
 * (its extension / prefix keys) gets 503 — never the script source as a static file. Like lighttpd,
 * mod_cgi, mod_ssi and mod_fastcgi / mod_scgi hosts with the default `"check-local" => "enable"` claim
 * a request only after the file was found (a missing one is 404); the other keys claim it by its URL.
 */
import type { DiagnosticSink } from '../diagnostics.js';
import type { ConfigValue } from '../config/tree.js';
import type { AnyModule, BlockValues, KeySpec, Module, Outcome } from './module.js';
import type { RequestCtx } from '../request/context.js';
import type { HttpResponse } from '../http1/response.js';
import { parseBool, stringsIn } from '../server/read-values.js';

/**
 * How a guarded module picks requests: by suffix/prefix keys, or all requests. `afterFile`: the real
 * module claims at subrequest-start, after the physical path was found (for gateways: unless the host
 * says `"check-local" => "disable"`).
 */
type Claim = { kind: 'keys'; afterFile?: true } | { kind: 'values'; afterFile?: true } | { kind: 'all' };

interface GuardSpec {
  /** Key prefixes (without the dot) this module owns. */
  readonly prefixes: readonly string[];
  /** key → how its value says which requests the module takes. */
  readonly claims: Readonly<Record<string, Claim>>;
}

/** lighttpd modules that would answer requests themselves. */
const HANDLERS: Readonly<Record<string, GuardSpec>> = {
  mod_fastcgi: { prefixes: ['fastcgi'], claims: { 'fastcgi.server': { kind: 'keys', afterFile: true } } },
  mod_scgi: { prefixes: ['scgi'], claims: { 'scgi.server': { kind: 'keys', afterFile: true } } },
  mod_proxy: { prefixes: ['proxy'], claims: { 'proxy.server': { kind: 'keys' } } },
  mod_ajp13: { prefixes: ['ajp13'], claims: { 'ajp13.server': { kind: 'keys' } } },
  mod_cgi: { prefixes: ['cgi'], claims: { 'cgi.assign': { kind: 'keys', afterFile: true } } },
  mod_ssi: { prefixes: ['ssi'], claims: { 'ssi.extension': { kind: 'values', afterFile: true } } },
  mod_sockproxy: { prefixes: ['sockproxy'], claims: { 'sockproxy.server': { kind: 'all' } } },
  mod_webdav: { prefixes: ['webdav'], claims: { 'webdav.activate': { kind: 'all' } } },
  mod_magnet: { prefixes: ['magnet'], claims: { 'magnet.attract-raw-url-to': { kind: 'all' }, 'magnet.attract-physical-path-to': { kind: 'all' }, 'magnet.attract-response-start-to': { kind: 'all' } } },
  mod_secdownload: { prefixes: ['secdownload'], claims: { 'secdownload.uri-prefix': { kind: 'values' } } },
};

/** Modules without a request handler of their own; ignoring them changes headers or logging only. */
const PASSIVE: Readonly<Record<string, readonly string[]>> = {
  mod_authn_dbi: ['auth'], mod_authn_gssapi: ['auth'], mod_authn_ldap: ['auth'], mod_authn_mysql: ['auth'],
  mod_authn_pam: ['auth'], mod_authn_sasl: ['auth'],
  mod_usertrack: ['usertrack'],
  mod_rrdtool: ['rrdtool'], mod_uploadprogress: ['upload-progress'], mod_maxminddb: ['maxminddb'], mod_geoip: ['geoip'],
  mod_vhostdb: ['vhostdb'], mod_vhostdb_dbi: ['vhostdb'], mod_vhostdb_ldap: ['vhostdb'], mod_vhostdb_mysql: ['vhostdb'],
  mod_vhostdb_pgsql: ['vhostdb'], mod_trigger_b4_dl: ['trigger-before-download'], mod_cml: ['cml'], mod_flv_streaming: ['flv-streaming'],
};

/** Every module name lighttpd 1.4.69 can load that tswstunnel does not implement. */
export function isKnownUnsupported(name: string): boolean {
  return Object.hasOwn(HANDLERS, name) || Object.hasOwn(PASSIVE, name);
}

/** Whether requests may be answered 503 by this guard (false: the module is only ignored). */
export function guardsRequests(name: string): boolean {
  return Object.hasOwn(HANDLERS, name);
}

/** The key prefixes an unsupported module owns (for the unknown-key check). */
export function guardPrefixes(name: string): readonly string[] {
  return HANDLERS[name]?.prefixes ?? PASSIVE[name] ?? [];
}

/** Which requests the guard answers 503: by URL at uri-clean, or (`file`) once the file was found. */
interface GuardConf {
  /** Path suffixes or `/`-prefixes (gateway style keys). */
  readonly gatewayKeys: readonly string[];
  readonly suffixes: readonly string[];
  readonly prefixes: readonly string[];
  readonly all: boolean;
  readonly file: { readonly gatewayKeys: readonly string[]; readonly suffixes: readonly string[] };
}

/** Whether every host of a gateway key says `"check-local" => "disable"` (then it claims by URL). */
function skipsLocalCheck(v: ConfigValue): boolean {
  let seen = false;
  let local = false;
  const visit = (x: ConfigValue): void => {
    if (x.type !== 'array') return;
    for (const i of x.items) {
      if (i.key !== null && i.key.toLowerCase() === 'check-local') {
        seen = true;
        if (parseBool(i.value) !== false) local = true;
      } else if (i.value.type === 'array' && i.value.items.some((h) => h.key !== null && ['host', 'socket', 'bin-path', 'port'].includes(h.key))) {
        if (!i.value.items.some((h) => h.key === 'check-local')) local = true;
        visit(i.value);
      } else {
        visit(i.value);
      }
    }
  };
  visit(v);
  return seen && !local;
}

function collect(spec: GuardSpec, values: BlockValues): Partial<GuardConf> {
  const gatewayKeys: string[] = [];
  const suffixes: string[] = [];
  const prefixes: string[] = [];
  const fileKeys: string[] = [];
  const fileSuffixes: string[] = [];
  let all = false;
  let any = false;
  for (const [key, claim] of Object.entries(spec.claims)) {
    const e = values.entries.get(key);
    if (!e) continue;
    any = true;
    const v: ConfigValue = e.value;
    switch (claim.kind) {
      case 'keys':
        if (v.type === 'array') {
          for (const i of v.items) {
            if (i.key === null) continue;
            const byFile = claim.afterFile === true && !skipsLocalCheck(i.value);
            (byFile ? fileKeys : gatewayKeys).push(i.key);
          }
        }
        break;
      case 'values':
        for (const s of stringsIn(v)) (key.endsWith('uri-prefix') ? prefixes : claim.afterFile === true ? fileSuffixes : suffixes).push(s);
        break;
      case 'all':
        all = parseBool(v) ?? v.type !== 'string';
        break;
    }
  }
  if (!any) return {};
  return { gatewayKeys, suffixes, prefixes, all, file: { gatewayKeys: fileKeys, suffixes: fileSuffixes } };
}

function claims(conf: Pick<GuardConf, 'gatewayKeys' | 'suffixes'> & Partial<GuardConf>, path: string): boolean {
  if (conf.all === true) return true;
  if (conf.prefixes?.some((p) => path.startsWith(p)) === true) return true;
  if (conf.suffixes.some((s) => s !== '' && path.endsWith(s))) return true;
  // gw_backend: a key starting with '/' is a path prefix, otherwise a suffix (extension); "" is everything
  return conf.gatewayKeys.some((k) => (k.startsWith('/') ? path.startsWith(k) : path.endsWith(k)));
}

/** Builds the guard module for an unsupported lighttpd module name. */
export function unsupportedModule(name: string): AnyModule {
  const spec: GuardSpec = HANDLERS[name] ?? { prefixes: PASSIVE[name] ?? [], claims: {} };
  const keys: Record<string, KeySpec> = {};
  for (const k of Object.keys(spec.claims)) keys[k] = { type: 'array' };
  const mod: Module<GuardConf> = {
    name,
    keys,
    defaults: { gatewayKeys: [], suffixes: [], prefixes: [], all: false, file: { gatewayKeys: [], suffixes: [] } },
    compile(values: BlockValues, _report: DiagnosticSink): Partial<GuardConf> {
      return collect(spec, values);
    },
    onUriClean(req: RequestCtx, _res: HttpResponse, conf: GuardConf): Outcome {
      if (!claims(conf, req.path)) return 'continue';
      req.status = 503;
      return 'handled';
    },
    onRequest(req: RequestCtx, _res: HttpResponse, conf: GuardConf): Outcome {
      // reached only for a file that exists (the router answered 404 before), as lighttpd's subrequest-start
      if (!claims(conf.file, req.path)) return 'continue';
      req.status = 503;
      return 'handled';
    },
  };
  return mod;
}
