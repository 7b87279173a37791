/**
 * UTF-8 helpers for text-mode tunnels: a backend read can end in the middle of a multi-byte
 * character; sending that as a text frame makes browsers fail the connection ("Could not decode a
 * text frame as UTF-8"). The bridge carries the incomplete tail over to the next read instead.
 */

/**
 * How many bytes at the end of `buf` (of its first `n` bytes) start a UTF-8 character that is not
 * complete yet (0–3).
 */
export function incompleteUtf8Tail(buf: Uint8Array, n = buf.length): number {
  for (let k = 1; k <= Math.min(4, n); k++) {
    const b = buf[n - k] ?? 0;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead byte
    const need = b >= 0xf5 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 ? 2 : 1;
    return need > k ? k : 0;
  }
  return 0;
}
