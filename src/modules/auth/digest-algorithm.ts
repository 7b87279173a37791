/**
 * Digest algorithms of an auth.require rule's `"algorithm"` field (http-core.md §11.4): `|`-separated
 * `MD5`, `SHA-256`, `SHA-512-256`, each optionally with `-sess` (any case); empty means MD5.
 */

/** A digest algorithm lighttpd 1.4.69 (built with a crypto library) offers. */
export type DigestAlgorithm = 'MD5' | 'SHA-256' | 'SHA-512-256';

/** Hex length of each algorithm's digest. */
export const DIGEST_HEX_LENGTH: Readonly<Record<DigestAlgorithm, number>> = { MD5: 32, 'SHA-256': 64, 'SHA-512-256': 64 };

/** Node's hash name for each algorithm. */
export const DIGEST_HASH: Readonly<Record<DigestAlgorithm, string>> = { MD5: 'md5', 'SHA-256': 'sha256', 'SHA-512-256': 'sha512-256' };

function one(token: string): DigestAlgorithm | null {
  const base = token.length > 5 && token.slice(-5).toLowerCase() === '-sess' ? token.slice(0, -5) : token;
  if (base.length === 3 && base.slice(0, 2).toLowerCase() === 'md' && base[2] === '5') return 'MD5';
  if (base.length >= 7 && base.slice(0, 4).toLowerCase() === 'sha-') {
    if (base.slice(4) === '256') return 'SHA-256';
    if (base.slice(4) === '512-256') return 'SHA-512-256';
  }
  return null;
}

/** The algorithms in lighttpd's fixed order, or null for an invalid field. */
export function parseDigestAlgorithms(field: string): DigestAlgorithm[] | null {
  if (field.trim() === '') return ['MD5'];
  const seen = new Set<DigestAlgorithm>();
  for (const token of field.split('|')) {
    const a = one(token);
    if (a === null) return null;
    seen.add(a);
  }
  return (['SHA-512-256', 'SHA-256', 'MD5'] as const).filter((a) => seen.has(a));
}
