/**
 * Sending a complete in-memory 200 body (a directory listing) through lighttpd's Range stage
 * (http-core.md §8.6: Range applies to any complete 200 GET response, not only files).
 */
import type { HttpResponse } from '../http1/response.js';
import { planRange, sliceRanges, MULTIPART_BOUNDARY } from './range.js';

/** The request facts the Range stage reads. */
export interface BufferRequest {
  readonly method: string;
  readonly protocol: string;
  readonly headers: ReadonlyMap<string, string>;
  readonly rangeRequests: boolean;
  /** mod_deflate will compress a whole body of this type and length: no Range (RequestCtx.compressesBody). */
  readonly compresses?: ((contentType: string, length: number) => boolean) | undefined;
}

/** Sends `body` with `contentType`: 200, 206 or (returned, nothing written) 416. */
export function sendBuffer(res: HttpResponse, req: BufferRequest, contentType: string, body: Buffer): 'sent' | 416 {
  const rangeable = req.rangeRequests && (req.method === 'GET' || req.method === 'HEAD') && req.protocol === 'HTTP/1.1' && req.compresses?.(contentType, body.length) !== true;
  const plan = rangeable
    ? planRange({ method: req.method, protocol: req.protocol, range: req.headers.get('range'), ifRange: req.headers.get('if-range'), etag: null, lastModified: null, length: body.length })
    : ({ kind: 'full' } as const);
  if (plan.kind === 'unsatisfiable') return 416;
  res.setHeader('Content-Type', contentType);
  if (plan.kind === 'full') {
    res.setHeader('Content-Length', body.length);
    if (rangeable) res.setHeader('Accept-Ranges', 'bytes');
    res.writeHead(200);
    res.end(req.method === 'HEAD' ? undefined : body);
    return 'sent';
  }
  const [only] = plan.ranges;
  if (plan.ranges.length === 1 && only) res.setHeader('Content-Range', `bytes ${only.start}-${only.end}/${body.length}`);
  else res.setHeader('Content-Type', `multipart/byteranges; boundary=${MULTIPART_BOUNDARY}`);
  const out = sliceRanges(body, plan.ranges, contentType);
  res.setHeader('Content-Length', out.length);
  res.setHeader('Accept-Ranges', 'bytes');
  res.writeHead(206);
  res.end(out);
  return 'sent';
}
