/**
 * mod_deflate's response-start decision (lighttpd 1.4.69 mod_deflate_handle_response_start), split in
 * two: `isCandidate` holds the checks that need no body length (method, status, codings already applied,
 * settings, Accept-Encoding, Content-Type); `applyCompression` the rest, in lighttpd's order:
 * size limits → `Vary: Accept-Encoding` → If-None-Match against the compressed ETag (304 / 412) →
 * max-loadavg → ETag suffix, Content-Encoding, no Content-Length → the cache (static files only).
 */
import { statSync } from 'node:fs';
import type { HttpResponse } from '../../http1/response.js';
import type { BodyFilter } from '../../http1/body-filter.js';
import type { RequestCtx } from '../../request/context.js';
import type { DeflateConf } from './config.js';
import { chooseEncoding, codecOf, type EncodingLabel } from './encodings.js';
import { loadAverage } from './load.js';
import { cacheFileName, openCacheFill, openCached } from './cache.js';
import { CompressFilter } from './compress-filter.js';
import { ReplaceFilter } from './replace-filter.js';

/** Whether a body of `length` bytes is inside deflate.min-compress-size … deflate.max-compress-size. */
export function sizeAllowed(conf: DeflateConf, length: number): boolean {
  if (length <= conf.minCompressSize) return false;
  return conf.maxCompressSizeKiB === 0 || length <= conf.maxCompressSizeKiB * 1024;
}

/** Whether deflate.mimetypes covers this Content-Type (prefix match; no type only when the first entry is ""). */
export function typeAllowed(mimetypes: readonly string[], contentType: string | undefined): boolean {
  if (contentType === undefined) return mimetypes[0] === '';
  for (const m of mimetypes) if (contentType.startsWith(m)) return true;
  return false;
}

/** Whether the load is above deflate.max-loadavg. */
export function overloaded(conf: DeflateConf): boolean {
  return conf.maxLoadavg > 0 && conf.maxLoadavg < loadAverage();
}

function headerText(res: HttpResponse, name: string): string | undefined {
  const v = res.getHeader(name);
  if (v === undefined) return undefined;
  return typeof v === 'object' ? v.join(', ') : String(v);
}

/** The coding for this response when everything but its length allows compression, else null. */
export function isCandidate(req: RequestCtx, res: HttpResponse, conf: DeflateConf): EncodingLabel | null {
  if (conf.mimetypes === null || conf.allowed === null || res.isHead) return null;
  const status = res.statusCode;
  // no entity to compress
  if (status < 200 || status === 204 || status === 205 || status === 304) return null;
  if (res.hasHeader('transfer-encoding') || res.hasHeader('content-encoding')) return null;
  const ae = req.headers.get('accept-encoding');
  if (ae === undefined) return null;
  const label = chooseEncoding(ae, conf.allowed);
  if (label === null) return null;
  return typeAllowed(conf.mimetypes, headerText(res, 'content-type')) ? label : null;
}

/** Whether a comma-separated header value has `token` (case-insensitive), as lighttpd checks Vary and Cache-Control. */
function hasToken(value: string, token: string): boolean {
  const t = token.toLowerCase();
  return value.split(',').some((part) => part.trim().toLowerCase() === t);
}

/** What the decision needs besides the request, response and settings. */
export interface PlanEnv {
  readonly log: (message: string) => void;
}

/**
 * Applies the decision to the head of a candidate response whose body is `length` bytes (-1: more than
 * min-compress-size, total unknown). Returns the body filter to install, or null to leave the body alone.
 */
export function applyCompression(req: RequestCtx, res: HttpResponse, conf: DeflateConf, label: EncodingLabel, length: number, env: PlanEnv): BodyFilter | null {
  if (length >= 0 && !sizeAllowed(conf, length)) return null;
  const vary = headerText(res, 'vary');
  if (vary === undefined) res.setHeader('Vary', 'Accept-Encoding');
  else if (!hasToken(vary, 'Accept-Encoding')) res.setHeader('Vary', `${vary},Accept-Encoding`);

  const etag = headerText(res, 'etag') ?? '';
  const suffixed = etag === '' ? '' : `${etag.slice(0, -1)}-${label}"`;
  const inm = etag === '' ? undefined : req.headers.get('if-none-match');
  // lighttpd: If-None-Match naming the compressed ETag (a prefix compare, as close as lighttpd gets)
  if (inm !== undefined && res.statusCode < 300 && inm.startsWith(etag.slice(0, -1)) && inm[etag.length - 1] === '-' && inm.startsWith(label, etag.length)) {
    const m = req.method;
    if (m === 'GET' || m === 'HEAD' || m === 'QUERY') {
      res.setHeader('ETag', suffixed);
      res.statusCode = 304;
    } else {
      res.statusCode = 412;
    }
    res.statusMessage = '';
    res.removeHeader('Content-Length');
    return new ReplaceFilter(res, { kind: 'none' });
  }
  if (overloaded(conf)) return null;

  if (etag !== '') res.setHeader('ETag', suffixed);
  res.setHeader('Content-Encoding', label);
  res.removeHeader('Content-Length');

  const params = { codec: codecOf(label), level: conf.compressionLevel, contentType: headerText(res, 'content-type') ?? '', sizeHint: length };
  const cacheName = conf.cacheDir !== null && vary === undefined && etag.length > 2 && length >= 0 ? cacheNameFor(req, res, conf.cacheDir, suffixed, length) : null;
  if (cacheName !== null) {
    const copy = openCached(cacheName);
    if (copy !== null) return new ReplaceFilter(res, { kind: 'copy', fd: copy.fd, size: copy.size });
  }
  return new CompressFilter(res, params, cacheName === null ? null : openCacheFill(cacheName), env.log);
}

/**
 * The cache name when the response is a whole static file (lighttpd: a single whole file chunk) that
 * may be kept: answered by mod_staticfile, status 200, no Cache-Control private / no-store.
 */
function cacheNameFor(req: RequestCtx, res: HttpResponse, cacheDir: string, etag: string, length: number): string | null {
  const path = req.physicalPath;
  if (path === undefined || req.handler !== undefined || res.statusCode !== 200) return null;
  const cc = headerText(res, 'cache-control');
  if (cc !== undefined && (hasToken(cc, 'private') || hasToken(cc, 'no-store'))) return null;
  try {
    const st = statSync(path);
    if (!st.isFile() || st.size !== length) return null;
  } catch {
    return null;
  }
  return cacheFileName(cacheDir, path, etag);
}
