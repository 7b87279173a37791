/**
 * The core's file check (http-core.md §1.1 step 10, src/response.c): stat the physical path before the
 * handler phase, through the stat cache (lighttpd does it through its stat_cache too); the symlink
 * check for `server.follow-symlink = "disable"` is never cached. Sets `req.fileStat` / `req.pathInfo`, or decides a status: 404 (missing), 403 (EACCES,
 * blocked symlink), 301 (directory without trailing slash), 500 (other errors).
 */
import { lstatSync } from 'node:fs';
import type { RequestCtx } from './context.js';
import { encodeRelUri } from '../http/uri-encode.js';
import { lookupPath, type StatCacheEngine } from '../http/stat-cache.js';

/** What the file check decided. */
export type FileCheck = { kind: 'ok' } | { kind: 'status'; status: number; location?: string };

/** The ok result (one object: the common path allocates nothing). */
const OK: FileCheck = { kind: 'ok' };

/** Whether any component of the path (parents of the document root included) is a symlink (never cached). */
function hasSymlink(p: string): boolean {
  let cur = p.endsWith('/') && p.length > 1 ? p.slice(0, -1) : p;
  while (cur.length > 1) {
    try {
      const st = lstatSync(cur, { throwIfNoEntry: false });
      if (st === undefined) return false;
      if (st.isSymbolicLink()) return true;
    } catch {
      return false;
    }
    cur = cur.slice(0, cur.lastIndexOf('/')) || '/';
  }
  return false;
}

function statusFor(code: string): number {
  if (code === 'EACCES' || code === 'EPERM') return 403;
  if (code === 'ENOENT' || code === 'ENAMETOOLONG' || code === 'ENOTDIR') return 404;
  return 500;
}

/**
 * The directory redirect's Location: the decoded path re-encoded as lighttpd does (ENCODING_REL_URI),
 * plus `/`, plus `?query` when the query is not empty (http_response_redirect_to_directory).
 */
function slashLocation(req: RequestCtx): string {
  return `${encodeRelUri(req.path)}/${req.query !== '' ? `?${req.query}` : ''}`;
}

/** Runs the file check on `req.physicalPath` (which must be set), through the stat cache. */
export function checkFile(req: RequestCtx, followSymlink: boolean, engine: StatCacheEngine): FileCheck {
  const phys = req.physicalPath ?? '';
  const st = lookupPath(phys, engine);
  if (typeof st !== 'string') {
    if (!followSymlink && hasSymlink(phys)) return { kind: 'status', status: 403 };
    if (st.isDirectory() && !phys.endsWith('/')) return { kind: 'status', status: 301, location: slashLocation(req) };
    req.fileStat = st;
    return OK;
  }
  if (st !== 'ENOTDIR') return { kind: 'status', status: statusFor(st) };
  // path-info: the longest existing prefix that is a regular file wins (lighttpd 1.4.69 default)
  let cut = phys.length;
  for (;;) {
    cut = phys.lastIndexOf('/', cut - 1);
    if (cut <= 0) return { kind: 'status', status: 404 };
    const prefix = phys.slice(0, cut);
    const ps = lookupPath(prefix, engine);
    if (typeof ps === 'string') {
      if (ps === 'ENOTDIR') continue;
      return { kind: 'status', status: statusFor(ps) };
    }
    if (!ps.isFile()) return { kind: 'status', status: 404 };
    if (!followSymlink && hasSymlink(prefix)) return { kind: 'status', status: 403 };
    req.pathInfo = phys.slice(cut);
    req.physicalPath = prefix;
    // lighttpd shortens uri.path too (cached $HTTP["url"] results are kept)
    if (req.path.endsWith(req.pathInfo)) req.path = req.path.slice(0, req.path.length - req.pathInfo.length);
    req.fileStat = ps;
    return OK;
  }
}
