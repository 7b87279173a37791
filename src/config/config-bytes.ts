/**
 * Config strings are UTF-8 text, read into JavaScript strings; what tswstunnel sends, logs and compares
 * of a request is held as byte strings (one char per byte, latin1). A config value that goes into a header,
 * a log line or a comparison with request bytes is therefore turned into the byte string of its UTF-8
 * encoding first, so `é` goes out as the two bytes lighttpd sends (C3 A9), not as one byte E9.
 */

/** The byte string (one char per byte) of the UTF-8 encoding of config text `s`. */
export function configBytes(s: string): string {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return Buffer.from(s, 'utf8').toString('latin1');
  return s;
}
