/**
 * The forgiving base64 decoder lighttpd uses for Basic credentials and `{SHA}` hashes (http-core.md §11.3):
 * standard alphabet; spaces and control characters (0x01–0x20) are skipped; decoding stops at the first
 * `=` or at any other byte outside the alphabet, and what was read up to there counts. A final group of a
 * single character, or nothing decoded at all, is a failure (null).
 */

/** Value of a base64 character, -1 to skip it, -2 to stop. */
function sextet(c: number): number {
  if (c >= 0x41 && c <= 0x5a) return c - 0x41;
  if (c >= 0x61 && c <= 0x7a) return c - 0x61 + 26;
  if (c >= 0x30 && c <= 0x39) return c - 0x30 + 52;
  if (c === 0x2b) return 62;
  if (c === 0x2f) return 63;
  if (c >= 0x01 && c <= 0x20) return -1;
  return -2;
}

/** Decodes `text` (one byte per char, as header values are held); null when lighttpd's decoder fails. */
export function decodeBase64Loose(text: string): Buffer | null {
  const out: number[] = [];
  let acc = 0;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const v = sextet(text.charCodeAt(i));
    if (v === -1) continue;
    if (v === -2) break;
    acc = (acc << 6) | v;
    n++;
    if ((n & 3) === 0) {
      out.push((acc >> 16) & 0xff, (acc >> 8) & 0xff, acc & 0xff);
      acc = 0;
    }
  }
  const rest = n & 3;
  if (rest === 1) return null;
  if (rest === 2) out.push((acc >> 4) & 0xff);
  if (rest === 3) out.push((acc >> 10) & 0xff, (acc >> 2) & 0xff);
  return out.length === 0 ? null : Buffer.from(out);
}
