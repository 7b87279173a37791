/**
 * HTTP Range handling as lighttpd 1.4.69 does it (src/http_range.c, http-core.md §8.6).
 *
 * Applied to complete 200 GET responses of HTTP/1.1 requests with a non-empty body. The header must start
 * with `bytes=` (any case) or it is ignored. Specs are parsed like strtoll (spaces tolerated), invalid
 * ones are dropped, at most 10 are kept, then overlapping ranges and ranges less than 80 bytes apart are
 * coalesced in request order. No valid range left → 416. The `range-parser` package rejects a whole header
 * for one bad spec and does not coalesce the way lighttpd does, so the rules are written out here.
 */

/** An inclusive byte range. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/** What to send for a Range request. */
export type RangePlan =
  | { readonly kind: 'full' }
  | { readonly kind: 'unsatisfiable' }
  | { readonly kind: 'ranges'; readonly ranges: readonly ByteRange[] };

/** lighttpd's multipart boundary. */
export const MULTIPART_BOUNDARY = 'fkj49sn38dcn3';

const RMAX = 10;

/** strtoll-like: optional spaces, optional sign, digits. Returns the value and where parsing stopped. */
function strtoll(s: string, i: number): { n: number; end: number; ok: boolean } {
  let j = i;
  while (s[j] === ' ' || s[j] === '\t') j++;
  let neg = false;
  if (s[j] === '+' || s[j] === '-') {
    neg = s[j] === '-';
    j++;
  }
  const d0 = j;
  while (j < s.length && s.charCodeAt(j) >= 0x30 && s.charCodeAt(j) <= 0x39) j++;
  if (j === d0) return { n: 0, end: i, ok: false };
  const n = Number(s.slice(d0, j));
  return { n: neg ? -n : n, end: j, ok: true };
}

/** http_range_parse_next: one spec starting at i; returns the range (or null) and the next index. */
function parseNext(s: string, i: number, len: number): { range: ByteRange | null; next: number } {
  const a = strtoll(s, i);
  let e = a.end;
  let range: ByteRange | null = null;
  if (a.n >= 0) {
    // "-0" reads as 0 here, like strtoll, and then has no '-' after it: invalid
    if (a.ok && a.n < len && Number.isSafeInteger(a.n)) {
      while (s[e] === ' ' || s[e] === '\t') e++;
      if (s[e] === '-') {
        const b = strtoll(s, e + 1);
        e = b.ok ? b.end : e + 1;
        if (!b.ok) range = { start: a.n, end: len - 1 };
        else if (a.n <= b.n && Number.isSafeInteger(b.n)) range = { start: a.n, end: b.n < len ? b.n : len - 1 };
      }
    }
  } else {
    const n = -a.n;
    range = { start: len > n ? len - n : 0, end: len - 1 };
  }
  while (s[e] === ' ' || s[e] === '\t') e++;
  return { range, next: e };
}

/** Parses the part after `bytes=`; returns up to 10 valid ranges, coalesced. */
export function parseRangeSet(spec: string, len: number): ByteRange[] {
  const out: ByteRange[] = [];
  let i = 0;
  for (;;) {
    const { range, next } = parseNext(spec, i, len);
    let j = next;
    if ((j >= spec.length || spec[j] === ',') && range) out.push(range);
    else while (j < spec.length && spec[j] !== ',') j++;
    if (j >= spec.length || out.length >= RMAX) break;
    i = j + 1;
  }
  return out.length <= 1 ? out : coalesce(out);
}

/** http_range_coalesce: merge overlapping or < 80 bytes apart, keeping the first one's position. */
function coalesce(input: ByteRange[]): ByteRange[] {
  const r = input.map((x) => ({ start: x.start, end: x.end }));
  for (let i = 0; i + 1 < r.length; i++) {
    const a = r[i];
    if (!a) break;
    for (let j = i + 1; j < r.length; j++) {
      const b = r[j];
      if (!b) break;
      if (a.start <= b.start ? a.end < b.start - 80 : b.end < a.start - 80) continue;
      a.start = Math.min(a.start, b.start);
      a.end = Math.max(a.end, b.end);
      r.splice(j, 1);
      i = -1;
      break;
    }
  }
  return r;
}

/** The facts http_range_rfc7233 looks at. */
export interface RangeInput {
  readonly method: string;
  readonly protocol: string;
  readonly range: string | undefined;
  readonly ifRange: string | undefined;
  readonly etag: string | null;
  readonly lastModified: string | null;
  readonly length: number;
}

/** Decides what a complete 200 response becomes (see the file header). */
export function planRange(r: RangeInput): RangePlan {
  if (r.method !== 'GET' || r.protocol !== 'HTTP/1.1' || r.range === undefined || r.length === 0) return { kind: 'full' };
  if (r.ifRange !== undefined) {
    const cmp = r.ifRange.startsWith('"') ? r.etag : r.lastModified;
    if (cmp === null || cmp !== r.ifRange) return { kind: 'full' };
  }
  if (r.range.length < 6 || r.range.slice(0, 6).toLowerCase() !== 'bytes=') return { kind: 'full' };
  const ranges = parseRangeSet(r.range.slice(6), r.length);
  if (ranges.length === 0) return { kind: 'unsatisfiable' };
  return { kind: 'ranges', ranges };
}

/** The part header lighttpd writes before each part of a multipart/byteranges body. */
export function partHeader(contentType: string | null, range: ByteRange, total: number, first: boolean): string {
  const ct = contentType === null ? '' : `\r\nContent-Type: ${contentType}`;
  const head = `\r\n--${MULTIPART_BOUNDARY}${ct}\r\nContent-Range: bytes ${range.start}-${range.end}/${total}\r\n\r\n`;
  return first ? head.slice(2) : head;
}

/** The closing boundary of a multipart/byteranges body. */
export const MULTIPART_END = `\r\n--${MULTIPART_BOUNDARY}--\r\n`;

/** Total body length of a multipart/byteranges response. */
export function multipartLength(contentType: string | null, ranges: readonly ByteRange[], total: number): number {
  let n = Buffer.byteLength(MULTIPART_END);
  ranges.forEach((r, i) => {
    n += Buffer.byteLength(partHeader(contentType, r, total, i === 0)) + (r.end - r.start + 1);
  });
  return n;
}

/** The 206 body for `ranges` of an in-memory `body`: the slice itself, or a multipart/byteranges body. */
export function sliceRanges(body: Buffer, ranges: readonly ByteRange[], contentType: string | null): Buffer {
  const [only] = ranges;
  if (ranges.length === 1 && only) return body.subarray(only.start, only.end + 1);
  const parts: Buffer[] = [];
  ranges.forEach((r, i) => parts.push(Buffer.from(partHeader(contentType, r, body.length, i === 0)), body.subarray(r.start, r.end + 1)));
  parts.push(Buffer.from(MULTIPART_END));
  return Buffer.concat(parts);
}
