/**
 * mod_dirlisting: `dir-listing.activate` / `server.dir-listing` (off by default), `dir-listing.hide-dotfiles`
 * (default on), `dir-listing.exclude` (regexes on names), `dir-listing.encoding`, `dir-listing.set-footer`,
 * `dir-listing.external-css`, `dir-listing.external-js` (lighttpd src/mod_dirlisting.c, http-core.md §8.7).
 *
 * Answers GET/HEAD for a path ending in `/` when no index file was found, with an HTML page "Index of
 * <path>": directories first, then files, each with last-modified time, size and type. The HTML differs
 * from lighttpd's (functionally equivalent); README/HEADER inclusion and `dir-listing.cache` are accepted
 * and ignored (docs/compat.md). An unreadable directory → 403.
 */
import { readdir, stat } from 'node:fs/promises';
import type { HttpResponse } from '../http1/response.js';
import type { DiagnosticSink } from '../diagnostics.js';
import type { BlockValues, KeySpec, Module, Outcome } from './module.js';
import type { RequestCtx } from '../request/context.js';
import type { MimeTable } from '../http/mime.js';
import { sendBuffer } from '../http/send-buffer.js';
import { compilePcre } from '../http/pcre.js';
import { compileMimetypeAssign, contentTypeFor } from './mimetype.js';
import { readBoolean, readStringList } from './values.js';
import { renderListing, type ListingEntry } from './dirlisting-html.js';

/** Effective mod_dirlisting settings. */
export interface DirlistingConf {
  readonly activate: boolean;
  readonly hideDotfiles: boolean;
  readonly exclude: readonly RegExp[];
  readonly encoding: string;
  readonly footer: string;
  readonly externalCss: string;
  readonly externalJs: string;
  readonly mimetypes: MimeTable | null;
  readonly rangeRequests: boolean;
}

const ACCEPTED_ONLY = [
  'dir-listing.show-readme',
  'dir-listing.hide-readme-file',
  'dir-listing.show-header',
  'dir-listing.hide-header-file',
  'dir-listing.encode-readme',
  'dir-listing.encode-header',
  'dir-listing.auto-layout',
  'dir-listing.cache',
];

const KEYS: Record<string, KeySpec> = {
  'dir-listing.activate': { type: 'boolean' },
  'server.dir-listing': { type: 'boolean' },
  'dir-listing.hide-dotfiles': { type: 'boolean' },
  'dir-listing.exclude': { type: 'array-of-strings' },
  'dir-listing.encoding': { type: 'string' },
  'dir-listing.set-footer': { type: 'string' },
  'dir-listing.external-css': { type: 'string' },
  'dir-listing.external-js': { type: 'string' },
  'mimetype.assign': { type: 'array-kv-strings' },
  'server.range-requests': { type: 'boolean' },
  ...Object.fromEntries(ACCEPTED_ONLY.map((k) => [k, { type: 'array' }])),
};

function str(values: BlockValues, key: string): string | undefined {
  const e = values.entries.get(key);
  return e?.value.type === 'string' ? e.value.value : undefined;
}

function compile(values: BlockValues, report: DiagnosticSink): Partial<DirlistingConf> {
  const out: { -readonly [K in keyof DirlistingConf]?: DirlistingConf[K] } = {};
  for (const [key, prop] of [['server.dir-listing', 'activate'], ['dir-listing.activate', 'activate'], ['dir-listing.hide-dotfiles', 'hideDotfiles'], ['server.range-requests', 'rangeRequests']] as const) {
    const e = values.entries.get(key);
    const v = e ? readBoolean(e, report) : undefined;
    if (v !== undefined) out[prop] = v;
  }
  const ex = values.entries.get('dir-listing.exclude');
  const list = ex ? readStringList(ex, report) : undefined;
  if (ex && list) {
    const regexes: RegExp[] = [];
    for (const p of list) {
      const c = compilePcre(p);
      if (c.ok) regexes.push(c.regex);
      else report.report({ severity: 'error', code: 'TSW_CONFIG_BAD_REGEX', message: `dir-listing.exclude: bad regex ${p}: ${c.message}`, ...(ex.loc ? { loc: ex.loc } : {}) });
    }
    out.exclude = regexes;
  }
  const enc = str(values, 'dir-listing.encoding');
  if (enc !== undefined) out.encoding = enc;
  const footer = str(values, 'dir-listing.set-footer');
  if (footer !== undefined) out.footer = footer;
  const css = str(values, 'dir-listing.external-css');
  if (css !== undefined) out.externalCss = css;
  const js = str(values, 'dir-listing.external-js');
  if (js !== undefined) out.externalJs = js;
  const mt = values.entries.get('mimetype.assign');
  const table = mt ? compileMimetypeAssign(mt, report) : undefined;
  if (table) out.mimetypes = table;
  return out;
}

async function listEntries(dir: string, conf: DirlistingConf): Promise<ListingEntry[]> {
  const names = await readdir(dir);
  const out: ListingEntry[] = [];
  for (const name of names) {
    if (conf.hideDotfiles && name.startsWith('.')) continue;
    if (conf.exclude.some((re) => re.test(name))) continue;
    const st = await stat(`${dir}/${name}`).catch(() => null);
    if (!st) continue;
    const isDir = st.isDirectory();
    out.push({ name, isDir, mtime: st.mtime, size: st.size, type: isDir ? 'Directory' : (contentTypeFor(conf.mimetypes, name) ?? 'application/octet-stream') });
  }
  return out;
}

function onRequest(req: RequestCtx, res: HttpResponse, conf: DirlistingConf): Outcome | Promise<Outcome> {
  // not a listing: answered synchronously (the router then goes on without waiting)
  if (req.handler || !req.path.endsWith('/') || (req.method !== 'GET' && req.method !== 'HEAD') || !conf.activate) return 'continue';
  return listDirectory(req, res, conf);
}

async function listDirectory(req: RequestCtx, res: HttpResponse, conf: DirlistingConf): Promise<Outcome> {
  const dir = (req.physicalPath ?? '').replace(/\/$/, '');
  let entries: ListingEntry[];
  try {
    entries = await listEntries(dir === '' ? '/' : dir, conf);
  } catch {
    req.status = 403;
    return 'handled';
  }
  const html = renderListing(req.path, entries, { encoding: conf.encoding, footer: conf.footer, externalCss: conf.externalCss, externalJs: conf.externalJs });
  const type = conf.encoding === '' ? 'text/html' : `text/html;charset=${conf.encoding}`;
  const r = sendBuffer(res, { method: req.method, protocol: req.protocol, headers: req.headers, rangeRequests: conf.rangeRequests, compresses: req.compressesBody }, type, Buffer.from(html, 'utf8'));
  if (r !== 'sent') req.status = r;
  return 'handled';
}

/** Creates mod_dirlisting. */
export function createDirlistingModule(): Module<DirlistingConf> {
  return {
    name: 'mod_dirlisting',
    keys: KEYS,
    defaults: { activate: false, hideDotfiles: true, exclude: [], encoding: '', footer: '', externalCss: '', externalJs: '', mimetypes: null, rangeRequests: true },
    compile,
    onRequest,
  };
}
