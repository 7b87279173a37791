/**
 * Sending one static file the way lighttpd 1.4.69's http_response_send_file() does (src/http-header-glue.c,
 * http-core.md §8.1–8.6): open + fstat, Content-Type, ETag and Last-Modified unless the type is the
 * implicit octet-stream, 304/412, Content-Length, Accept-Ranges and Range (206, multipart, 416).
 *
 * The body is streamed from the open file with backpressure (bounded memory for any file size).
 * Errors are returned as a status for the core's error document; nothing is written to `res` then.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { computeEtag, type EtagFlags } from './etag.js';
import { evaluateConditional } from './conditional.js';
import { formatHttpDate } from './http-date.js';
import { planRange, partHeader, multipartLength, MULTIPART_END, MULTIPART_BOUNDARY, type ByteRange } from './range.js';

/** The request facts and settings sending a file needs. */
export interface SendFileInput {
  readonly method: string;
  readonly protocol: string;
  /** Request headers by lower-case name. */
  readonly headers: ReadonlyMap<string, string>;
  readonly physicalPath: string;
  /** Content-Type to send, or null for lighttpd's implicit octet-stream (no caching headers). */
  readonly contentType: string | null;
  /** `etag.use-*` flags with `static-file.etags` applied (all false = no ETag). */
  readonly etag: EtagFlags;
  /** `server.range-requests`. */
  readonly rangeRequests: boolean;
}

/** 'sent' once the response is written, or an error status for the core's error page. */
export type SendFileResult = 'sent' | 403 | 404 | 412 | 416 | 500;

const CHUNK = 64 * 1024;

const SET_HEADERS = ['Content-Type', 'ETag', 'Last-Modified', 'Content-Length', 'Content-Range', 'Accept-Ranges'];

function errnoStatus(e: unknown): 403 | 404 | 500 {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ENAMETOOLONG') return 404;
  if (code === 'EACCES' || code === 'EPERM' || code === 'ELOOP' || code === 'EISDIR') return 403;
  return 500;
}

/** Sends the file (see the file header). Never throws; stream errors destroy the response. */
export async function sendFile(res: ServerResponse, input: SendFileInput): Promise<SendFileResult> {
  let fh: FileHandle;
  try {
    fh = await open(input.physicalPath, 'r');
  } catch (e) {
    return errnoStatus(e);
  }
  try {
    const r = await sendOpenFile(res, input, fh);
    // an error page replaces every header set so far (http-core.md §6.2)
    if (r !== 'sent' && !res.headersSent) for (const h of SET_HEADERS) res.removeHeader(h);
    return r;
  } catch (e) {
    if (!res.headersSent) return errnoStatus(e);
    res.destroy();
    return 'sent';
  } finally {
    await fh.close().catch(() => undefined);
  }
}

async function sendOpenFile(res: ServerResponse, input: SendFileInput, fh: FileHandle): Promise<SendFileResult> {
  const st = await fh.stat({ bigint: true });
  if (!st.isFile()) return 403;
  const size = Number(st.size);
  const mtime = Number(st.mtimeMs / 1000n);
  const type = input.contentType ?? 'application/octet-stream';
  res.setHeader('Content-Type', type);
  let etag: string | null = null;
  let lastModified: string | null = null;
  // lighttpd: no caching headers for the implicit octet-stream
  if (input.contentType !== null) {
    etag = computeEtag(st, input.etag);
    if (etag !== null) res.setHeader('ETag', etag);
    lastModified = formatHttpDate(mtime);
    res.setHeader('Last-Modified', lastModified);
    const verdict = evaluateConditional({
      method: input.method,
      ifNoneMatch: input.headers.get('if-none-match'),
      ifModifiedSince: input.headers.get('if-modified-since'),
      hasRange: input.headers.has('range'),
      etag,
      lastModified,
      mtime,
    });
    if (verdict === 412) return 412;
    if (verdict === 304) {
      res.writeHead(304);
      res.end();
      return 'sent';
    }
  }
  const isGetOrHead = input.method === 'GET' || input.method === 'HEAD';
  const rangeable = input.rangeRequests && isGetOrHead && input.protocol === 'HTTP/1.1';
  const plan = rangeable
    ? planRange({
        method: input.method,
        protocol: input.protocol,
        range: input.headers.get('range'),
        ifRange: input.headers.get('if-range'),
        etag,
        lastModified,
        length: size,
      })
    : ({ kind: 'full' } as const);
  if (plan.kind === 'unsatisfiable') return 416;
  const isHead = input.method === 'HEAD';
  if (plan.kind === 'full' || plan.ranges.length === 0) {
    res.setHeader('Content-Length', size);
    if (rangeable) res.setHeader('Accept-Ranges', 'bytes');
    res.writeHead(200);
    if (isHead || size === 0) res.end();
    else await streamRanges(res, fh, [{ start: 0, end: size - 1 }], null, size);
    return 'sent';
  }
  const ranges = plan.ranges;
  const [only] = ranges;
  if (ranges.length === 1 && only) {
    res.setHeader('Content-Range', `bytes ${only.start}-${only.end}/${size}`);
    res.setHeader('Content-Length', only.end - only.start + 1);
    res.setHeader('Accept-Ranges', 'bytes');
    res.writeHead(206);
    await streamRanges(res, fh, ranges, null, size);
    return 'sent';
  }
  res.setHeader('Content-Type', `multipart/byteranges; boundary=${MULTIPART_BOUNDARY}`);
  res.setHeader('Content-Length', multipartLength(type, ranges, size));
  res.setHeader('Accept-Ranges', 'bytes');
  res.writeHead(206);
  await streamRanges(res, fh, ranges, type, size);
  return 'sent';
}

/** Writes a chunk, waiting for 'drain' when the socket buffer is full; false if the response closed. */
async function writeChunk(res: ServerResponse, chunk: Buffer | string): Promise<boolean> {
  if (res.destroyed) return false;
  if (res.write(chunk)) return true;
  const ac = new AbortController();
  try {
    await Promise.race([once(res, 'drain', { signal: ac.signal }), once(res, 'close', { signal: ac.signal })]);
  } finally {
    ac.abort();
  }
  return !res.destroyed;
}

/** Streams the ranges (with multipart part headers when contentType is given), then ends the response. */
async function streamRanges(res: ServerResponse, fh: FileHandle, ranges: readonly ByteRange[], partType: string | null, total: number): Promise<void> {
  const multipart = ranges.length > 1;
  for (const [i, r] of ranges.entries()) {
    if (multipart && !(await writeChunk(res, partHeader(partType, r, total, i === 0)))) return;
    // positional reads (not fh.createReadStream: destroying such a stream closes the shared handle)
    for (let pos = r.start; pos <= r.end; ) {
      const want = Math.min(CHUNK, r.end - pos + 1);
      const { bytesRead, buffer } = await fh.read(Buffer.allocUnsafe(want), 0, want, pos);
      // the file shrank after fstat: the promised length cannot be met
      if (bytesRead === 0) {
        res.destroy();
        return;
      }
      pos += bytesRead;
      if (!(await writeChunk(res, buffer.subarray(0, bytesRead)))) return;
    }
  }
  if (multipart && !(await writeChunk(res, MULTIPART_END))) return;
  res.end();
}
