/**
 * The directory test the vhost modules share (lighttpd's stat_cache_path_isdir): a path names a directory
 * through the stat cache, or the reason it does not in strerror words for the error log.
 */
import { lookupPath, type StatCacheEngine } from '../http/stat-cache.js';
import { strerror } from '../strerror.js';

/** `true` when `path` is a directory, else the error text lighttpd's log_perror would print. */
export function directoryCheck(path: string, engine: StatCacheEngine): true | string {
  const st = lookupPath(path, engine);
  if (typeof st === 'string') return strerror(st) ?? st;
  return st.isDirectory() ? true : strerror('ENOTDIR') ?? 'Not a directory';
}

/** The `server.stat-cache-engine` key as the vhost modules claim it (global scope, read once). */
export const STAT_CACHE_KEY = { 'server.stat-cache-engine': { type: 'string', scope: 'server' } } as const;
