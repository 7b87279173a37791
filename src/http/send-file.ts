/**
 * Sending one static file the way lighttpd 1.4.69's http_response_send_file() does (src/http-header-glue.c,
 * http-core.md §8.1–8.6): open + fstat, Content-Type, ETag and Last-Modified unless the type is the
 * implicit octet-stream, 304/412, Content-Length, Accept-Ranges and Range (206, multipart, 416).
 *
 * The file comes as a stat-cache entry (stat-cache.ts), which keeps the header strings and the content
 * of small files. A small file is read whole, synchronously, and sent with one end(); a larger one is
 * opened synchronously and streamed by file-pump.ts with backpressure (bounded memory for any size).
 * Errors are returned as a status for the core's error document; nothing is written to `res` then.
 * sendFile returns once the head is written: the pump sends the rest of a large body on its own.
 */
import { closeSync } from 'node:fs';
import type { HttpResponse } from '../http1/response.js';
import { computeEtag, type EtagFlags } from './etag.js';
import { evaluateConditional } from './conditional.js';
import { formatHttpDate } from './http-date.js';
import { planRange, multipartLength, sliceRanges, MULTIPART_BOUNDARY } from './range.js';
import { CONTENT_MAX, openEntry, readSmallFile, type FileEntry } from './stat-cache.js';
import { pumpFile } from './file-pump.js';
import { answerTemplate } from './static-answer.js';

/** The request facts and settings sending a file needs. */
export interface SendFileInput {
  readonly method: string;
  readonly protocol: string;
  /** Request headers by lower-case name. */
  readonly headers: ReadonlyMap<string, string>;
  /** The file (its stat-cache entry). */
  readonly file: FileEntry;
  /** Content-Type to send, or null for lighttpd's implicit octet-stream (no caching headers). */
  readonly contentType: string | null;
  /** `etag.use-*` flags with `static-file.etags` applied (all false = no ETag). */
  readonly etag: EtagFlags;
  /** `server.range-requests`. */
  readonly rangeRequests: boolean;
  /** `server.follow-symlink` (the file is opened with O_NOFOLLOW when off, as lighttpd does). */
  readonly followSymlink: boolean;
  /** mod_deflate will compress a whole body of this type and length: no Range (RequestCtx.compressesBody). */
  readonly compresses?: ((contentType: string, length: number) => boolean) | undefined;
}

/** 'sent' once the response head is written, or an error status for the core's error page. */
export type SendFileResult = 'sent' | 403 | 404 | 412 | 416 | 500;

const SET_HEADERS = ['Content-Type', 'ETag', 'Last-Modified', 'Content-Length', 'Content-Range', 'Accept-Ranges'];

/** The status for a failed stat()/open() (errno code, or 'not-regular'). */
export function errnoStatus(code: string): 403 | 404 | 500 {
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ENAMETOOLONG') return 404;
  if (code === 'EACCES' || code === 'EPERM' || code === 'ELOOP' || code === 'EISDIR' || code === 'not-regular') return 403;
  return 500;
}

/** Where the body comes from: the whole small file, or an open descriptor (no wrapper object per request). */
type Body = Buffer | number;

/** Opens the body source; an errno code when that fails. Refreshes `file` from fstat(). */
function openBody(file: FileEntry, followSymlink: boolean): Body | string {
  if (file.isFile() && file.size <= CONTENT_MAX) {
    const data = readSmallFile(file, followSymlink);
    if (typeof data !== 'string') return data;
    if (data !== 'too-big') return data;
  }
  const fd = openEntry(file, followSymlink);
  if (typeof fd === 'string') return fd;
  if (!file.isFile()) {
    closeSync(fd);
    return 'not-regular';
  }
  return fd;
}

function etagBits(f: EtagFlags): number {
  return (f.inode ? 1 : 0) | (f.size ? 2 : 0) | (f.mtime ? 4 : 0);
}

/** The file's ETag for these flags (cached in the entry). */
function etagOf(file: FileEntry, flags: EtagFlags): string | null {
  const bits = etagBits(flags);
  let etag = file.etagFor(bits);
  if (etag === undefined) {
    etag = computeEtag(file.stats, flags);
    file.setEtag(bits, etag);
  }
  return etag;
}

/** The file's Last-Modified (cached in the entry). */
function lastModifiedOf(file: FileEntry): string {
  let lm = file.lastModified;
  if (lm === null) {
    lm = formatHttpDate(file.mtimeSeconds);
    file.lastModified = lm;
  }
  return lm;
}

