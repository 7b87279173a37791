/**
 * mod_indexfile: `index-file.names` and its old name `server.indexfiles` (lighttpd src/mod_indexfile.c,
 * http-core.md §8.5).
 *
 * For a path ending in `/`, each name is tried in order: relative names below the directory, names
 * starting with `/` below the document root. The first that exists (any file type) wins and becomes part
 * of `uri.path` and the physical path, so mod_access's second check and the handlers see it. EACCES on a
 * candidate → 403; other errors → 500. No names → no index (there is no default).
 */
import type { HttpResponse } from '../http1/response.js';
import type { DiagnosticSink } from '../diagnostics.js';
import type { BlockValues, Module, Outcome } from './module.js';
import type { RequestCtx } from '../request/context.js';
import { lookupPath, parseStatCacheEngine, type StatCacheEngine } from '../http/stat-cache.js';
import { readStringList } from './values.js';

/** Effective mod_indexfile settings. */
export interface IndexfileConf {
  readonly names: readonly string[];
  /** `server.stat-cache-engine` (a global core key): candidates are looked up through the stat cache. */
  readonly statCacheEngine: StatCacheEngine;
}

function joinPath(dir: string, name: string): string {
  return dir.endsWith('/') || name.startsWith('/') ? `${dir.replace(/\/$/, '')}/${name.replace(/^\//, '')}` : `${dir}/${name}`;
}

function onRequest(req: RequestCtx, _res: HttpResponse, conf: IndexfileConf): Outcome {
  if (req.handler || !req.path.endsWith('/') || conf.names.length === 0 || req.physicalPath === undefined) return 'continue';
  for (const name of conf.names) {
    const candidate = joinPath(name.startsWith('/') ? (req.docRoot ?? req.core.documentRoot ?? '') : req.physicalPath, name);
    const st = lookupPath(candidate, conf.statCacheEngine);
    if (typeof st === 'string') {
      if (st === 'ENOENT' || st === 'ENOTDIR') continue;
      req.status = st === 'EACCES' ? 403 : 500;
      return 'handled';
    }
    if (name.startsWith('/')) {
      req.path = name;
    } else {
      req.path += name;
    }
    req.physicalPath = candidate;
    req.fileStat = st;
    return 'continue';
  }
  return 'continue';
}

/** Creates mod_indexfile. */
export function createIndexfileModule(): Module<IndexfileConf> {
  return {
    name: 'mod_indexfile',
    keys: { 'index-file.names': { type: 'array-of-strings' }, 'server.indexfiles': { type: 'array-of-strings' }, 'server.stat-cache-engine': { type: 'string', scope: 'server' } },
    defaults: { names: [], statCacheEngine: 'simple' },
    compile(values: BlockValues, report: DiagnosticSink): Partial<IndexfileConf> {
      // lighttpd: both keys fill the same list; index-file.names is read after server.indexfiles
      let names: string[] | undefined;
      for (const key of ['server.indexfiles', 'index-file.names']) {
        const e = values.entries.get(key);
        const v = e ? readStringList(e, report) : undefined;
        if (v) names = v;
      }
      const engine = values.entries.get('server.stat-cache-engine');
      const statCacheEngine = engine?.value.type === 'string' ? parseStatCacheEngine(engine.value.value) : undefined;
      return { ...(names ? { names } : {}), ...(statCacheEngine ? { statCacheEngine } : {}) };
    },
    onRequest,
  };
}
