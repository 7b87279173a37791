/**
 * Reading `X-Forwarded-For` (and `Forwarded-For`) as lighttpd 1.4.69 does: the candidates are the runs
 * of hex digits, `:` and `.` that start with a hex digit or `:` (anything else separates them, so
 * `garbage` yields `a`, `ba`, `e`); walking from the right, trusted proxies are skipped and the first address that
 * is not trusted is the client.
 */
import type { TrustList } from './trust.js';

function isHexOrColon(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66) || c === 0x3a;
}

/** The address candidates of a header value, left to right. */
export function forwardTokens(value: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (start >= 0) {
      if (!isHexOrColon(c) && c !== 0x2e) {
        out.push(value.slice(start, i));
        start = -1;
      }
    } else if (isHexOrColon(c)) {
      start = i;
    }
  }
  if (start >= 0) out.push(value.slice(start));
  return out;
}

/** The rightmost candidate that is not a trusted proxy ("all" does not count here), or null. */
export function clientFromList(value: string, trust: TrustList): string | null {
  const tokens = forwardTokens(value);
  for (let i = tokens.length - 1; i >= 0; i--) {
    const t = tokens[i];
    if (t !== undefined && !trust.isTrusted(t)) return t;
  }
  return null;
}