/** Sends the file (see the file header). Never throws; a failure after the head destroys the response. */
export function sendFile(res: HttpResponse, input: SendFileInput): SendFileResult {
  const body = openBody(input.file, input.followSymlink);
  if (typeof body === 'string') return errnoStatus(body);
  let fdOwned = typeof body === 'number';
  try {
    const r = sendOpenFile(res, input, body);
    if (r === 'streaming') {
      fdOwned = false;
      return 'sent';
    }
    // an error page replaces every header set so far (http-core.md §6.2)
    if (r !== 'sent' && !res.headersSent) for (const h of SET_HEADERS) res.removeHeader(h);
    return r;
  } catch {
    if (!res.headersSent) return 500;
    res.destroy();
    return 'sent';
  } finally {
    if (fdOwned && typeof body === 'number') closeSync(body);
  }
}

/** Files up to this size are written from their kept content as a latin1 string (no Buffer per answer). */
const TEXT_MAX = 16 * 1024;

/** Content-Type, and ETag / Last-Modified when there are any, one by one (304 and 206 answers). */
function setFileHeaders(res: HttpResponse, type: string, etag: string | null, lastModified: string | null): void {
  res.setHeader('Content-Type', type);
  if (etag !== null) res.setHeader('ETag', etag);
  if (lastModified !== null) res.setHeader('Last-Modified', lastModified);
}

function sendOpenFile(res: HttpResponse, input: SendFileInput, body: Body): SendFileResult | 'streaming' {
  const file = input.file;
  const size = typeof body === 'number' ? file.size : body.length;
  const type = input.contentType ?? 'application/octet-stream';
  let etag: string | null = null;
  let lastModified: string | null = null;
  // lighttpd: no caching headers for the implicit octet-stream
  if (input.contentType !== null) {
    etag = etagOf(file, input.etag);
    lastModified = lastModifiedOf(file);
    const ifNoneMatch = input.headers.get('if-none-match');
    const ifModifiedSince = input.headers.get('if-modified-since');
    if (ifNoneMatch !== undefined || ifModifiedSince !== undefined) {
      const verdict = evaluateConditional({ method: input.method, ifNoneMatch, ifModifiedSince, hasRange: input.headers.has('range'), etag, lastModified, mtime: file.mtimeSeconds });
      if (verdict === 412) return 412;
      if (verdict === 304) {
        setFileHeaders(res, type, etag, lastModified);
        res.writeHead(304);
        res.end();
        return 'sent';
      }
    }
  }
  const isGetOrHead = input.method === 'GET' || input.method === 'HEAD';
  const rangeable = input.rangeRequests && isGetOrHead && input.protocol === 'HTTP/1.1' && input.compresses?.(type, size) !== true;
  const range = rangeable ? input.headers.get('range') : undefined;
  const plan =
    range !== undefined
      ? planRange({ method: input.method, protocol: input.protocol, range, ifRange: input.headers.get('if-range'), etag, lastModified, length: size })
      : ({ kind: 'full' } as const);
  if (plan.kind === 'unsatisfiable') return 416;
  const isHead = input.method === 'HEAD';
  if (plan.kind === 'full' || plan.ranges.length === 0) {
    if (typeof body !== 'number') {
      // the same headers as set one by one, from the entry's template (checked and serialised once)
      res.setHeaderTemplate(answerTemplate(file, type, etag, lastModified, size, rangeable));
      res.writeHead(200);
      const text = body === file.content && size <= TEXT_MAX ? file.contentText : null;
      if (isHead || size === 0) res.end();
      else if (text !== null) res.end(text, 'latin1');
      else res.end(body);
      return 'sent';
    }
    setFileHeaders(res, type, etag, lastModified);
    res.setHeader('Content-Length', size);
    if (rangeable) res.setHeader('Accept-Ranges', 'bytes');
    res.writeHead(200);
    if (isHead || size === 0) res.end();
    else return stream(res, body, [{ start: 0, end: size - 1 }], null, size);
    return 'sent';
  }
  setFileHeaders(res, type, etag, lastModified);
  const ranges = plan.ranges;
  const [only] = ranges;
  if (ranges.length === 1 && only) {
    res.setHeader('Content-Range', `bytes ${only.start}-${only.end}/${size}`);
    res.setHeader('Content-Length', only.end - only.start + 1);
  } else {
    res.setHeader('Content-Type', `multipart/byteranges; boundary=${MULTIPART_BOUNDARY}`);
    res.setHeader('Content-Length', multipartLength(type, ranges, size));
  }
  res.setHeader('Accept-Ranges', 'bytes');
  res.writeHead(206);
  if (typeof body !== 'number') res.end(sliceRanges(body, ranges, type));
  else return stream(res, body, ranges, ranges.length > 1 ? type : null, size);
  return 'sent';
}

function stream(res: HttpResponse, fd: number, ranges: readonly { start: number; end: number }[], partType: string | null, total: number): 'streaming' {
  pumpFile(res, fd, ranges, partType, total);
  return 'streaming';
}
