/**
 * Request-target normalisation as lighttpd 1.4.69 does it with its default `server.http-parseopts`
 * (http-core.md §4.2, src/burl.c): percent-normalise, reject controls and invalid UTF-8 lead bytes,
 * decode `%2F` in the path, remove dot-segments, split path and query, decode the path.
 *
 * Strings here are byte strings: node:http hands the target over as latin1 (one char per byte).
 */

/** URL parse options that change normalisation (subset of server.http-parseopts). */
export interface UrlOptions {
  /** `url-normalize`: master switch (off → only the fragment is dropped). */
  readonly normalize: boolean;
  /** `url-normalize-required`: decode everything that may appear raw (path: not `/ ?`; query: not `& = ; +`). */
  readonly required: boolean;
  readonly ctrlsReject: boolean;
  readonly path2fDecode: boolean;
  readonly path2fReject: boolean;
  readonly dotsegRemove: boolean;
  readonly dotsegReject: boolean;
  readonly query20Plus: boolean;
  readonly invalidUtf8Reject: boolean;
}

/** lighttpd 1.4.69 defaults. */
export const DEFAULT_URL_OPTIONS: UrlOptions = {
  normalize: true,
  required: false,
  ctrlsReject: true,
  path2fDecode: true,
  path2fReject: false,
  dotsegRemove: true,
  dotsegReject: false,
  query20Plus: false,
  invalidUtf8Reject: true,
};

/** A normalised target: `target` is still encoded; `path` is decoded. */
export interface NormalisedTarget {
  readonly target: string;
  readonly path: string;
  readonly query: string;
}

const HEX = '0123456789ABCDEF';

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function hexVal(c: number): number {
  return c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x61 + 10;
}

function isUnreserved(b: number): boolean {
  return (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39) || b === 0x2d || b === 0x2e || b === 0x5f || b === 0x7e;
}

/** Raw bytes that may not appear in a URL and get percent-encoded. */
function mustEncode(b: number): boolean {
  return b <= 0x20 || b >= 0x7f || b === 0x22 || b === 0x3c || b === 0x3e || b === 0x5c || b === 0x5e || b === 0x60 || b === 0x7b || b === 0x7c || b === 0x7d || b === 0x5b || b === 0x5d;
}

function isInvalidUtf8Lead(b: number): boolean {
  return b === 0xc0 || b === 0xc1 || b >= 0xf5;
}

function enc(b: number): string {
  return '%' + HEX[b >> 4] + HEX[b & 15];
}

/** `url-normalize-required`: may the decoded byte appear raw at this position? */
function mayDecodeRequired(b: number, inQuery: boolean): boolean {
  if (b < 0x21 || b >= 0x7f || mustEncode(b) || b === 0x25 || b === 0x23) return false;
  if (inQuery) return !(b === 0x26 || b === 0x3d || b === 0x3b || b === 0x2b);
  return !(b === 0x2f || b === 0x3f);
}

/**
 * Percent-normalises a target (fragment already removed). Returns null when it must be rejected (400).
 */
function percentNormalise(raw: string, o: UrlOptions): { out: string; qs: number } | null {
  let out = '';
  let inQuery = false;
  // lighttpd (burl.c): only a raw '?' splits path and query, never a decoded %3F; the first one in the
  // default mode, the last one with url-normalize-required
  let qs = -1;
  for (let i = 0; i < raw.length; i++) {
    const b = raw.charCodeAt(i) & 0xff;
    if (b === 0x3f) {
      inQuery = true;
      if (qs < 0 || o.required) qs = out.length;
    }
    if (b === 0x25) {
      const c1 = raw.charCodeAt(i + 1);
      const c2 = raw.charCodeAt(i + 2);
      if (i + 2 < raw.length && isHex(c1) && isHex(c2)) {
        const v = (hexVal(c1) << 4) | hexVal(c2);
        i += 2;
        if (o.invalidUtf8Reject && isInvalidUtf8Lead(v)) return null;
        if (o.ctrlsReject && (v < 0x20 || v === 0x7f)) return null;
        if (isUnreserved(v) || (o.required && mayDecodeRequired(v, inQuery))) out += String.fromCharCode(v);
        else out += enc(v);
      } else {
        out += '%25';
      }
      continue;
    }
    if (o.invalidUtf8Reject && isInvalidUtf8Lead(b)) return null;
    if (o.ctrlsReject && (b < 0x20 || b === 0x7f)) return null;
    out += mustEncode(b) ? enc(b) : String.fromCharCode(b);
  }
  return { out, qs };
}

