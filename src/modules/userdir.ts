/**
 * mod_userdir: `userdir.path`, `.basepath`, `.letterhomes`, `.include-user`, `.exclude-user`, `.active`
 * (lighttpd src/mod_userdir.c, http-core.md §1.1 step 8).
 *
 * In the physical phase (in module order, so after an earlier mod_alias), a path `/~user/rest` with
 * `userdir.path` set (even to "") and `userdir.active` on is served from the user's directory:
 * - without `basepath`: the user's home directory (passwd file, src/modules/userdir-passwd.ts) + path, if
 *   that is a directory; the last two users found are remembered for 60 s (and not checked again);
 * - with `basepath`: basepath [+ first letter with `letterhomes`] + user + path, not checked; only user
 *   names of letters, digits, `-`, `_`, `.` (not `.` or `..`), lower-cased with
 *   `server.force-lowercase-filenames`.
 * `/~user` without a slash is redirected (301) to `/~user/`. Users in `exclude-user` (compared ignoring case
 * with force-lowercase-filenames), users missing from a set `include-user`, an empty user, names of 256
 * bytes or more and unknown users are left to the document root.
 */
import type { HttpResponse } from '../http1/response.js';
import type { DiagnosticSink } from '../diagnostics.js';
import type { ConfigEntry } from '../config/tree.js';
import type { BlockValues, Module, Outcome } from './module.js';
import type { RequestCtx } from '../request/context.js';
import { asciiLower } from '../config/tree.js';
import { parseStatCacheEngine, type StatCacheEngine } from '../http/stat-cache.js';
import { encodeRelUri } from '../http/uri-encode.js';
import { directoryCheck, STAT_CACHE_KEY } from './dir-check.js';
import { PasswdHomes } from './userdir-passwd.js';
import { readBoolean, readStringList } from './values.js';

