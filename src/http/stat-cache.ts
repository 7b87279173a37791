/**
 * The stat cache: lighttpd 1.4.69's `server.stat-cache-engine` (src/stat_cache.c) for the core's file
 * check, mod_indexfile and mod_staticfile. All file-system calls here are synchronous, as lighttpd's are
 * on its one thread: a cached answer costs no system call, and a miss costs one stat().
 *
 * "simple" (the default; "inotify" is treated the same way): a path's stat() result is reused for up
 * to 1 s (lighttpd: within the same second), then done again. Entries nobody asked for in 2 s are
 * dropped (lighttpd's periodic cleanup), and at most MAX_ENTRIES are kept. A failed stat() is never
 * cached, so a file that appears is served at once. "disable": every lookup stats again, nothing is kept.
 *
 * An entry also keeps what only depends on the file's identity (device, inode, size, mtime, ctime):
 * the ETag per `etag.use-*` flag set, the Last-Modified string, the Content-Type per mimetype table,
 * the header template of a 200 (static-answer.ts), and the content of small regular files (at most CONTENT_MAX bytes each, CONTENT_BUDGET in all). A
 * content is kept only when the file's ctime is more than 1 s old when it is read: any later change
 * then gives the file a new ctime, so the next revalidation (≤ 1 s) notices it even on file systems
 * with coarse timestamps. Opening a file refreshes its entry from fstat() of the opened descriptor, so
 * the headers sent always describe the bytes sent.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type BigIntStats } from 'node:fs';
import { clock } from '../http1/clock.js';
import type { StaticAnswer } from './static-answer.js';

/** How lookups use the cache (`server.stat-cache-engine`). */
export type StatCacheEngine = 'simple' | 'disable';

/** Maps a `server.stat-cache-engine` value (already checked by the config layer) to an engine. */
export function parseStatCacheEngine(value: string): StatCacheEngine {
  return value === 'disable' || value === 'none' ? 'disable' : 'simple';
}

/** How long a stat() result is reused (lighttpd "simple": the rest of the current second). */
export const REVALIDATE_MS = 1000;
/** Entries unused this long are dropped (lighttpd: max_age 2 s). */
const MAX_AGE_MS = 2000;
const MAX_ENTRIES = 4096;
/** Files up to this size are read whole (and may be kept in memory). */
export const CONTENT_MAX = 64 * 1024;
const CONTENT_BUDGET = 8 * 1024 * 1024;

/** `etag.use-*` flags as a bit set: inode 1, size 2, mtime 4. */
export type EtagBits = number;

function sameIdentity(a: BigIntStats, b: BigIntStats): boolean {
  return a.ino === b.ino && a.dev === b.dev && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs && a.mode === b.mode;
}

/** One path's stat() result and what is derived from it. */
export class FileEntry {
  readonly path: string;
  #st: BigIntStats;
  /** performance.now() of the last stat() (or fstat() through open). */
  checkedAt: number;
  /** performance.now() of the last lookup (for the cleanup). */
  usedAt: number;
  readonly #kept: boolean;
  #content: Buffer | null = null;
  #etags: (string | null | undefined)[] = [];
  #lastModified: string | null = null;
  #typeTable: unknown = undefined;
  #type: string | null = null;
  #text: string | null = null;
  #answer: StaticAnswer | null = null;

  constructor(path: string, st: BigIntStats, now: number, kept: boolean) {
    this.path = path;
    this.#st = st;
    this.checkedAt = now;
    this.usedAt = now;
    this.#kept = kept;
  }

  /** The stat() result (follows symlinks). */
  get stats(): BigIntStats {
    return this.#st;
  }

  isFile(): boolean {
    return this.#st.isFile();
  }

  isDirectory(): boolean {
    return this.#st.isDirectory();
  }

