/**
 * A small RFC 7616 client for tests: reads the nonce of a Digest challenge and builds the Authorization
 * header for a request (qop=auth, optional -sess, userhash, username*), so tests can also send
 * deliberately wrong variants. curl is the independent client in the integration tests.
 */
import { createHash } from 'node:crypto';

/** How to answer a challenge. */
export interface DigestAnswer {
  readonly user: string;
  readonly password: string;
  readonly realm: string;
  readonly method: string;
  readonly uri: string;
  readonly nonce: string;
  /** `MD5` (default), `SHA-256`, `MD5-sess`, … */
  readonly algorithm?: string;
  readonly userhash?: boolean;
  /** Send `username*=UTF-8''…` instead of `username`. */
  readonly userStar?: boolean;
  /** Fields to leave out or override (raw `name=value` text). */
  readonly omit?: readonly string[];
  readonly extra?: string;
  /** Claim this `uri` in the header instead of the real one (the digest still covers `uri`). */
  readonly claimedUri?: string;
}

/** The nonce of the first Digest challenge in a WWW-Authenticate value. */
export function nonceOf(challenge: string | undefined): string {
  const m = /nonce="([^"]*)"/.exec(challenge ?? '');
  if (!m?.[1]) throw new Error(`no nonce in ${String(challenge)}`);
  return m[1];
}

function h(algorithm: string, text: string): string {
  const name = algorithm.toUpperCase().startsWith('SHA-512-256') ? 'sha512-256' : algorithm.toUpperCase().startsWith('SHA-256') ? 'sha256' : 'md5';
  return createHash(name).update(text).digest('hex');
}

/** The `Authorization: Digest …` value. */
export function digestAuthorization(a: DigestAnswer): string {
  const algorithm = a.algorithm ?? 'MD5';
  const cnonce = '0a4f113b';
  const nc = '00000001';
  let ha1 = h(algorithm, `${a.user}:${a.realm}:${a.password}`);
  if (algorithm.toLowerCase().endsWith('-sess')) ha1 = h(algorithm, `${ha1}:${a.nonce}:${cnonce}`);
  const ha2 = h(algorithm, `${a.method}:${a.uri}`);
  const response = h(algorithm, `${ha1}:${a.nonce}:${nc}:${cnonce}:auth:${ha2}`);
  const name = a.userhash ? h(algorithm, `${a.user}:${a.realm}`) : a.user;
  const fields: [string, string][] = [
    a.userStar ? ['username*', `UTF-8''${encodeURIComponent(a.user)}`] : ['username', `"${name}"`],
    ['realm', `"${a.realm}"`],
    ['nonce', `"${a.nonce}"`],
    ['uri', `"${a.claimedUri ?? a.uri}"`],
    ['algorithm', algorithm],
    ['qop', 'auth'],
    ['nc', nc],
    ['cnonce', `"${cnonce}"`],
    ['response', `"${response}"`],
  ];
  if (a.userhash) fields.push(['userhash', 'true']);
  const kept = fields.filter(([k]) => !(a.omit ?? []).includes(k)).map(([k, v]) => `${k}=${v}`);
  return `Digest ${kept.join(', ')}${a.extra ?? ''}`;
}
