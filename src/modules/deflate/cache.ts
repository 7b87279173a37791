/**
 * deflate.cache-dir: compressed copies of static files, named as lighttpd 1.4.69 names them — the cache
 * directory, then the file's physical path, then `-` and the response's ETag without its quotes (already
 * carrying the coding: `/var/cache/lighttpd/compress/srv/www/app.js-1234567-gzip`). A copy is written to
 * `<name>.<pid>` and renamed into place when complete, so a reader never sees half a file.
 *
 * Bounds: a name must stay inside the cache directory after normalisation and its last component must fit
 * NAME_MAX with the temporary suffix, else nothing is cached; one writer per name at a time in this
 * process (a second request for the same file meanwhile is compressed without the cache). Files are only
 * as large as deflate.max-compress-size allows; like lighttpd, old copies are never removed.
 */
import { closeSync, fstatSync, mkdirSync, openSync, rename, unlink } from 'node:fs';
import { basename, dirname, normalize, resolve } from 'node:path';

/** NAME_MAX on Linux, less room for `.<pid>`. */
const NAME_MAX = 255 - 12;

/** The cache file for a physical path and the response's (suffixed) ETag, or null when it cannot be named safely. */
export function cacheFileName(cacheDir: string, physicalPath: string, etag: string): string | null {
  if (etag.length <= 2) return null;
  const inner = etag.slice(1, -1);
  if (inner.includes('/') || inner.includes('\0') || physicalPath.includes('\0')) return null;
  const name = `${cacheDir}${physicalPath.startsWith('/') ? '' : '/'}${physicalPath}-${inner}`;
  const root = resolve(cacheDir);
  const full = resolve(normalize(name));
  if (!full.startsWith(`${root}/`) || basename(full).length > NAME_MAX) return null;
  return full;
}

/** An open cache file being filled. */
export interface CacheFill {
  readonly file: string;
  readonly tmp: string;
  readonly fd: number;
}

/** Names being written now. */
const filling = new Set<string>();

/** Starts a copy of `file` (its directories made 0700 as lighttpd does), or null when it cannot be written now. */
export function openCacheFill(file: string): CacheFill | null {
  if (filling.has(file)) return null;
  const tmp = `${file}.${process.pid}`;
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const fd = openSync(tmp, 'w', 0o600);
    filling.add(file);
    return { file, tmp, fd };
  } catch {
    return null;
  }
}

/**
 * Ends a fill whose descriptor is closed: the copy is renamed into place when `ok`, else removed; `done`
 * gets the final name or null.
 */
export function closeCacheFill(fill: CacheFill, ok: boolean, done: (file: string | null) => void): void {
  const release = (file: string | null): void => {
    filling.delete(fill.file);
    done(file);
  };
  if (!ok) {
    unlink(fill.tmp, () => release(null));
    return;
  }
  rename(fill.tmp, fill.file, (err) => {
    if (err) unlink(fill.tmp, () => release(null));
    else release(fill.file);
  });
}

/** Opens a cached copy for reading: its descriptor and size, or null when there is none. */
export function openCached(file: string): { fd: number; size: number } | null {
  let fd = -1;
  try {
    fd = openSync(file, 'r');
    const st = fstatSync(fd);
    if (!st.isFile() || st.size === 0) {
      closeSync(fd);
      return null;
    }
    return { fd, size: st.size };
  } catch {
    if (fd >= 0) closeSync(fd);
    return null;
  }
}
