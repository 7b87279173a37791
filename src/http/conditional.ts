/**
 * Conditional requests on cacheable static responses (http-core.md §8.4; lighttpd
 * http_response_handle_cachable in src/http-header-glue.c).
 *
 * If-None-Match wins over If-Modified-Since: a list that does not match disables IMS. A match answers
 * 304 for GET/HEAD/QUERY and 412 otherwise. IMS alone: 304 when it equals Last-Modified exactly or its
 * date is not older than the file. If-Match / If-Unmodified-Since are not evaluated (as in 1.4.69).
 */
import { etagMatches } from './etag.js';
import { parseHttpDate } from './http-date.js';

/** What the validators say. */
export type ConditionalOutcome = 'proceed' | 304 | 412;

/** The request and response facts the decision needs. */
export interface ConditionalInput {
  readonly method: string;
  readonly ifNoneMatch: string | undefined;
  readonly ifModifiedSince: string | undefined;
  readonly hasRange: boolean;
  readonly etag: string | null;
  readonly lastModified: string;
  /** File mtime, whole seconds. */
  readonly mtime: number;
}

function isGetHeadQuery(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'QUERY';
}

/** Decides 304 / 412 / proceed. */
export function evaluateConditional(c: ConditionalInput): ConditionalOutcome {
  if (c.ifNoneMatch !== undefined && c.etag !== null) {
    // lighttpd: weak comparison must not be used for ranged requests
    if (etagMatches(c.etag, c.ifNoneMatch, !c.hasRange)) return isGetHeadQuery(c.method) ? 304 : 412;
    return 'proceed';
  }
  if (isGetHeadQuery(c.method) && c.ifModifiedSince !== undefined) {
    if (c.ifModifiedSince === c.lastModified) return 304;
    const since = parseHttpDate(c.ifModifiedSince);
    if (since !== null && !(c.mtime > since)) return 304;
  }
  return 'proceed';
}
