/**
 * mod_staticfile (lighttpd src/mod_staticfile.c + http_response_send_file, http-core.md §8.1–8.6).
 *
 * Keys: `static-file.exclude-extensions`, `static-file.etags`, `static-file.disable-pathinfo`, and the
 * core keys it depends on: `mimetype.assign`, `etag.use-inode`, `etag.use-mtime`, `etag.use-size`,
 * `server.range-requests`, `server.follow-symlink`.
 *
 * Serves GET, HEAD, QUERY and POST (the body of a POST is ignored) for the physical path the core's file
 * check found. An excluded extension or path-info with `disable-pathinfo` leaves the request unclaimed
 * (the core answers 403); anything but a regular file is 403. Differences: see mimetype.ts.
 */
import { lstat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import type { DiagnosticSink } from '../diagnostics.js';
import type { BlockValues, Module, Outcome } from './module.js';
import type { RequestCtx } from '../request/context.js';
import type { MimeTable } from '../http/mime.js';
import { sendFile } from '../http/send-file.js';
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

/** Whether any component of the path is a symlink (lighttpd stat_cache_path_contains_symlink). */
async function containsSymlink(p: string): Promise<boolean> {
  for (let cur = p.replace(/\/+$/, ''); cur.length > 1; cur = cur.slice(0, cur.lastIndexOf('/')) || '/') {
    const st = await lstat(cur).catch(() => null);
    if (st?.isSymbolicLink()) return true;
  }
  return false;
}

const STATIC_METHODS = new Set(['GET', 'HEAD', 'QUERY', 'POST']);

async function onRequest(req: RequestCtx, res: ServerResponse, conf: StaticfileConf): Promise<Outcome> {
  if (req.handler || !STATIC_METHODS.has(req.method) || req.physicalPath === undefined) return 'continue';
  if (conf.disablePathinfo && req.pathInfo) return 'continue';
  const phys = req.physicalPath;
  if (conf.excludeExtensions.some((ext) => phys.endsWith(ext))) return 'continue';
  // the core checked the path it found; an index file chosen after that is checked here
  if (!conf.followSymlink && (await containsSymlink(phys))) {
    req.status = 403;
    return 'handled';
  }
  const result = await sendFile(res, {
    method: req.method,
    protocol: req.protocol,
    headers: req.headers,
    physicalPath: phys,
    contentType: contentTypeFor(conf.mimetypes, phys),
    etag: conf.etags ? { inode: conf.etagUseInode, size: conf.etagUseSize, mtime: conf.etagUseMtime } : { inode: false, size: false, mtime: false },
    rangeRequests: conf.rangeRequests,
  });
  if (result !== 'sent') req.status = result;
  return 'handled';
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
      return out as Partial<StaticfileConf>;
    },
    onRequest,
  };
}
