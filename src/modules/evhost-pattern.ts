/**
 * `evhost.path-pattern` (lighttpd src/mod_evhost.c, config-language.md §6.8): the pattern split into
 * literal text and `%` tokens once at startup, the Host split into its labels per request, and the
 * document root built from both.
 *
 * Tokens: `%%` a percent sign, `%_` the whole host without port, `%0` the domain with its TLD, `%1` the
 * TLD, `%2` the domain, `%3`… the labels further left, `%{N}` the same as `%N`, `%{N.M}` the M-th character
 * of `%N` (`%{N.0}`: all of it). N and M are single digits. Any other `%` sequence makes the pattern
 * invalid (a startup error in lighttpd).
 */

/** One piece of a parsed pattern. */
export type EvhostPiece =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'percent' }
  | { readonly kind: 'fqdn' }
  /** `%N` / `%{N}` / `%{N.M}`: label N, whole (`char` null) or its character number `char` (1-based). */
  | { readonly kind: 'part'; readonly n: number; readonly char: number | null };

const PERCENT: EvhostPiece = { kind: 'percent' };
const FQDN: EvhostPiece = { kind: 'fqdn' };

/** lighttpd keeps at most 127 pieces (a literal and a token per `%`, plus the tail). */
const MAX_PIECES = 127;

function digitAt(s: string, i: number): number | null {
  const c = s.charCodeAt(i);
  return c >= 0x30 && c <= 0x39 ? c - 0x30 : null;
}

/** The token starting at `s[i] === '%'` and its length, or null for an invalid sequence. */
function tokenAt(s: string, i: number): [EvhostPiece, number] | null {
  const next = s[i + 1];
  if (next === '%') return [PERCENT, 2];
  if (next === '_') return [FQDN, 2];
  const n = digitAt(s, i + 1);
  if (n !== null) return [{ kind: 'part', n, char: null }, 2];
  if (next !== '{') return null;
  const braced = digitAt(s, i + 2);
  if (braced === null) return null;
  if (s[i + 3] === '}') return [{ kind: 'part', n: braced, char: null }, 4];
  if (s[i + 3] !== '.') return null;
  const m = digitAt(s, i + 4);
  if (m === null || s[i + 5] !== '}') return null;
  return [{ kind: 'part', n: braced, char: m === 0 ? null : m }, 6];
}

/** Parses a (non-blank) pattern; null when lighttpd refuses it ("invalid evhost.path-pattern"). */
export function parseEvhostPattern(s: string): EvhostPiece[] | null {
  const pieces: EvhostPiece[] = [];
  let pos = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '%') continue;
    if (pieces.length >= MAX_PIECES - 1) return null;
    const tok = tokenAt(s, i);
    if (tok === null) return null;
    // the literal before each token is kept even when empty, as lighttpd does (no effect on the result)
    pieces.push({ kind: 'text', text: s.slice(pos, i) }, tok[0]);
    pos = i + tok[1];
    i = pos - 1;
  }
  if (pos < s.length) {
    if (pieces.length >= MAX_PIECES) return null;
    pieces.push({ kind: 'text', text: s.slice(pos) });
  }
  return pieces;
}

/**
 * The labels of a normalised Host (port included when it is not the default): index 0 is the domain
 * with its TLD, 1 the TLD, 2 the domain, 3… the subdomains from the right. An IPv6 literal only has
 * index 0 (the address in brackets). Missing entries are labels the host does not have.
 */
export function splitEvhostHost(a: string): string[] {
  const parts: string[] = [];
  const n = a.length;
  if (a.startsWith('[')) {
    let colon = n;
    if (a[n - 1] !== ']') {
      let p = n;
      do --p; while (p > 0 && a[p - 1] !== ']');
      if (a[p] !== ':') return parts;
      colon = p;
    }
    parts[0] = a.slice(0, colon);
    return parts;
  }
  // from the right: the port's colon, then the last two labels (the first character is never looked at)
  let p = n;
  let colon = n;
  let first = true;
  for (; p > 0; --p) {
    const c = a[p];
    if (c === '.') {
      if (first) first = false;
      else break;
    } else if (c === ':') {
      colon = p;
      first = true;
    }
  }
  if (a[p] === '.') p++;
  parts[0] = a.slice(p, colon);
  if (colon === 0) return parts;
  let i = 1;
  for (p = colon - 1; p > 0; --p) {
    if (a[p] !== '.') continue;
    // two dots in a row name no label and take no number
    if (p !== colon - 1) parts[i++] = a.slice(p + 1, colon);
    colon = p;
  }
  if (colon !== p) parts[i] = a.slice(p, colon);
  return parts;
}

/** The document root for `host` (lighttpd's r->uri.authority): the pieces filled in, with a trailing `/`. */
export function buildEvhostPath(pieces: readonly EvhostPiece[], host: string): string {
  const parts = splitEvhostHost(host);
  let out = '';
  for (const piece of pieces) {
    switch (piece.kind) {
      case 'text':
        out += piece.text;
        break;
      case 'percent':
        out += '%';
        break;
      case 'fqdn': {
        // lighttpd cuts at the first ':' (so an IPv6 literal leaves only "[")
        const colon = host.indexOf(':');
        out += colon < 0 ? host : host.slice(0, colon);
        break;
      }
      case 'part': {
        const v = parts[piece.n];
        if (v === undefined) break;
        if (piece.char === null) out += v;
        else if (piece.char <= v.length) out += v[piece.char - 1] ?? '';
        break;
      }
    }
  }
  return out === '' || out.endsWith('/') ? out : `${out}/`;
}