/** Removes dot-segments and collapses `//` (http-core.md §4.3). The input starts with `/`. */
export function simplifyPath(p: string): string {
  if (!/\/\/|\/\.\.?(\/|$)/.test(p)) return p;
  const segs = p.split('/');
  const out: string[] = [];
  const last = segs.length - 1;
  for (let i = 1; i < segs.length; i++) {
    const s = segs[i] ?? '';
    if (s === '..') {
      out.pop();
      if (i === last) out.push('');
    } else if (s === '.') {
      if (i === last) out.push('');
    } else if (s === '' && i !== last) {
      continue;
    } else {
      out.push(s);
    }
  }
  return '/' + out.join('/');
}

/** Percent-decodes a byte string and reads the bytes as UTF-8. */
export function decodePath(p: string): string {
  if (!p.includes('%') && !/[\x80-\xff]/.test(p)) return p;
  const bytes: number[] = [];
  for (let i = 0; i < p.length; i++) {
    const c = p.charCodeAt(i);
    if (c === 0x25 && i + 2 < p.length && isHex(p.charCodeAt(i + 1)) && isHex(p.charCodeAt(i + 2))) {
      let v = (hexVal(p.charCodeAt(i + 1)) << 4) | hexVal(p.charCodeAt(i + 2));
      if (v < 0x20 || v === 0x7f) v = 0x5f; // lighttpd: a decoded control becomes '_'
      bytes.push(v);
      i += 2;
    } else {
      bytes.push(c & 0xff);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * The common case, without building anything: a target of plain printable ASCII (no `%`, no `#`, nothing
 * that must be encoded), starting with `/`, with no `//` or `/.` anywhere. Normalising changes nothing in
 * such a target, so it is its own normal form. Returns null for anything else (the full path below).
 */
function plainTarget(raw: string, splitAtLast: boolean): NormalisedTarget | null {
  if (raw.charCodeAt(0) !== 0x2f) return null;
  let q = -1;
  let prevSlash = false;
  for (let i = 0; i < raw.length; i++) {
    const b = raw.charCodeAt(i);
    if (b === 0x3f) {
      if (q < 0 || splitAtLast) q = i;
    } else if (b === 0x25 || b === 0x23 || mustEncode(b)) {
      return null;
    } else if (prevSlash && (b === 0x2f || b === 0x2e)) {
      return null;
    }
    prevSlash = b === 0x2f;
  }
  if (q < 0) return { target: raw, path: raw, query: '' };
  return { target: raw, path: raw.slice(0, q), query: raw.slice(q + 1) };
}

/**
 * Normalises an origin-form target (`/…`, fragment allowed). Returns null when lighttpd answers 400.
 */
export function normaliseTarget(rawTarget: string, o: UrlOptions = DEFAULT_URL_OPTIONS): NormalisedTarget | null {
  if (o.normalize) {
    const plain = plainTarget(rawTarget, o.required);
    if (plain !== null) return plain;
  }
  const hash = rawTarget.indexOf('#');
  let t = hash >= 0 ? rawTarget.slice(0, hash) : rawTarget;
  let q = -1;
  if (o.normalize) {
    const n = percentNormalise(t, o);
    if (n === null) return null;
    t = n.out;
    q = n.qs;
  } else {
    q = t.indexOf('?');
  }
  let pathPart = q >= 0 ? t.slice(0, q) : t;
  let query = q >= 0 ? t.slice(q + 1) : '';
  if (o.normalize) {
    if (/%2F/i.test(pathPart)) {
      if (o.path2fReject) return null;
      if (o.path2fDecode) pathPart = pathPart.replace(/%2F/gi, '/');
    }
    if (pathPart.startsWith('/')) {
      const simple = simplifyPath(pathPart);
      if (simple !== pathPart) {
        if (o.dotsegReject) return null;
        if (o.dotsegRemove) pathPart = simple;
      }
    }
    if (o.query20Plus) query = query.replace(/%20/g, '+');
  }
  const target = q >= 0 ? `${pathPart}?${query}` : pathPart;
  if (!pathPart.startsWith('/')) return null;
  const path = simplifyPath(decodePath(pathPart));
  return { target, path, query };
}