  /** Size in bytes. */
  get size(): number {
    return Number(this.#st.size);
  }

  /** mtime in whole seconds. */
  get mtimeSeconds(): number {
    return Number(this.#st.mtimeNs / 1_000_000_000n);
  }

  /** Replaces the stat result; everything derived is dropped when the file is not the same any more. */
  update(st: BigIntStats, now: number): void {
    if (!sameIdentity(this.#st, st)) {
      this.#dropContent();
      this.#etags = [];
      this.#lastModified = null;
      this.#answer = null;
    }
    this.#st = st;
    this.checkedAt = now;
  }

  /** The cached value for an ETag flag set (undefined: not computed yet). */
  etagFor(bits: EtagBits): string | null | undefined {
    return this.#etags[bits];
  }

  setEtag(bits: EtagBits, etag: string | null): void {
    this.#etags[bits] = etag;
  }

  get lastModified(): string | null {
    return this.#lastModified;
  }

  set lastModified(v: string | null) {
    this.#lastModified = v;
  }

  /** The cached Content-Type for a mimetype table (any object identity), or undefined. */
  typeFor(table: unknown): string | null | undefined {
    return this.#typeTable === table ? this.#type : undefined;
  }

  setType(table: unknown, type: string | null): void {
    this.#typeTable = table;
    this.#type = type;
  }

  /** The kept content of a small file, or null. */
  get content(): Buffer | null {
    return this.#content;
  }

  /**
   * The kept content as a latin1 string (one char per byte: what the engine writes without a Buffer),
   * made on first use; null when no content is kept.
   */
  get contentText(): string | null {
    if (this.#text === null && this.#content !== null) this.#text = this.#content.toString('latin1');
    return this.#text;
  }

  /** The 200 header template built from this file's identity (static-answer.ts), dropped when the file changes. */
  get answer(): StaticAnswer | null {
    return this.#answer;
  }

  set answer(v: StaticAnswer | null) {
    this.#answer = v;
  }

  /** Keeps `data` as the file's content when allowed (see the file header). */
  keepContent(data: Buffer, wallNowMs: number): void {
    if (!this.#kept || this.#content !== null) return;
    if (wallNowMs - Number(this.#st.ctimeMs) <= REVALIDATE_MS) return;
    if (contentBytes + data.length > CONTENT_BUDGET) return;
    this.#content = data;
    contentBytes += data.length;
  }

  /** Forgets the content (on change or when the entry is dropped). */
  #dropContent(): void {
    if (this.#content === null) return;
    contentBytes -= this.#content.length;
    this.#content = null;
    this.#text = null;
  }

  /** Called when the entry leaves the cache. */
  evict(): void {
    this.#dropContent();
  }
}

const entries = new Map<string, FileEntry>();
let contentBytes = 0;
let lastSweep = 0;

function sweep(now: number): void {
  lastSweep = now;
  for (const [path, e] of entries) {
    if (now - e.usedAt > MAX_AGE_MS) {
      e.evict();
      entries.delete(path);
    }
  }
}

function errnoCode(e: unknown): string {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : 'EIO';
}

/**
 * The entry for `path` (stat() follows symlinks), or the errno code of a failed stat(), e.g. `ENOENT`.
 * The path is used as given (lighttpd: normalised, no repeated `/`); `dir/` and `dir` are two entries.
 * `now` is on performance.now()'s scale: by default the engine clock, which the read that brought the
 * request refreshed (tests pass their own clock).
 */
export function lookupPath(path: string, engine: StatCacheEngine, now = clock.now): FileEntry | string {
  if (engine === 'disable') {
    try {
      return new FileEntry(path, statSync(path, { bigint: true }), now, false);
    } catch (e) {
      return errnoCode(e);
    }
  }
  if (now - lastSweep >= REVALIDATE_MS) sweep(now);
  const hit = entries.get(path);
  if (hit !== undefined) {
    hit.usedAt = now;
    if (now - hit.checkedAt < REVALIDATE_MS) return hit;
  }
  let st: BigIntStats;
  try {
    st = statSync(path, { bigint: true });
  } catch (e) {
    if (hit !== undefined) {
      hit.evict();
      entries.delete(path);
    }
    return errnoCode(e);
  }
  if (hit !== undefined) {
    hit.update(st, now);
    return hit;
  }
  if (entries.size >= MAX_ENTRIES) {
    // the oldest insertion goes first (a cheap approximation of least recently used)
    for (const [oldPath, old] of entries) {
      old.evict();
      entries.delete(oldPath);
      break;
    }
  }
  const entry = new FileEntry(path, st, now, true);
  entries.set(path, entry);
  return entry;
}

/** How many entries are cached and how many content bytes they hold (for tests and diagnostics). */
export function statCacheSize(): { readonly entries: number; readonly contentBytes: number } {
  return { entries: entries.size, contentBytes };
}

/**
 * Opens the entry's file read-only (O_NONBLOCK: a FIFO that replaced the file does not block the server;
 * O_NOFOLLOW when symlinks are not followed) and refreshes the entry from fstat() of the descriptor.
 * Returns the descriptor, or the errno code. The caller closes the descriptor.
 */
export function openEntry(entry: FileEntry, followSymlink: boolean): number | string {
  let fd: number;
  try {
    fd = openSync(entry.path, constants.O_RDONLY | constants.O_NONBLOCK | (followSymlink ? 0 : constants.O_NOFOLLOW));
  } catch (e) {
    return errnoCode(e);
  }
  try {
    entry.update(fstatSync(fd, { bigint: true }), performance.now());
  } catch (e) {
    closeSync(fd);
    return errnoCode(e);
  }
  return fd;
}

/**
 * The whole content of a small regular file (size ≤ CONTENT_MAX): the kept copy, or read now through
 * openEntry (which may update the entry). Returns the errno code when the file cannot be read, and
 * 'not-regular' / 'too-big' when the opened file turned out to be something else.
 */
export function readSmallFile(entry: FileEntry, followSymlink: boolean, attempts = 3): Buffer | string {
  const kept = entry.content;
  if (kept !== null) return kept;
  const fd = openEntry(entry, followSymlink);
  if (typeof fd === 'string') return fd;
  try {
    if (!entry.isFile()) return 'not-regular';
    const size = entry.size;
    if (size > CONTENT_MAX) return 'too-big';
    const buf = Buffer.allocUnsafe(size);
    let got = 0;
    while (got < size) {
      const n = readSync(fd, buf, got, size - got, got);
      if (n === 0) break;
      got += n;
    }
    // the file shrank while it was read: read it again with a fresh fstat()
    if (got < size) return attempts > 1 ? readSmallFile(entry, followSymlink, attempts - 1) : 'EAGAIN';
    entry.keepContent(buf, Date.now());
    return buf;
  } catch (e) {
    return errnoCode(e);
  } finally {
    closeSync(fd);
  }
}
