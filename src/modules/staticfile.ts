/**
 * mod_staticfile (lighttpd src/mod_staticfile.c + http_response_send_file, http-core.md §8.1–8.6).
 *
 * Keys: `static-file.exclude-extensions`, `static-file.etags`, `static-file.disable-pathinfo`, and the
 * core keys it depends on: `mimetype.assign`, `etag.use-inode`, `etag.use-mtime`, `etag.use-size`,
 * `server.range-requests`, `server.follow-symlink`, `server.stat-cache-engine` (stat-cache.ts).
 *
 * Serves GET, HEAD, QUERY and POST (the body of a POST is ignored) for the physical path the core's file
 * check found. An excluded extension or path-info with `disable-pathinfo` leaves the request unclaimed
 * (the core answers 403); anything but a regular file is 403. Differences: see mimetype.ts.
 */
import { lstatSync } from 'node:fs';
import type { HttpResponse } from '../http1/response.js';
import type { DiagnosticSink } from '../diagnostics.js';
import type { BlockValues, Module, Outcome } from './module.js';
import type { RequestCtx } from '../request/context.js';
import type { MimeTable } from '../http/mime.js';
import { errnoStatus, sendFile } from '../http/send-file.js';
import type { EtagFlags } from '../http/etag.js';
import { lookupPath, parseStatCacheEngine, type FileEntry, type StatCacheEngine } from '../http/stat-cache.js';
import { compileMimetypeAssign, contentTypeFor } from './mimetype.js';
import { readBoolean, readStringList } from './values.js';

/** Effective mod_staticfile settings. */
export interface StaticfileConf {
  readonly excludeExtensions: readonly string[];
  readonly etags: boolean;
  readonly disablePathinfo: boolean;
  /** null: no mimetype.assign in effect (built-in table). */
  readonly mimetypes: MimeTable | null;
  readonly etagUseInode: boolean;
  readonly etagUseMtime: boolean;
  readonly etagUseSize: boolean;
  readonly rangeRequests: boolean;
  /** `server.follow-symlink` (a core key, read again here as lighttpd's send_file does). */
  readonly followSymlink: boolean;
  /** `server.stat-cache-engine` (a global core key). */
  readonly statCacheEngine: StatCacheEngine;
}

const BOOL_KEYS: Readonly<Record<string, keyof StaticfileConf>> = {
  'static-file.etags': 'etags',
  'static-file.disable-pathinfo': 'disablePathinfo',
  'etag.use-inode': 'etagUseInode',
  'etag.use-mtime': 'etagUseMtime',
  'etag.use-size': 'etagUseSize',
  'server.range-requests': 'rangeRequests',
  'server.follow-symlink': 'followSymlink',
};

/** Whether any component of the path is a symlink (lighttpd stat_cache_path_contains_symlink; never cached). */
function containsSymlink(p: string): boolean {
  for (let cur = p.replace(/\/+$/, ''); cur.length > 1; cur = cur.slice(0, cur.lastIndexOf('/')) || '/') {
    let st;
    try {
      st = lstatSync(cur, { throwIfNoEntry: false });
    } catch {
      st = undefined;
    }
    if (st?.isSymbolicLink()) return true;
  }
  return false;
}

/** The methods mod_staticfile serves (a comparison, not a Set lookup, per request). */
function isStaticMethod(m: string): boolean {
  return m === 'GET' || m === 'HEAD' || m === 'POST' || m === 'QUERY';
}

/** Every combination of the `etag.use-*` flags, by bit set (inode 1, size 2, mtime 4): no object per request. */
const ETAG_FLAGS: readonly EtagFlags[] = Array.from({ length: 8 }, (_, b) => Object.freeze({ inode: (b & 1) !== 0, size: (b & 2) !== 0, mtime: (b & 4) !== 0 }));

function etagFlagsOf(conf: StaticfileConf): EtagFlags {
  const bits = conf.etags ? (conf.etagUseInode ? 1 : 0) | (conf.etagUseSize ? 2 : 0) | (conf.etagUseMtime ? 4 : 0) : 0;
  return ETAG_FLAGS[bits] ?? { inode: false, size: false, mtime: false };
}

