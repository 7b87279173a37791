/**
 * mod_evhost: `evhost.path-pattern` (lighttpd src/mod_evhost.c, http-core.md §1.1 step 6).
 *
 * In the docroot phase, for a request with a Host: the pattern in effect (src/modules/evhost-pattern.ts)
 * is filled in from the Host's labels and, when that names a directory, becomes the document root of
 * the request; otherwise lighttpd's log line (`<path>: No such file or directory`) and the document root
 * stays. An empty pattern sets nothing (an outer block's pattern stays in effect); an invalid one stops
 * the server with lighttpd's "invalid evhost.path-pattern: …".
 */
import type { HttpResponse } from '../http1/response.js';
import type { DiagnosticSink } from '../diagnostics.js';
import type { ConfigEntry } from '../config/tree.js';
import type { BlockValues, Module, ModuleEnv, Outcome } from './module.js';
import type { RequestCtx } from '../request/context.js';
import { parseStatCacheEngine, type StatCacheEngine } from '../http/stat-cache.js';
import { buildEvhostPath, parseEvhostPattern, type EvhostPiece } from './evhost-pattern.js';
import { directoryCheck, STAT_CACHE_KEY } from './dir-check.js';

/** Effective mod_evhost settings. */
export interface EvhostConf {
  /** The parsed pattern; null: none in effect. */
  readonly pattern: readonly EvhostPiece[] | null;
  readonly statCacheEngine: StatCacheEngine;
}

function problem(report: DiagnosticSink, e: ConfigEntry, message: string): void {
  const loc = e.value.loc ?? e.loc;
  report.report({ severity: 'error', code: 'TSW_CONFIG_BAD_VALUE', message, ...(loc ? { loc } : {}) });
}

function compile(values: BlockValues, report: DiagnosticSink): Partial<EvhostConf> {
  const out: { pattern?: EvhostPiece[]; statCacheEngine?: StatCacheEngine } = {};
  const engine = values.entries.get('server.stat-cache-engine');
  if (engine?.value.type === 'string') out.statCacheEngine = parseStatCacheEngine(engine.value.value);
  const e = values.entries.get('evhost.path-pattern');
  if (e === undefined) return out;
  if (e.value.type !== 'string') {
    problem(report, e, `${e.key} should have been a string like ... = "..."`);
    return out;
  }
  const text = e.value.value;
  // lighttpd: an empty pattern is no pattern here, and does not replace an outer block's
  if (text === '') return out;
  const pattern = parseEvhostPattern(text);
  if (pattern === null) problem(report, e, `invalid evhost.path-pattern: ${text}`);
  else out.pattern = pattern;
  return out;
}

/** Creates mod_evhost. */
export function createEvhostModule(): Module<EvhostConf> {
  let log: (message: string) => void = () => undefined;
  return {
    name: 'mod_evhost',
    keys: { 'evhost.path-pattern': { type: 'string' }, ...STAT_CACHE_KEY },
    defaults: { pattern: null, statCacheEngine: 'simple' },
    compile,
    init(env: ModuleEnv): void {
      log = (m) => env.log(m);
    },
    onDocroot(req: RequestCtx, _res: HttpResponse, conf: EvhostConf): Outcome {
      if (req.host === '' || conf.pattern === null) return 'continue';
      const dir = buildEvhostPath(conf.pattern, req.host);
      const found = directoryCheck(dir, conf.statCacheEngine);
      if (found === true) req.docRoot = dir;
      else log(`${dir}: ${found}`);
      return 'continue';
    },
  };
}
