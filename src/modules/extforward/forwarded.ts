/**
 * Reading the RFC 7239 `Forwarded` header as lighttpd 1.4.69's mod_extforward does (only when listed in
 * `extforward.headers`). The value is split into elements (`,`) of `key=value` pairs (`;`); quoted
 * strings may hold separators; pairs without `=` or with an empty key are skipped. Walking the
 * elements from the right, the last `for=` of each element is read (quotes, `[…]` around IPv6 and a
 * `:port` after a quoted IPv4 removed): an untrusted one ends the walk, and the last plain address
 * seen (not obfuscated `_…`, not a path, not `unknown`) is the client. Its element's `proto=` gives
 * the scheme.
 *
 * lighttpd quirks kept: the first element is never read when it is a single pair (so a lone
 * `Forwarded: for=1.2.3.4` changes nothing); more than 252 slots of params (4 per pair, 1 per `,`),
 * an unterminated quoted string or an empty `[]` answer 400.
 */
import type { TrustList } from './trust.js';

/** What the header says: nothing usable, a 400 with lighttpd's log text, or the client. */
export type ForwardedResult =
  | { readonly kind: 'none' }
  | { readonly kind: 'bad'; readonly message: string }
  | { readonly kind: 'client'; readonly addr: string; readonly proto: string | null };

interface Pair {
  readonly key: string;
  readonly value: string;
}

const NONE: ForwardedResult = { kind: 'none' };
const BAD_QUOTE: ForwardedResult = { kind: 'bad', message: 'invalid quoted-string in Forwarded header' };

/** Index of the closing quote of the string opening at `i`, or `s.length` when it is not closed. */
function quoteEnd(s: string, i: number): number {
  do i++;
  while (i < s.length && s[i] !== '"' && (s[i] !== '\\' || ++i < s.length));
  return i;
}

/** Index of the next separator (`;`, `,`, and `=` when `eq`) outside quotes; -1 for an open quote. */
function scan(s: string, i: number, eq: boolean): number {
  for (; i < s.length; i++) {
    const c = s[i];
    if (c === ';' || c === ',' || (eq && c === '=')) return i;
    if (c === '"') {
      i = quoteEnd(s, i);
      if (i >= s.length) return -1;
    }
  }
  return s.length;
}

/** Elements of pairs, or null for an unterminated quoted string; `slots` counts lighttpd's param table. */
function split(s: string): { groups: Pair[][]; slots: number } | null {
  const groups: Pair[][] = [[]];
  let slots = 0;
  let i = 0;
  while (i < s.length) {
    while (s[i] === ' ' || s[i] === '\t') i++;
    if (i >= s.length) break;
    if (s[i] === ';') {
      i++;
      continue;
    }
    if (s[i] === ',') {
      groups.push([]);
      slots++;
      i++;
      continue;
    }
    const k = i;
    i = scan(s, i, true);
    if (i < 0) return null;
    if (s[i] !== '=') continue;
    const key = s.slice(k, i);
    const v = ++i;
    i = scan(s, i, false);
    if (i < 0) return null;
    if (key === '') continue;
    groups[groups.length - 1]?.push({ key, value: s.slice(v, i) });
    slots += 4;
  }
  return { groups, slots };
}

function trimEnd(v: string): string {
  let end = v.length;
  while (end > 0 && (v[end - 1] === ' ' || v[end - 1] === '\t')) end--;
  return v.slice(0, end);
}

function unquote(v: string): string {
  return v.length > 1 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
}

/** The address of a `for=` value; null for a bracketed value without content. */
function forAddress(raw: string): string | null {
  const t = trimEnd(raw);
  if (!(t.length > 1 && t.startsWith('"') && t.endsWith('"'))) return t;
  const v = t.slice(1, -1);
  if (v.startsWith('[')) {
    const end = v.lastIndexOf(']');
    return end < 2 ? null : v.slice(1, end);
  }
  if (v.startsWith('_') || v.startsWith('/') || v.startsWith('u')) return v;
  const colon = v.indexOf(':');
  return colon < 0 ? v : v.slice(0, colon);
}

function lastPair(group: readonly Pair[], key: string): Pair | undefined {
  for (let i = group.length - 1; i >= 0; i--) {
    const p = group[i];
    if (p !== undefined && p.key.toLowerCase() === key) return p;
  }
  return undefined;
}

/** Reads a `Forwarded` value against the trusted proxies. */
export function readForwarded(value: string, trust: TrustList): ForwardedResult {
  const parsed = split(value);
  if (parsed === null) return BAD_QUOTE;
  if (parsed.slots >= 253) return { kind: 'bad', message: 'Too many params in Forwarded header' };
  const { groups } = parsed;
  let client: { addr: string; group: readonly Pair[] } | null = null;
  for (let g = groups.length - 1; g >= 0; g--) {
    const group = groups[g] ?? [];
    if (g === 0 && group.length === 1) break; // lighttpd 1.4.69 never reads a one-pair first element
    const f = lastPair(group, 'for');
    if (f === undefined) continue;
    const addr = forAddress(f.value);
    if (addr === null) return { kind: 'bad', message: 'Invalid IPv6 addr in Forwarded header' };
    if (addr === '') continue;
    const trusted = trust.isTrusted(addr);
    if (!addr.startsWith('_') && !addr.startsWith('/') && addr !== 'unknown') client = { addr, group };
    if (!trusted) break;
  }
  if (client === null) return NONE;
  const proto = lastPair(client.group, 'proto');
  return { kind: 'client', addr: client.addr, proto: proto === undefined ? null : unquote(trimEnd(proto.value)) };
}
