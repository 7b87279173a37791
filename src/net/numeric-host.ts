/**
 * Numeric host parsing as lighttpd does it (sock_addr_from_str_numeric: getaddrinfo with AI_NUMERICHOST
 * on glibc), for mod_extforward and for `$HTTP["remote-ip"]` comparing the address texts it keeps. IPv4 accepts inet_aton's forms: one to four parts, each decimal, octal
 * (leading 0) or hex (0x), the last part filling the remaining bytes (`1` is 0.0.0.1, `10.1` is
 * 10.0.0.1). IPv6 is the usual text form. Nothing else (no names, no surrounding spaces).
 */
import { isIPv4, isIPv6 } from 'node:net';

/** A parsed numeric address. */
export interface NumericAddr {
  readonly family: 'ipv4' | 'ipv6';
  /** Canonical text (dotted quad for IPv4; the input for IPv6). */
  readonly address: string;
}

const PART = /^(?:0[xX][0-9a-fA-F]*|0[0-7]*|[1-9][0-9]*)$/;

function partValue(p: string): number {
  if (p.length > 1 && (p[1] === 'x' || p[1] === 'X')) return p.length === 2 ? 0 : parseInt(p.slice(2), 16);
  if (p.length > 1 && p[0] === '0') return parseInt(p, 8);
  return parseInt(p, 10);
}

/** inet_aton's reading of an IPv4 text, or null. */
function atonV4(text: string): string | null {
  const parts = text.split('.');
  if (parts.length > 4) return null;
  const vals: number[] = [];
  for (const p of parts) {
    if (!PART.test(p)) return null;
    vals.push(partValue(p));
  }
  const last = vals.pop() ?? 0;
  // each leading part is one byte; the last one fills the bytes that are left
  if (vals.some((v) => v > 255)) return null;
  const lastBytes = 4 - vals.length;
  if (last >= 2 ** (8 * lastBytes)) return null;
  const bytes = [...vals];
  for (let i = lastBytes - 1; i >= 0; i--) bytes.push(Math.floor(last / 2 ** (8 * i)) % 256);
  return bytes.join('.');
}

/** Parses `text` as a numeric host (IPv4 forms of inet_aton, or IPv6); null when it is not one. */
export function parseNumericHost(text: string): NumericAddr | null {
  if (text === '') return null;
  const v4 = atonV4(text);
  if (v4 !== null) return { family: 'ipv4', address: v4 };
  if (isIPv6(text)) return { family: 'ipv6', address: text };
  return null;
}

/** The strict forms only (inet_pton, as the CIDR trust check uses): a dotted quad or IPv6 text. */
export function parseStrictAddr(text: string): NumericAddr | null {
  if (isIPv4(text)) return { family: 'ipv4', address: text };
  if (isIPv6(text)) return { family: 'ipv6', address: text };
  return null;
}
