/**
 * The parameters of `Authorization: Digest …` read the way lighttpd 1.4.69 reads them (http-core.md
 * §11.4): known names only (`username`, `realm`, `nonce`, `uri`, `algorithm`, `qop`, `cnonce`, `nc`,
 * `response`, `username*`, `userhash`), quoted values kept as written (backslashes not undone), and
 * reading stops at an unterminated quote or a name without `=`. Unknown text is stepped over one
 * character at a time, as lighttpd does.
 */

/** Parameter name → raw value (latin1). */
export type DigestParams = ReadonlyMap<string, string>;

const NAMES = new Set(['username', 'realm', 'nonce', 'uri', 'algorithm', 'qop', 'cnonce', 'nc', 'response', 'username*', 'userhash']);

const isBlank = (ch: string | undefined): boolean => ch === ' ' || ch === '\t';

/** Parses the text after `Digest `. */
export function parseDigestParams(text: string): DigestParams {
  const out = new Map<string, string>();
  const n = text.length;
  let c = 0;
  while (c < n) {
    while (c < n && (isBlank(text[c]) || text[c] === ',')) c++;
    if (c >= n) break;
    let e = c;
    while (e < n && text[e] !== '=' && !isBlank(text[e])) e++;
    const name = text.slice(c, e);
    if (!NAMES.has(name)) {
      c++;
      continue;
    }
    c = e;
    while (c < n && isBlank(text[c])) c++;
    if (text[c] !== '=') return out;
    do c++;
    while (c < n && isBlank(text[c]));
    let value: string;
    if (text[c] === '"') {
      e = ++c;
      while (e < n && text[e] !== '"') {
        if (text[e] === '\\' && ++e >= n) return out;
        e++;
      }
      if (e >= n) return out;
      value = text.slice(c, e);
    } else {
      e = c;
      while (e < n && text[e] !== ',' && !isBlank(text[e])) e++;
      value = text.slice(c, e);
    }
    out.set(name, value);
    c = text[e] === ',' ? e : text.indexOf(',', e);
    if (c < 0) return out;
    c++;
  }
  return out;
}
