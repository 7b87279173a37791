/**
 * mod_expire: `expire.url`, `expire.mimetypes` (lighttpd src/mod_expire.c, http-core.md §12.4).
 *
 * When the response starts (after every handler, error pages included): a 200, 204 or 206 answer to
 * GET, HEAD or QUERY that has no `Cache-Control` yet gets the expiry of the first `expire.url` key that
 * is a prefix of the path, else of the first `expire.mimetypes` key that is a prefix of the
 * Content-Type (the key `""` also serves answers without one). HTTP/1.1 requests get only
 * `Cache-Control: max-age=<secs>`, HTTP/1.0 requests only `Expires: <date>` (replacing one already
 * there). `modification` counts from the mtime of the file the core found for the request (a proxied
 * answer has none and gets nothing); an expiry in the past becomes "now".
 *
 * As lighttpd at startup: a trailing `*` is dropped from `expire.mimetypes` keys, and an
 * `application/javascript` key becomes `text/javascript` (moved last) unless `text/javascript` or
 * `text/` is listed too; a value that does not parse stops the server. Module order is observable
 * (mod_setenv's `Cache-Control` before mod_expire wins), as in lighttpd.
 */
import type { HttpResponse } from '../http1/response.js';
import type { DiagnosticSink } from '../diagnostics.js';
import type { ConfigEntry } from '../config/tree.js';
import type { BlockValues, Module } from './module.js';
import type { RequestCtx } from '../request/context.js';
import { catalogueKeys } from '../config/key-catalogue.js';
import { currentSecond } from '../http1/header-block.js';
import { formatHttpDate } from '../http/http-date.js';
import { parseExpireOffset, type ExpireOffset } from './expire-offset.js';
import { readKvStrings } from './values.js';

/** One key of `expire.url` / `expire.mimetypes` with its parsed value. */
export interface ExpireRule {
  readonly prefix: string;
  readonly offset: ExpireOffset;
}

/** Effective mod_expire settings: rules in list order. */
export interface ExpireConf {
  readonly url: readonly ExpireRule[];
  readonly mimetypes: readonly ExpireRule[];
}

/** lighttpd's edits to `expire.mimetypes` keys (see the file header). */
function editMimeKeys(pairs: [string, string][]): [string, string][] {
  const out = pairs.map(([k, v]): [string, string] => [k.endsWith('*') ? k.slice(0, -1) : k, v]);
  const has = (key: string): boolean => out.some(([k]) => k === key);
  const js = out.findIndex(([k]) => k === 'application/javascript');
  if (js < 0 || has('text/javascript') || has('text/')) return out;
  const [moved] = out.splice(js, 1);
  if (moved) out.push(['text/javascript', moved[1]]);
  return out;
}

/** Parses every value of one key; a bad value is a startup error in lighttpd's words. */
function readRules(e: ConfigEntry, isMime: boolean, report: DiagnosticSink): ExpireRule[] | undefined {
  const pairs = readKvStrings(e, report);
  if (!pairs) return undefined;
  const rules: ExpireRule[] = [];
  for (const [prefix, text] of isMime ? editMimeKeys(pairs) : pairs) {
    const parsed = parseExpireOffset(text);
    if (!parsed.ok) {
      const loc = e.value.loc ?? e.loc;
      report.report({ severity: 'error', code: 'TSW_CONFIG_BAD_VALUE', message: `parsing ${e.key} failed: ${text} (${parsed.detail})`, ...(loc ? { loc } : {}) });
      return undefined;
    }
    rules.push({ prefix, offset: parsed.offset });
  }
  return rules;
}

function firstPrefix(rules: readonly ExpireRule[], subject: string): ExpireRule | undefined {
  for (const r of rules) if (subject.startsWith(r.prefix)) return r;
  return undefined;
}

/** The rule for this answer: expire.url by path, else expire.mimetypes by Content-Type. */
function ruleFor(req: RequestCtx, res: HttpResponse, conf: ExpireConf): ExpireRule | undefined {
  const byUrl = firstPrefix(conf.url, req.path);
  if (byUrl !== undefined || conf.mimetypes.length === 0) return byUrl;
  const ct = res.getHeader('content-type');
  // no Content-Type: only the "" key applies (lighttpd looks it up by name)
  return firstPrefix(conf.mimetypes, ct === undefined ? '' : typeof ct === 'object' ? ct.join(', ') : String(ct));
}

function onResponseStart(req: RequestCtx, res: HttpResponse, conf: ExpireConf): void {
  if (conf.url.length === 0 && conf.mimetypes.length === 0) return;
  const status = res.statusCode;
  if (status !== 200 && status !== 204 && status !== 206) return;
  const m = req.method;
  if (m !== 'GET' && m !== 'HEAD' && m !== 'QUERY') return;
  if (res.headersSent || res.hasHeader('cache-control')) return;
  const rule = ruleFor(req, res, conf);
  if (rule === undefined) return;
  const now = currentSecond();
  let expires = rule.offset.seconds;
  if (rule.offset.base === 'access') {
    expires += now;
  } else {
    // lighttpd stats the physical path; without a file (a gateway's answer) there is no mtime
    if (req.fileStat === undefined) return;
    expires += req.fileStat.mtimeSeconds;
  }
  if (expires < now) expires = now;
  // Cache-Control wins over Expires in HTTP/1.1, so lighttpd sends one or the other
  if (req.protocol === 'HTTP/1.1') res.setHeader('Cache-Control', `max-age=${expires - now}`);
  else res.setHeader('Expires', formatHttpDate(expires));
}

/** Creates mod_expire. */
export function createExpireModule(): Module<ExpireConf> {
  return {
    name: 'mod_expire',
    keys: catalogueKeys('mod_expire'),
    defaults: { url: [], mimetypes: [] },
    compile(values: BlockValues, report: DiagnosticSink): Partial<ExpireConf> {
      const out: { url?: ExpireRule[]; mimetypes?: ExpireRule[] } = {};
      const url = values.entries.get('expire.url');
      const mime = values.entries.get('expire.mimetypes');
      const urlRules = url ? readRules(url, false, report) : undefined;
      const mimeRules = mime ? readRules(mime, true, report) : undefined;
      if (urlRules) out.url = urlRules;
      if (mimeRules) out.mimetypes = mimeRules;
      return out;
    },
    onResponseStart,
  };
}