/** Effective mod_userdir settings (null: unset). */
export interface UserdirConf {
  readonly path: string | null;
  readonly exclude: readonly string[] | null;
  readonly include: readonly string[] | null;
  readonly basepath: string | null;
  readonly letterhomes: boolean;
  readonly active: boolean;
  readonly statCacheEngine: StatCacheEngine;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** How long a found user's home is remembered (lighttpd: 60 s, two users). */
const CACHE_SECONDS = 60;

function readText(e: ConfigEntry, report: DiagnosticSink): string | undefined {
  if (e.value.type === 'string') return e.value.value;
  const loc = e.value.loc ?? e.loc;
  report.report({ severity: 'error', code: 'TSW_CONFIG_BAD_VALUE', message: `${e.key} should have been a string like ... = "..."`, ...(loc ? { loc } : {}) });
  return undefined;
}

function compile(values: BlockValues, report: DiagnosticSink): Partial<UserdirConf> {
  const out: Partial<Mutable<UserdirConf>> = {};
  const get = (k: string): ConfigEntry | undefined => values.entries.get(k);
  const path = get('userdir.path');
  const pathText = path && readText(path, report);
  if (pathText !== undefined) out.path = pathText;
  const basepath = get('userdir.basepath');
  const baseText = basepath && readText(basepath, report);
  // lighttpd: an empty basepath unsets it (home directories again)
  if (baseText !== undefined) out.basepath = baseText === '' ? null : baseText;
  const exclude = get('userdir.exclude-user');
  const excludeList = exclude && readStringList(exclude, report);
  if (excludeList) out.exclude = excludeList;
  const include = get('userdir.include-user');
  const includeList = include && readStringList(include, report);
  if (includeList) out.include = includeList;
  const letterhomes = get('userdir.letterhomes');
  const lh = letterhomes && readBoolean(letterhomes, report);
  if (lh !== undefined) out.letterhomes = lh;
  const active = get('userdir.active');
  const on = active && readBoolean(active, report);
  if (on !== undefined) out.active = on;
  const engine = get('server.stat-cache-engine');
  if (engine?.value.type === 'string') out.statCacheEngine = parseStatCacheEngine(engine.value.value);
  return out;
}

/** `b` and `a` joined with exactly one `/` between them (lighttpd's buffer_append_path_len). */
function appendPath(b: string, a: string): string {
  const aSlash = a.startsWith('/');
  if (b.endsWith('/')) return aSlash ? b + a.slice(1) : b + a;
  return aSlash ? b + a : `${b}/${a}`;
}

/** A user name basepath mode accepts: letters, digits, `-`, `_`, `.`; not `.` or `..`. */
function isSafeName(u: string): boolean {
  return u !== '.' && u !== '..' && /^[A-Za-z0-9._-]+$/.test(u);
}

interface CachedHome {
  user: string;
  home: string;
  at: number;
}

/** Creates mod_userdir; `passwd`: where home directories come from (the system's passwd file by default). */
export function createUserdirModule(passwd: PasswdHomes = new PasswdHomes()): Module<UserdirConf> {
  const cache: CachedHome[] = [
    { user: '', home: '', at: 0 },
    { user: '', home: '', at: 0 },
  ];

  /** The user's directory from the home directories, or null (unknown user, not a directory). */
  function fromHome(user: string, conf: UserdirConf, path: string): string | null {
    const now = Math.floor(performance.now() / 1000);
    for (const c of cache) if (c.user !== '' && c.user === user && now - c.at < CACHE_SECONDS) return appendPath(c.home, path);
    const home = passwd.home(user);
    if (home === null) return null;
    const dir = appendPath(home, path);
    if (directoryCheck(dir, conf.statCacheEngine) !== true) return null;
    // replace the oldest entry
    let oldest = 0;
    for (let i = 1; i < cache.length; i++) if ((cache[oldest]?.at ?? 0) > (cache[i]?.at ?? 0)) oldest = i;
    cache[oldest] = { user, home, at: now };
    return dir;
  }

  /** The user's directory with a basepath, or null for a name it refuses. */
  function fromBasepath(user: string, conf: UserdirConf, basepath: string, path: string, lower: boolean): string | null {
    if (!isSafeName(user)) return null;
    const u = lower ? asciiLower(user) : user;
    let dir = basepath;
    if (conf.letterhomes) {
      if (u.startsWith('.')) return null;
      dir = appendPath(dir, u.slice(0, 1));
    }
    return appendPath(appendPath(dir, u), path);
  }

  function onPhysical(req: RequestCtx, res: HttpResponse, conf: UserdirConf): Outcome {
    const uri = req.path;
    if (uri.charCodeAt(0) !== 0x2f || uri.charCodeAt(1) !== 0x7e) return 'continue';
    if (!conf.active || conf.path === null) return 'continue';
    const slash = uri.indexOf('/', 2);
    if (slash < 0) {
      if (uri.length === 2) return 'continue';
      // a user's directory is a directory: /~user → /~user/ (lighttpd http_response_redirect_to_directory)
      res.setHeader('Location', `${encodeRelUri(uri)}/${req.query !== '' ? `?${req.query}` : ''}`);
      req.status = 301;
      return 'handled';
    }
    const user = uri.slice(2, slash);
    if (user === '') return 'continue';
    const lower = req.core.forceLowercaseFilenames;
    if (conf.exclude !== null) {
      const u = lower ? asciiLower(user) : user;
      if (conf.exclude.some((x) => (lower ? asciiLower(x) : x) === u)) return 'continue';
    }
    if (conf.include !== null && !conf.include.includes(user)) return 'continue';
    if (Buffer.byteLength(user) >= 256) return 'continue';
    const dir = conf.basepath === null ? fromHome(user, conf, conf.path) : fromBasepath(user, conf, conf.basepath, conf.path, lower);
    if (dir === null) return 'continue';
    // the rest of the path below /~user/, from the path as the core used it (lower-cased when configured)
    const rel = lower ? uri.toLowerCase() : uri;
    const rest = rel.slice(rel.indexOf('/', 2) + 1);
    req.basedir = dir;
    // joined with one slash, as the core joins a document root (src/request/physical-path.ts)
    req.physicalPath = `${dir.replace(/\/+$/, '')}/${rest}`;
    return 'continue';
  }

  return {
    name: 'mod_userdir',
    keys: {
      'userdir.path': { type: 'string' },
      'userdir.exclude-user': { type: 'array-of-strings' },
      'userdir.include-user': { type: 'array-of-strings' },
      'userdir.basepath': { type: 'string' },
      'userdir.letterhomes': { type: 'boolean' },
      'userdir.active': { type: 'boolean' },
      ...STAT_CACHE_KEY,
    },
    defaults: { path: null, exclude: null, include: null, basepath: null, letterhomes: false, active: true, statCacheEngine: 'simple' },
    compile,
    onPhysical,
  };
}
