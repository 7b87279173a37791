/**
 * `$N` / `%N` / `${…}` substitution in url.redirect and url.rewrite* replacements (http-core.md §2.5,
 * config-language.md §6.8), as lighttpd 1.4.69's `pcre_keyvalue_buffer_subst()` (src/keyvalue.c) does.
 *
 * `$N` is a capture of the rule's own regex, `%N` one of the innermost enclosing condition's regex;
 * plain forms are inserted verbatim, `${N}` / `%{N}` percent-encode like "path segment" (psnde).
 * Prefixes: `esc:` / `escape:` (encode all but unreserved), `escnde:`, `escpsnde:`, `noesc:` /
 * `noescape:`, `tolower:`, `toupper:`, `encb64u:`, `decb64u:`. As in lighttpd (burl_append), a case prefix
 * changes what an encoding prefix appended and appends nothing on its own (`${tolower:1}` is empty);
 * `toupper:` upper-cases, as lighttpd does since 1.4.82 (1.4.69 lower-cased: a logic inversion upstream fixed).
 * Values are byte strings (one char per byte, as the request's target and headers are): encodings work on
 * those bytes; a string with characters above U+00FF (only from tests or config text) is taken as UTF-8.
 * URL parts: `${url.scheme}`, `${url.authority}`, `${url.port}`, `${url.path}`, `${url.query}`, `${qsa}`.
 * `%%` → `%`, `$$` → `$`, any other `%x`/`$x` is copied. An unterminated `${` truncates the result there.
 */

/** The request parts `${url.*}` and `${qsa}` read. */
export interface UrlParts {
  readonly scheme: string;
  /** Host (as normalised), or `server.name` when there was none. */
  readonly authority: string;
  /** Local listening port. */
  readonly port: number;
  /** The current normalised target; `${url.path}` is the part before `?`. */
  readonly target: string;
  /** Query, or null when the request has none (lighttpd: "unset"). */
  readonly query: string | null;
}

/** Captures: index 0 is the whole match; `undefined` entries are groups that did not take part. */
export type Captures = readonly (string | undefined)[];

/** What a replacement can refer to. */
export interface SubstContext {
  /** Captures of the rule's own regex (`$N`). */
  readonly match: Captures;
  /** Captures of the innermost enclosing condition's regex (`%N`); null when it has none. */
  readonly cond: Captures | null;
  readonly url: UrlParts;
}

type Encoding = 'none' | 'all' | 'nde' | 'psnde' | 'b64u' | 'deb64u';

interface Flags {
  enc: Encoding | null;
  /** `tolower:` / `toupper:`, applied to what the encoding appended. */
  fold: 'lower' | 'upper' | null;
}

const HEX = '0123456789ABCDEF';

function isUnreserved(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x2e || c === 0x5f || c === 0x7e;
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
}

/** The bytes of a value: a byte string's own (one char per byte), else the text's UTF-8. */
function bytesOf(s: string): Buffer {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0xff) return Buffer.from(s, 'utf8');
  return Buffer.from(s, 'latin1');
}

/** burl_append_encode_all / _nde / _psnde over the bytes of s. */
function encode(s: string, mode: 'all' | 'nde' | 'psnde'): string {
  const b = bytesOf(s);
  let out = '';
  for (let i = 0; i < b.length; i++) {
    const c = b[i] ?? 0;
    if (mode !== 'all' && c === 0x25 && isHex(b[i + 1] ?? 0) && isHex(b[i + 2] ?? 0)) {
      const x = parseInt(String.fromCharCode(b[i + 1] ?? 0, b[i + 2] ?? 0), 16);
      out += isUnreserved(x) ? String.fromCharCode(x) : '%' + String.fromCharCode(b[i + 1] ?? 0, b[i + 2] ?? 0);
      i += 2;
    } else if (isUnreserved(c) || (mode === 'psnde' && c === 0x2f)) {
      out += String.fromCharCode(c);
    } else {
      out += '%' + HEX.charAt(c >> 4) + HEX.charAt(c & 15);
    }
  }
  return out;
}

/** Lower- or upper-cases ASCII letters, skipping over %XX escapes (burl_offset_tolower / _toupper). */
function foldSkippingEscapes(s: string, fold: 'lower' | 'upper'): string {
  return fold === 'lower'
    ? s.replace(/%[0-9A-Fa-f]{2}|[A-Z]+/g, (m) => (m.startsWith('%') ? m : m.toLowerCase()))
    : s.replace(/%[0-9A-Fa-f]{2}|[a-z]+/g, (m) => (m.startsWith('%') ? m : m.toUpperCase()));
}

/** burl_append: encodes one inserted value according to the flags. */
function appendValue(value: string, f: Flags): string {
  if (value === '') return '';
  let v: string;
  switch (f.enc) {
    case null:
      // only a case prefix (no prefix at all became psnde): lighttpd appends nothing
      if (f.fold !== null) return '';
      v = value;
      break;
    case 'none':
      v = value;
      break;
    case 'all':
    case 'nde':
    case 'psnde':
      v = encode(value, f.enc);
      break;
    case 'b64u':
      v = bytesOf(value).toString('base64url');
      break;
    case 'deb64u':
      v = Buffer.from(value, 'base64url').toString('latin1');
      break;
  }
  return f.fold !== null ? foldSkippingEscapes(v, f.fold) : v;
}

