/**
 * mod_wstunnel's keys (wstunnel.md §2): the table, the defaults, and the once-per-block compile
 * that checks each value with lighttpd's messages and builds the backend group of `wstunnel.server`.
 */
import type { DiagnosticSink, SourceLoc } from '../../diagnostics.js';
import { findEntry, type ConfigBlock, type ConfigValue } from '../../config/tree.js';
import type { BlockValues } from '../module.js';
import { BALANCE_ALGORITHMS, type BalanceAlgorithm } from '../../backend/balance.js';
import type { BackendGroup } from '../../backend/pool.js';
import type { BackendRegistry } from '../../backend/registry.js';
import { parseMapExtensions, parseServerSpec, type MapExtension } from '../../backend/spec.js';
import { catalogueKeys, type KeyTable } from '../../config/key-catalogue.js';

/** The effective wstunnel config of one request. */
export interface WstunnelConf {
  /** `wstunnel.server`; null when unset (the module then ignores the request). */
  readonly server: BackendGroup | null;
  readonly balance: BalanceAlgorithm;
  readonly debug: number;
  readonly mapExtensions: readonly MapExtension[];
  /** `binary` only for the word binary in any case; anything else is text. */
  readonly frameType: 'text' | 'binary';
  readonly origins: readonly string[];
  /** Seconds; 0 = no pings. */
  readonly pingInterval: number;
}

/** The keys mod_wstunnel claims (the core's `server.max-read-idle` it reads from `req.core`). */
export const WSTUNNEL_KEYS: KeyTable = catalogueKeys('mod_wstunnel');

/** Defaults of lighttpd 1.4.69. */
export const WSTUNNEL_DEFAULTS: WstunnelConf = {
  server: null,
  balance: 'fair',
  debug: 0,
  mapExtensions: [],
  frameType: 'text',
  origins: [],
  pingInterval: 0,
};

type Mutable<T> = { -readonly [K in keyof T]?: T[K] };

function err(report: DiagnosticSink, message: string, loc: SourceLoc | undefined, code = 'TSW_WSTUNNEL_BAD_VALUE'): void {
  report.report({ severity: 'error', code, message, ...(loc ? { loc } : {}) });
}

/** Integer or decimal string, as lighttpd's int/short keys take; undefined after reporting. */
function readNumber(value: ConfigValue, key: string, kind: 'integer' | 'short', report: DiagnosticSink): number | undefined {
  if (value.type === 'integer') return kind === 'short' ? value.value & 0xffff : value.value;
  if (value.type === 'string' && /^[0-9]+$/.test(value.value.trim())) {
    const n = Number.parseInt(value.value, 10);
    return kind === 'short' ? n & 0xffff : n;
  }
  const got = value.type === 'string' ? 'a string' : 'an array';
  err(report, `got ${got} but expected ${kind === 'short' ? 'a short' : 'an integer'}: ${key} ${value.type === 'string' ? value.value : ''}`.trimEnd(), value.loc);
  return undefined;
}

/** The debug level for backend messages: this block's `wstunnel.debug`, else the global one. */
function groupDebug(block: ConfigBlock): number {
  let root = block;
  while (root.parent) root = root.parent;
  const entry = findEntry(block, 'wstunnel.debug') ?? findEntry(root, 'wstunnel.debug');
  if (!entry) return 0;
  // a bad value is reported where the key itself is compiled
  return readNumber(entry.value, 'wstunnel.debug', 'integer', { report: () => undefined }) ?? 0;
}

/** Compiles one block's wstunnel values; `registry` receives the backend hosts. */
export function compileWstunnel(values: BlockValues, report: DiagnosticSink, registry: BackendRegistry): Partial<WstunnelConf> {
  const out: Mutable<WstunnelConf> = {};
  for (const [key, entry] of values.entries) {
    const v = entry.value;
    const loc = v.loc ?? entry.loc;
    switch (key) {
      case 'wstunnel.server': {
        const spec = parseServerSpec(v, 'wstunnel.server', report);
        if (spec) out.server = registry.createGroup(spec, groupDebug(values.block), report);
        break;
      }
      case 'wstunnel.balance': {
        const s = v.type === 'string' ? v.value : '';
        if ((BALANCE_ALGORITHMS as readonly string[]).includes(s)) out.balance = s as BalanceAlgorithm;
        else {
          report.report({
            severity: 'warning',
            code: 'TSW_WSTUNNEL_BALANCE',
            message: `wstunnel.balance has to be one of: least-connection, round-robin, hash, sticky, but not: ${s}`,
            ...(loc ? { loc } : {}),
          });
          out.balance = 'fair';
        }
        break;
      }
      case 'wstunnel.debug': {
        const n = readNumber(v, key, 'integer', report);
        if (n !== undefined) out.debug = n;
        break;
      }
      case 'wstunnel.map-extensions': {
        const m = parseMapExtensions(v, key, report);
        if (m) out.mapExtensions = m;
        break;
      }
      case 'wstunnel.frame-type':
        if (v.type !== 'string') err(report, `got an array but expected a string: ${key}`, loc);
        else out.frameType = v.value.toLowerCase() === 'binary' ? 'binary' : 'text';
        break;
      case 'wstunnel.origins': {
        const list = readOrigins(v, report);
        if (list) out.origins = list;
        break;
      }
      case 'wstunnel.ping-interval': {
        const n = readNumber(v, key, 'short', report);
        if (n !== undefined) out.pingInterval = n;
        break;
      }
      default:
        break;
    }
  }
  return out;
}

function readOrigins(v: ConfigValue, report: DiagnosticSink): string[] | null {
  const items = v.type === 'array' ? v.items.map((i) => i.value) : [v];
  const out: string[] = [];
  for (const item of items) {
    if (item.type !== 'string') {
      err(report, 'wstunnel.origins should only contain strings', item.loc ?? v.loc);
      return null;
    }
    if (item.value === '') {
      err(report, 'unexpected empty string in wstunnel.origins', item.loc ?? v.loc);
      return null;
    }
    out.push(item.value);
  }
  return out;
}
