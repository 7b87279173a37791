/**
 * mod_proxy's keys (proxy.md §1): the table, the defaults, and the once-per-block compile that checks
 * each value and builds the backend group of `proxy.server` through the shared backend layer.
 */
import { featureEnabled } from '../../config/feature-flags.js';
import type { DiagnosticSink, SourceLoc } from '../../diagnostics.js';
import { findEntry, type ConfigBlock, type ConfigValue } from '../../config/tree.js';
import type { BlockValues } from '../module.js';
import { BALANCE_ALGORITHMS, type BalanceAlgorithm } from '../../backend/balance.js';
import type { BackendGroup } from '../../backend/pool.js';
import type { BackendRegistry } from '../../backend/registry.js';
import { parseMapExtensions, parseServerSpec, type MapExtension } from '../../backend/spec.js';
import { NO_HEADER_OPTS, type ForwardedOpts, type ProxyHeaderOpts } from './options.js';
import { boolOf, parseForwardedOpts, parseHeaderOpts } from './header-opts.js';
import { catalogueKeys, type KeyTable } from '../../config/key-catalogue.js';

/** The effective proxy config of one request. */
export interface ProxyConf {
  /** `proxy.server`; null when unset (the module then ignores the request). */
  readonly server: BackendGroup | null;
  readonly balance: BalanceAlgorithm;
  readonly debug: number;
  readonly mapExtensions: readonly MapExtension[];
  /** `proxy.forwarded`; null when unset. */
  readonly forwarded: ForwardedOpts | null;
  /** `proxy.header`, replaced as a whole by a later matching block; null when none is in effect. */
  readonly header: ProxyHeaderOpts | null;
  /** `server.feature-flags` "proxy.force-http10": the force-http10 default when no proxy.header is in effect. */
  readonly forceHttp10Flag: boolean;
  readonly replaceHttpHost: boolean;
}

/** The keys mod_proxy claims. */
export const PROXY_KEYS: KeyTable = catalogueKeys('mod_proxy');

/** Defaults of lighttpd 1.4.69. */
export const PROXY_DEFAULTS: ProxyConf = {
  server: null,
  balance: 'fair',
  debug: 0,
  mapExtensions: [],
  forwarded: null,
  header: null,
  forceHttp10Flag: false,
  replaceHttpHost: false,
};

type Mutable<T> = { -readonly [K in keyof T]?: T[K] };

/** The header options when only the feature flag asks for HTTP/1.0. */
const FORCED_HTTP10: ProxyHeaderOpts = { ...NO_HEADER_OPTS, forceHttp10: true };

/**
 * The `proxy.header` options in effect. lighttpd: `server.feature-flags` "proxy.force-http10" sets the
 * default, and any `proxy.header` value replaces it as a whole (its force-http10 defaults to off).
 */
export function headerOptsOf(conf: ProxyConf): ProxyHeaderOpts {
  return conf.header ?? (conf.forceHttp10Flag ? FORCED_HTTP10 : NO_HEADER_OPTS);
}

function err(report: DiagnosticSink, message: string, loc: SourceLoc | undefined): void {
  report.report({ severity: 'error', code: 'TSW_PROXY_BAD_VALUE', message, ...(loc ? { loc } : {}) });
}

function readInt(value: ConfigValue): number | undefined {
  if (value.type === 'integer') return value.value;
  if (value.type === 'string' && /^[0-9]+$/.test(value.value.trim())) return Number.parseInt(value.value, 10);
  return undefined;
}

/** The debug level for backend messages: this block's `proxy.debug`, else the global one. */
function groupDebug(block: ConfigBlock): number {
  let root = block;
  while (root.parent) root = root.parent;
  const entry = findEntry(block, 'proxy.debug') ?? findEntry(root, 'proxy.debug');
  return entry ? (readInt(entry.value) ?? 0) : 0;
}

/** Compiles one block's proxy values; `registry` receives the backend hosts. */
export function compileProxy(values: BlockValues, report: DiagnosticSink, registry: BackendRegistry): Partial<ProxyConf> {
  let root = values.block;
  while (root.parent) root = root.parent;
  // a server-scope flag: every compiled block carries the same value, so any effective config has it
  const out: Mutable<ProxyConf> = { forceHttp10Flag: featureEnabled(root, 'proxy.force-http10', false) };
  for (const [key, entry] of values.entries) {
    const v = entry.value;
    const loc = v.loc ?? entry.loc;
    switch (key) {
      case 'proxy.server': {
        const spec = parseServerSpec(v, 'proxy.server', report);
        if (!spec) break;
        for (const ext of spec.extensions) {
          for (const host of ext.hosts) {
            // lighttpd: mod_proxy refuses authorizer hosts
            const mode = host.extra.get('mode');
            if (mode?.type === 'string' && mode.value === 'authorizer') err(report, 'proxy.server: mode "authorizer" is not supported by mod_proxy', host.loc ?? loc);
          }
        }
        out.server = registry.createGroup(spec, groupDebug(values.block), report);
        break;
      }
      case 'proxy.balance': {
        const s = v.type === 'string' ? v.value : '';
        if ((BALANCE_ALGORITHMS as readonly string[]).includes(s)) out.balance = s as BalanceAlgorithm;
        else {
          report.report({
            severity: 'warning',
            code: 'TSW_PROXY_BALANCE',
            message: `proxy.balance has to be one of: least-connection, round-robin, hash, sticky, but not: ${s}`,
            ...(loc ? { loc } : {}),
          });
          out.balance = 'fair';
        }
        break;
      }
      case 'proxy.debug': {
        const n = readInt(v);
        if (n === undefined) err(report, `got ${v.type === 'array' ? 'an array' : 'a string'} but expected an integer: proxy.debug`, loc);
        else out.debug = n;
        break;
      }
      case 'proxy.map-extensions': {
        const m = parseMapExtensions(v, key, report);
        if (m) out.mapExtensions = m;
        break;
      }
      case 'proxy.forwarded': {
        const f = parseForwardedOpts(v, report, loc);
        if (f) out.forwarded = f;
        break;
      }
      case 'proxy.header': {
        const h = parseHeaderOpts(v, report, loc);
        if (h) out.header = h;
        break;
      }
      case 'proxy.replace-http-host': {
        const b = boolOf(v);
        if (b === undefined) err(report, 'proxy.replace-http-host should be "enable" or "disable"', loc);
        else out.replaceHttpHost = b;
        break;
      }
      default:
        break;
    }
  }
  return out;
}