/** `${url.…}` with p just after `url.`; returns the text and the index of the closing `}`. */
function urlPart(pattern: string, p: number, f: Flags, u: UrlParts): { text: string; end: number } | null {
  const parts: [string, () => string][] = [
    ['scheme}', () => appendValue(u.scheme, f)],
    ['authority}', () => appendValue(u.authority, f)],
    ['port}', () => String(u.port)],
    ['path}', () => appendValue(u.target.split('?', 1)[0] ?? '', f)],
    ['query}', () => appendValue(u.query ?? '', f)],
  ];
  for (const [name, value] of parts) {
    if (pattern.startsWith(name, p)) return { text: value(), end: p + name.length - 1 };
  }
  const close = pattern.indexOf('}', p);
  return close < 0 ? null : { text: '', end: close };
}

/** `${qsa}`: `?query` or `&query` depending on what was built so far; nothing without a query. */
function qsa(out: string, f: Flags, query: string | null): string {
  if (query === null) return '';
  if (out.includes('?')) return (query !== '' ? '&' : '') + appendValue(query, f);
  return '?' + appendValue(query, f);
}

/** Parses `${…}` starting at pattern[k] (`$` or `%`); returns the text to append and the index of `}`. */
function substExt(pattern: string, k: number, out: string, ctx: SubstContext): { text: string; end: number } | null {
  const sigil = pattern.charAt(k);
  let p = k + 2;
  const f: Flags = { enc: null, fold: null };
  const skipTo = (ch: string): boolean => {
    const i = pattern.indexOf(ch, p);
    if (i < 0) return false;
    p = i;
    return true;
  };
  /** Consumes `prefix` at p when present. */
  const take = (prefix: string): boolean => {
    if (!pattern.startsWith(prefix, p)) return false;
    p += prefix.length;
    return true;
  };
  /** Skips an unrecognised `xx…:` prefix up to and past the next ':'. */
  const skipPrefix = (): boolean => skipTo(':') && ++p > 0;
  const setEnc = (enc: Encoding): true => {
    f.enc = enc;
    return true;
  };
  while (p < pattern.length && !/[0-9}]/.test(pattern.charAt(p))) {
    if (take('esc')) {
      const ok =
        (take(':') && setEnc('all')) ||
        (take('ape:') && setEnc('all')) ||
        (take('nde:') && setEnc('nde')) ||
        (take('psnde:') && setEnc('psnde')) ||
        skipPrefix();
      if (!ok) return null;
    } else if (take('no')) {
      const ok = (take('esc:') && setEnc('none')) || (take('escape:') && setEnc('none')) || skipPrefix();
      if (!ok) return null;
    } else if (take('to')) {
      if (take('lower:')) f.fold = 'lower';
      else if (take('upper:')) f.fold = 'upper';
      else if (!skipPrefix()) return null;
    } else if (take('url.')) {
      return urlPart(pattern, p, f, ctx.url);
    } else if (pattern.startsWith('qsa}', p)) {
      return { text: qsa(out, f, ctx.url.query), end: p + 3 };
    } else if (take('encb64u:')) {
      f.enc = 'b64u';
    } else if (take('decb64u:')) {
      f.enc = 'deb64u';
    } else {
      p += 1;
    }
  }
  if (p >= pattern.length) return null;
  if (pattern.charAt(p) === '}') return { text: '', end: p };
  let num = pattern.charCodeAt(p) - 0x30;
  p += 1;
  if (/[0-9]/.test(pattern.charAt(p))) {
    num = num * 10 + pattern.charCodeAt(p) - 0x30;
    p += 1;
  }
  if (pattern.charAt(p) !== '}' && !skipTo('}')) return null;
  if (f.enc === null && f.fold === null) f.enc = 'psnde';
  const caps = sigil === '$' ? ctx.match : ctx.cond;
  const v = caps?.[num];
  return { text: v === undefined ? '' : appendValue(v, f), end: p };
}

/** Expands a replacement string (see the file header). */
export function substitute(pattern: string, ctx: SubstContext): string {
  let out = '';
  let start = 0;
  for (let k = 0; k + 1 < pattern.length; k++) {
    const ch = pattern.charAt(k);
    if (ch !== '$' && ch !== '%') continue;
    out += pattern.slice(start, k);
    const next = pattern.charAt(k + 1);
    if (next === '{') {
      const r = substExt(pattern, k, out, ctx);
      if (r === null) return out; // lighttpd: error, result truncated here
      out += r.text;
      k = r.end - 1;
    } else if (next >= '0' && next <= '9') {
      const caps = ch === '$' ? ctx.match : ctx.cond;
      out += caps?.[next.charCodeAt(0) - 0x30] ?? '';
    } else {
      out += next === ch ? ch : ch + next;
    }
    k++;
    start = k + 1;
  }
  return out + pattern.slice(start);
}

/**
 * Normalises a rule value at startup like pcre_keyvalue_burl_normalize_value: hex after `%%` upper-cased,
 * non-ASCII bytes written as `%%XX`.
 */
export function normalizeRuleValue(v: string): string {
  const upper = v.replace(/%%([0-9a-fA-F]{2})/g, (_m, h: string) => '%%' + h.toUpperCase());
  return encodeHigh(upper, '%%');
}

/** Normalises a rule key (regex) at startup: `%xx` hex upper-cased, non-ASCII bytes as `%XX`. */
export function normalizeRuleKey(k: string): string {
  const upper = k.replace(/%([0-9a-fA-F]{2})/g, (_m, h: string) => '%' + h.toUpperCase());
  return encodeHigh(upper, '%');
}

function encodeHigh(s: string, prefix: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\u0000-\u007f]*$/.test(s)) return s;
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    out += b < 0x80 ? String.fromCharCode(b) : prefix + HEX.charAt(b >> 4) + HEX.charAt(b & 15);
  }
  return out;
}
