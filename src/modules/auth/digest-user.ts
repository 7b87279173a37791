/**
 * The user a Digest request names (http-core.md §11.4): `username`, or RFC 8187 `username*`
 * (`UTF-8''…` / `ISO-8859-1''…`, percent-decoded), checked as lighttpd 1.4.69 checks it.
 */
import type { DigestParams } from './digest-params.js';

/** The user name (latin1 bytes), or the reason for a 400. */
export type DigestUser = { readonly user: string } | { readonly bad: string };

/** lighttpd's buffer for a user name. */
const MAX_USER = 256;

function percentDecode(s: string): string {
  return s.replace(/%([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

function validUtf8(latin1: string): boolean {
  const b = Buffer.from(latin1, 'latin1');
  return Buffer.compare(Buffer.from(b.toString('utf8'), 'utf8'), b) === 0;
}

/** Reads `username*` (the caller checked that `username` is absent). */
export function userStar(params: DigestParams): DigestUser {
  const value = params.get('username*') ?? '';
  if (params.get('userhash')?.length === 4) return { bad: 'digest: invalid "username*" with "userhash" = true' };
  const lower = value.toLowerCase();
  const charset = lower.startsWith('utf-8') && value.length > 5 ? 5 : lower.startsWith('iso-8859-1') && value.length > 10 ? 10 : -1;
  const close = charset >= 0 && value[charset] === "'" ? value.indexOf("'", charset + 1) : -1;
  if (close < 0) return { bad: 'digest: invalid "username*" ext-value' };
  const user = percentDecode(value.slice(close + 1));
  if (value[0] === 'u' && !validUtf8(user)) return { bad: 'digest: invalid "username*" invalid UTF-8' };
  if (user.length > MAX_USER) return { bad: 'digest: invalid "username*" too long' };
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(user)) return { bad: 'digest: invalid "username*" contains ctrl chars' };
  return { user };
}
