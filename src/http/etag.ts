/**
 * Static-file ETags and If-None-Match matching as lighttpd 1.4.69 does them (src/http_etag.c).
 *
 * The tag is `"<uint32>"`: a dekhash over 64-bit little-endian words (inode, size, mtime seconds, mtime
 * nanoseconds — each only if its `etag.use-*` flag is on), seeded with the byte length.
 */
import type { BigIntStats } from 'node:fs';

/** Which `etag.use-*` flags are on. */
export interface EtagFlags {
  readonly inode: boolean;
  readonly size: boolean;
  readonly mtime: boolean;
}

/** Computes lighttpd's ETag for a file; null when every flag is off. */
export function computeEtag(st: BigIntStats, flags: EtagFlags): string | null {
  const words: bigint[] = [];
  if (flags.inode) words.push(st.ino);
  if (flags.size) words.push(st.size);
  if (flags.mtime) words.push(st.mtimeNs / 1_000_000_000n, st.mtimeNs % 1_000_000_000n);
  if (words.length === 0) return null;
  const buf = Buffer.alloc(words.length * 8);
  words.forEach((w, i) => buf.writeBigUInt64LE(BigInt.asUintN(64, w), i * 8));
  let h = buf.length >>> 0;
  for (const b of buf) h = ((h << 5) ^ (h >>> 27) ^ b) >>> 0;
  return `"${h}"`;
}

/**
 * lighttpd's http_etag_matches: `*` alone matches; otherwise a comma/space separated list where `W/`
 * tags count only when weak comparison is allowed (no Range header), and a bare `*` entry matches too.
 */
export function etagMatches(etag: string, header: string, weakOk: boolean): boolean {
  if (header === '*') return true;
  if (etag === '') return false;
  let tag = etag;
  if (tag.startsWith('W/')) {
    if (!weakOk) return false;
    tag = tag.slice(2);
  }
  let i = 0;
  const s = header;
  const sep = (c: string): boolean => c === '' || c === ' ' || c === '\t' || c === ',';
  while (i < s.length) {
    while (s[i] === ' ' || s[i] === '\t' || s[i] === ',') i++;
    let usable = true;
    if (s.startsWith('W/', i)) {
      i += 2;
      usable = weakOk;
    }
    if (usable) {
      if (s.startsWith(tag, i) && sep(s.charAt(i + tag.length))) return true;
      if (s[i] === '*' && sep(s.charAt(i + 1))) return true;
    }
    while (i < s.length && s[i] !== ',') i++;
  }
  return false;
}