function onRequest(req: RequestCtx, res: HttpResponse, conf: StaticfileConf): Outcome {
  if (req.handler || !isStaticMethod(req.method) || req.physicalPath === undefined) return 'continue';
  if (conf.disablePathinfo && req.pathInfo) return 'continue';
  const phys = req.physicalPath;
  const ex = conf.excludeExtensions;
  for (let i = 0; i < ex.length; i++) if (phys.endsWith(ex[i] ?? '')) return 'continue';
  // the core checked the path it found; an index file chosen after that is checked here
  if (!conf.followSymlink && containsSymlink(phys)) {
    req.status = 403;
    return 'handled';
  }
  // the core's file check (or mod_indexfile) looked the path up; anything else is looked up now
  const found = req.fileStat?.path === phys ? req.fileStat : lookupPath(phys, conf.statCacheEngine);
  if (typeof found === 'string') {
    req.status = errnoStatus(found);
    return 'handled';
  }
  const result = sendFile(res, {
    method: req.method,
    protocol: req.protocol,
    headers: req.headers,
    file: found,
    contentType: typeFor(found, conf.mimetypes),
    etag: etagFlagsOf(conf),
    rangeRequests: conf.rangeRequests,
    followSymlink: conf.followSymlink,
    compresses: req.compressesBody,
  });
  if (result !== 'sent') req.status = result;
  return 'handled';
}

/** The file's Content-Type for this mimetype table (cached in the stat-cache entry). */
function typeFor(file: FileEntry, table: MimeTable | null): string | null {
  let type = file.typeFor(table);
  if (type === undefined) {
    type = contentTypeFor(table, file.path);
    // lighttpd: a blank assigned type is the implicit octet-stream too (no caching headers)
    if (type === '') type = null;
    file.setType(table, type);
  }
  return type;
}

/** Creates mod_staticfile. */
export function createStaticfileModule(): Module<StaticfileConf> {
  return {
    name: 'mod_staticfile',
    keys: {
      'static-file.exclude-extensions': { type: 'array-of-strings' },
      'static-file.etags': { type: 'boolean' },
      'static-file.disable-pathinfo': { type: 'boolean' },
      'mimetype.assign': { type: 'array-kv-strings' },
      'etag.use-inode': { type: 'boolean' },
      'etag.use-mtime': { type: 'boolean' },
      'etag.use-size': { type: 'boolean' },
      'server.range-requests': { type: 'boolean' },
      'server.follow-symlink': { type: 'boolean' },
      'server.stat-cache-engine': { type: 'string', scope: 'server' },
    },
    defaults: {
      excludeExtensions: [],
      etags: true,
      disablePathinfo: false,
      mimetypes: null,
      etagUseInode: true,
      etagUseMtime: true,
      etagUseSize: true,
      rangeRequests: true,
      followSymlink: true,
      statCacheEngine: 'simple',
    },
    compile(values: BlockValues, report: DiagnosticSink): Partial<StaticfileConf> {
      const out: Partial<Record<keyof StaticfileConf, unknown>> = {};
      for (const [key, prop] of Object.entries(BOOL_KEYS)) {
        const e = values.entries.get(key);
        const v = e ? readBoolean(e, report) : undefined;
        if (v !== undefined) out[prop] = v;
      }
      const ex = values.entries.get('static-file.exclude-extensions');
      const exList = ex ? readStringList(ex, report) : undefined;
      if (exList) out.excludeExtensions = exList;
      const mt = values.entries.get('mimetype.assign');
      const table = mt ? compileMimetypeAssign(mt, report) : undefined;
      if (table) out.mimetypes = table;
      const engine = values.entries.get('server.stat-cache-engine');
      if (engine?.value.type === 'string') out.statCacheEngine = parseStatCacheEngine(engine.value.value);
      return out as Partial<StaticfileConf>;
    },
    onRequest,
  };
}
