/**
 * Re-encoding a decoded path for a `Location` header the way lighttpd does for directory redirects
 * (buffer_append_string_encoded with ENCODING_REL_URI, src/buffer.c): everything except unreserved
 * characters, `!`, `(`, `)`, `*` and `/` is percent-encoded, UTF-8 bytes included.
 */

const HEX = '0123456789ABCDEF';

function isKept(b: number): boolean {
  return (
    (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x2d || b === 0x2e || b === 0x5f || b === 0x7e ||
    b === 0x21 || b === 0x28 || b === 0x29 || b === 0x2a || b === 0x2f
  );
}

/** Percent-encodes a decoded path (see the file header). */
export function encodeRelUri(path: string): string {
  let out = '';
  for (const b of Buffer.from(path, 'utf8')) out += isKept(b) ? String.fromCharCode(b) : `%${HEX.charAt(b >> 4)}${HEX.charAt(b & 15)}`;
  return out;
}
