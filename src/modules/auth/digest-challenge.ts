/**
 * Digest challenges and nonces (http-core.md §11.4): one `WWW-Authenticate: Digest …` value per
 * algorithm the rule offers, each with a fresh nonce `hex(time):[hex(random):]hex(H(time, random[, secret]))`
 * — the random part is shown only with a `nonce_secret`, whose nonces can then be checked.
 */
import { createHash, randomInt } from 'node:crypto';
import type { HttpResponse } from '../../http1/response.js';
import { DIGEST_HASH, type DigestAlgorithm } from './digest-algorithm.js';
import type { AuthRule } from './rules.js';

/** A nonce for `now` (seconds) and `random` (32 bits). */
export function makeNonce(rule: AuthRule, algorithm: DigestAlgorithm, now: number, random: number): string {
  const seed = Buffer.alloc(12);
  seed.writeBigInt64LE(BigInt(now), 0);
  seed.writeUInt32LE(random >>> 0, 8);
  const h = createHash(DIGEST_HASH[algorithm]).update(seed);
  if (rule.nonceSecret !== null) h.update(rule.nonceSecret);
  const middle = rule.nonceSecret !== null ? `${(random >>> 0).toString(16)}:` : '';
  return `${now.toString(16)}:${middle}${h.digest('hex')}`;
}

/** Sets the challenge headers; `stale` lists the algorithm(s) whose nonce ran out instead of the rule's. */
export function digestChallenge(res: HttpResponse, rule: AuthRule, stale: DigestAlgorithm | null): void {
  const now = Math.floor(Date.now() / 1000);
  const algorithms = stale !== null ? [stale] : rule.algorithms;
  const values = algorithms.map((a) => {
    const nonce = makeNonce(rule, a, now, randomInt(0, 0x100000000));
    return `Digest realm="${rule.realm}", charset="UTF-8", algorithm=${a}, nonce="${nonce}", qop="auth"${rule.userhash ? ', userhash=true' : ''}${stale !== null ? ', stale=true' : ''}`;
  });
  res.setHeader('WWW-Authenticate', values.length === 1 ? (values[0] ?? '') : values);
}
