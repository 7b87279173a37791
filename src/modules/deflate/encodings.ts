/**
 * Content codings as mod_deflate (lighttpd 1.4.69) names and picks them: `deflate.allowed-encodings`
 * entries become sets of codings in the configured order, and the client's `Accept-Encoding` is read
 * as a plain token list.
 *
 * lighttpd reads Accept-Encoding without q-values: a token is accepted whatever its `;q=` says (even
 * `gzip;q=0`), tokens are compared case-sensitively, and `identity`, `*` and unknown tokens count for
 * nothing. The first allowed entry that shares a coding with the client wins; inside it br is preferred,
 * then gzip, x-gzip, deflate.
 *
 * tswstunnel has gzip, x-gzip, deflate and br (node's zlib). zstd (lighttpd 1.4.69's Debian build has it;
 * node 20's zlib does not) and bzip2 (neither has it) are never chosen: docs/compat.md.
 */

/** One content coding, as a bit (lighttpd's HTTP_ACCEPT_ENCODING_* values). */
export const GZIP = 1 << 1;
export const DEFLATE = 1 << 2;
export const X_GZIP = 1 << 5;
export const BR = 1 << 7;

/** What `Content-Encoding` says for the chosen coding. */
export type EncodingLabel = 'br' | 'gzip' | 'x-gzip' | 'deflate';

/** The zlib format that produces a label's bytes. */
export type Codec = 'br' | 'gzip' | 'deflate';

/** The codec behind a label (x-gzip is gzip). */
export function codecOf(label: EncodingLabel): Codec {
  return label === 'x-gzip' ? 'gzip' : label;
}

/** An empty `deflate.allowed-encodings` list: every coding this build has (zstd would come first in lighttpd's). */
const AVAILABLE: readonly number[] = [BR, GZIP | X_GZIP | DEFLATE];

/**
 * The allowed codings in preference order from `deflate.allowed-encodings` values. lighttpd looks for
 * substrings: "gzip" (also in "x-gzip") allows gzip and x-gzip, "deflate" deflate, "br" (also "brotli") br;
 * one value may name several. An empty list allows all.
 */
export function allowedFromList(values: readonly string[]): number[] {
  if (values.length === 0) return [...AVAILABLE];
  const out: number[] = [];
  for (const v of values) {
    if (v.includes('gzip')) out.push(GZIP | X_GZIP);
    if (v.includes('deflate')) out.push(DEFLATE);
    if (v.includes('br')) out.push(BR);
  }
  return out;
}

/** The codings an `Accept-Encoding` value names (lighttpd's token scan, q-values ignored). */
export function acceptedCodings(value: string): number {
  let bits = 0;
  const n = value.length;
  let i = 0;
  while (i < n) {
    while (i < n && (value[i] === ' ' || value[i] === ',')) i++;
    const start = i;
    while (i < n && value[i] !== ' ' && value[i] !== ',' && value[i] !== ';') i++;
    const token = value.slice(start, i);
    if (token === 'gzip') bits |= GZIP;
    else if (token === 'x-gzip') bits |= X_GZIP;
    else if (token === 'deflate') bits |= DEFLATE;
    else if (token === 'br') bits |= BR;
    if (value[i] === ';') while (i < n && value[i] !== ',') i++;
  }
  return bits;
}

/** The coding to use for a client's Accept-Encoding under `allowed`, or null for none. */
export function chooseEncoding(acceptEncoding: string, allowed: readonly number[]): EncodingLabel | null {
  const accepted = acceptedCodings(acceptEncoding);
  if (accepted === 0) return null;
  for (const entry of allowed) {
    const both = entry & accepted;
    if (both === 0) continue;
    if (both & BR) return 'br';
    if (both & GZIP) return 'gzip';
    if (both & X_GZIP) return 'x-gzip';
    return 'deflate';
  }
  return null;
}
