/**
 * mod_simple_vhost: `simple-vhost.server-root`, `.default-host`, `.document-root`, `.debug` (lighttpd
 * src/mod_simple_vhost.c, http-core.md §1.1 step 6).
 *
 * In the docroot phase, when a server root is in effect: server root + Host (cut at its first `:`) +
 * document root (joined with one `/`; a trailing `/` when there is no document root) becomes the
 * document root of the request if it is a directory; else the same with `default-host` in place of the
 * Host (no Host either when that is unset). The host that gave the directory becomes the server name
 * (accesslog `%v`). Neither a directory: the document root stays (with `debug`, lighttpd's log line).
 * As lighttpd, the last directory found is remembered and not looked up again.
 * An empty server root, document root or default host in a block unsets it there.
 */
import type { HttpResponse } from '../http1/response.js';
import type { DiagnosticSink } from '../diagnostics.js';
import type { ConfigEntry } from '../config/tree.js';
import type { BlockValues, Module, ModuleEnv, Outcome } from './module.js';
import type { RequestCtx } from '../request/context.js';
import { parseStatCacheEngine, type StatCacheEngine } from '../http/stat-cache.js';
import { directoryCheck, STAT_CACHE_KEY } from './dir-check.js';
import { readShort } from './values.js';

/** Effective mod_simple_vhost settings (directories end in `/`; null: unset). */
export interface SimpleVhostConf {
  readonly serverRoot: string | null;
  readonly defaultHost: string | null;
  readonly documentRoot: string | null;
  readonly debug: number;
  readonly statCacheEngine: StatCacheEngine;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function readText(e: ConfigEntry, report: DiagnosticSink): string | undefined {
  if (e.value.type === 'string') return e.value.value;
  const loc = e.value.loc ?? e.loc;
  report.report({ severity: 'error', code: 'TSW_CONFIG_BAD_VALUE', message: `${e.key} should have been a string like ... = "..."`, ...(loc ? { loc } : {}) });
  return undefined;
}

const withSlash = (s: string): string => (s.endsWith('/') ? s : `${s}/`);

function compile(values: BlockValues, report: DiagnosticSink): Partial<SimpleVhostConf> {
  const out: Partial<Mutable<SimpleVhostConf>> = {};
  const text = (key: string): string | undefined => {
    const e = values.entries.get(key);
    return e === undefined ? undefined : readText(e, report);
  };
  const serverRoot = text('simple-vhost.server-root');
  if (serverRoot !== undefined) out.serverRoot = serverRoot === '' ? null : withSlash(serverRoot);
  const documentRoot = text('simple-vhost.document-root');
  if (documentRoot !== undefined) out.documentRoot = documentRoot === '' ? null : withSlash(documentRoot);
  const defaultHost = text('simple-vhost.default-host');
  if (defaultHost !== undefined) out.defaultHost = defaultHost === '' ? null : defaultHost;
  const debug = values.entries.get('simple-vhost.debug');
  const level = debug === undefined ? undefined : readShort(debug, report);
  if (level !== undefined) out.debug = level;
  const engine = values.entries.get('server.stat-cache-engine');
  if (engine?.value.type === 'string') out.statCacheEngine = parseStatCacheEngine(engine.value.value);
  return out;
}

/** server root + host (up to its first `:`) + document root, joined as lighttpd's buffer_append_path_len does. */
export function simpleVhostPath(serverRoot: string, host: string | null, documentRoot: string | null): string {
  let out = serverRoot;
  if (host !== null) {
    const colon = host.indexOf(':');
    out += colon < 0 ? host : host.slice(0, colon);
  }
  if (documentRoot === null) return out === '' || out.endsWith('/') ? out : `${out}/`;
  const outSlash = out.endsWith('/');
  const rootSlash = documentRoot.startsWith('/');
  if (outSlash && rootSlash) return out + documentRoot.slice(1);
  if (!outSlash && !rootSlash) return `${out}/${documentRoot}`;
  return out + documentRoot;
}

/** Creates mod_simple_vhost. */
export function createSimpleVhostModule(): Module<SimpleVhostConf> {
  let log: (message: string) => void = () => undefined;
  // lighttpd: a one-entry cache of the last directory found (found once, never looked up again)
  let lastRoot = '';

  function found(dir: string, conf: SimpleVhostConf): boolean {
    if (dir === lastRoot) return true;
    const check = directoryCheck(dir, conf.statCacheEngine);
    if (check !== true) {
      if (conf.debug !== 0) log(`${dir}: ${check}`);
      return false;
    }
    lastRoot = dir;
    return true;
  }

  return {
    name: 'mod_simple_vhost',
    keys: {
      'simple-vhost.server-root': { type: 'string' },
      'simple-vhost.default-host': { type: 'string' },
      'simple-vhost.document-root': { type: 'string' },
      'simple-vhost.debug': { type: 'short' },
      ...STAT_CACHE_KEY,
    },
    defaults: { serverRoot: null, defaultHost: null, documentRoot: null, debug: 0, statCacheEngine: 'simple' },
    compile,
    init(env: ModuleEnv): void {
      log = (m) => env.log(m);
    },
    onDocroot(req: RequestCtx, _res: HttpResponse, conf: SimpleVhostConf): Outcome {
      if (conf.serverRoot === null) return 'continue';
      let host: string | null = req.host;
      let dir = '';
      if (host !== '') dir = simpleVhostPath(conf.serverRoot, host, conf.documentRoot);
      if (host === '' || !found(dir, conf)) {
        host = conf.defaultHost;
        dir = simpleVhostPath(conf.serverRoot, host, conf.documentRoot);
        if (!found(dir, conf)) return 'continue';
      }
      if (host !== null) req.serverName = host;
      req.docRoot = dir;
      return 'continue';
    },
  };
}
