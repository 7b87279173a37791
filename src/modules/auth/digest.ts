/**
 * Digest authentication (RFC 7616, http-core.md §11.4) as lighttpd 1.4.69 checks it: `qop=auth` (or
 * none), MD5 / SHA-256 / SHA-512-256 and their `-sess` forms, nonces valid for 10 minutes (a stale one
 * gets a new challenge with `stale=true`; after 9 minutes a success carries `Authentication-Info:
 * nextnonce`), `uri` equal to the request-target as sent, `userhash`, `username*`. H(A1) comes from an
 * htdigest line or is computed from a plain-text password. Wrong password or unknown user: 401, the
 * connection closes after the delay. Malformed parameters: 400.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { HttpResponse } from '../../http1/response.js';
import type { RequestCtx } from '../../request/context.js';
import type { Outcome } from '../module.js';
import type { AuthConf } from './config.js';
import type { AuthRule } from './rules.js';
import { admits } from './require-rule.js';
import { digestChallenge, makeNonce } from './digest-challenge.js';
import { DIGEST_HASH, DIGEST_HEX_LENGTH, parseDigestAlgorithms, type DigestAlgorithm } from './digest-algorithm.js';
import { parseDigestParams, type DigestParams } from './digest-params.js';
import { userStar } from './digest-user.js';
import { ha1, isHex } from './basic-check.js';
import { findDigest, findPassword } from './userfile.js';

/** What a digest check needs from mod_auth. */
export interface DigestCheck {
  readonly conf: AuthConf;
  readonly rule: AuthRule;
  readonly backend: 'htdigest' | 'plain';
  readonly log: (message: string) => void;
  /** Success: sets REMOTE_USER / AUTH_TYPE. */
  accept(user: string): Outcome;
  /** Wrong credentials: no keep-alive, delayed answer. */
  invalid(challenge: () => Outcome): Promise<Outcome>;
  refuse(status: number): Outcome;
}

/** A nonce lives 10 minutes; after 9 a success announces the next one. */
const NONCE_LIFE = 600;
const NONCE_RENEW = 540;

interface Request {
  readonly user: string;
  readonly userhash: boolean;
  readonly algorithm: DigestAlgorithm;
  readonly sess: boolean;
  readonly params: DigestParams;
}

function hex(algorithm: DigestAlgorithm, text: string): string {
  return createHash(DIGEST_HASH[algorithm]).update(Buffer.from(text, 'latin1')).digest('hex');
}

/** The response the client should have sent for H(A1) `a1` (hex). */
function expected(r: Request, method: string, a1: string): Buffer {
  const p = r.params;
  const nonce = p.get('nonce') ?? '';
  const ha1 = r.sess ? hex(r.algorithm, `${a1}:${nonce}:${p.get('cnonce') ?? ''}`) : a1;
  const ha2 = hex(r.algorithm, `${method}:${p.get('uri') ?? ''}`);
  const qop = p.get('qop');
  const middle = qop !== undefined && qop !== '' ? `${p.get('nc') ?? ''}:${p.get('cnonce') ?? ''}:${qop}:` : '';
  return createHash(DIGEST_HASH[r.algorithm]).update(Buffer.from(`${ha1}:${nonce}:${middle}${ha2}`, 'latin1')).digest();
}

function algorithmOf(value: string): { algorithm: DigestAlgorithm; sess: boolean } | null {
  const list = parseDigestAlgorithms(value);
  const algorithm = list?.[0];
  if (list === null || algorithm === undefined || list.length !== 1 || value.includes('|')) return null;
  return { algorithm, sess: value.length > 5 && value.slice(-5).toLowerCase() === '-sess' };
}

type Step = { readonly ok: Request } | { readonly out: Outcome };

/** Checks the parameters: 400 for malformed ones, a new challenge for a foreign realm or algorithm. */
function validate(req: RequestCtx, res: HttpResponse, c: DigestCheck, params: DigestParams): Step {
  const has = (k: string): boolean => params.has(k);
  const bad = (log: string): Step => {
    c.log(log);
    return { out: c.refuse(400) };
  };
  const challenge = (log: string): Step => {
    c.log(log);
    digestChallenge(res, c.rule, null);
    return { out: c.refuse(401) };
  };
  const complete = (!has('qop') || (has('nc') && has('cnonce'))) && has('username') !== has('username*') && has('realm') && has('nonce') && has('uri') && has('response');
  if (!complete) return bad('digest: missing field');
  const named = params.get('username') ?? userStar(params);
  if (typeof named !== 'string' && 'bad' in named) return bad(named.bad);
  const user = typeof named === 'string' ? named : named.user;
  if (params.get('realm') !== c.rule.realm) return challenge('digest: realm mismatch');
  const algo = algorithmOf(params.get('algorithm') ?? '');
  if (algo === null || !c.rule.algorithms.includes(algo.algorithm)) return challenge(`digest: (${params.get('algorithm') ?? ''}): invalid`);
  if (algo.sess && !has('cnonce')) return bad(`digest: (${params.get('algorithm') ?? ''}): missing field`);
  const response = params.get('response') ?? '';
  if (!isHex(response) || response.length !== DIGEST_HEX_LENGTH[algo.algorithm]) return bad(`digest: (${response}): invalid format`);
  if ((params.get('qop') ?? '').toLowerCase() === 'auth-int') return bad('digest: qop=auth-int not supported');
  if (params.get('uri') !== req.targetOrig) {
    return bad(`digest: auth failed: uri mismatch (${req.targetOrig} != ${params.get('uri') ?? ''}), IP: ${req.remoteAddr}`);
  }
  return { ok: { user, userhash: params.get('userhash')?.length === 4, algorithm: algo.algorithm, sess: algo.sess, params } };
}

/** Nonce age: the seconds since it was made, 'stale', or 'bad' (a secret-bound nonce that is not ours). */
function nonceAge(c: DigestCheck, r: Request, now: number): number | 'stale' | 'bad' | 'foreign' {
  const nonce = r.params.get('nonce') ?? '';
  const m = /^([0-9a-fA-F]{0,16})(:.*)?$/.exec(nonce);
  const ts = m?.[1] !== undefined && m[1] !== '' ? parseInt(m[1], 16) : 0;
  if (!m || m[2] === undefined || ts > now || now - ts > NONCE_LIFE) return 'stale';
  if (c.rule.nonceSecret === null) return now - ts;
  const parts = nonce.split(':');
  const rnd = parts[1] ?? '';
  if (parts.length < 3 || !/^[0-9a-fA-F]{1,8}$/.test(rnd)) return 'bad';
  return makeNonce(c.rule, r.algorithm, ts, parseInt(rnd, 16)) === nonce ? now - ts : 'foreign';
}

/** H(A1) in hex and the user it belongs to, from the backend; null when the user is unknown. */
async function lookup(c: DigestCheck, r: Request): Promise<{ user: string; a1: string } | null> {
  const realm = c.rule.realm;
  if (c.backend === 'htdigest') {
    if (c.conf.htdigestFile === null) return null;
    const key = r.userhash ? { userhash: r.user.toLowerCase() } : { user: r.user };
    const entry = await findDigest(c.conf.htdigestFile, key, realm, DIGEST_HEX_LENGTH[r.algorithm], c.log);
    return entry !== null && isHex(entry.digest) ? { user: entry.user, a1: entry.digest.toLowerCase() } : null;
  }
  if (c.conf.plainFile === null || r.userhash) return null;
  const password = await findPassword(c.conf.plainFile, r.user, c.log);
  return password === null ? null : { user: r.user, a1: ha1(r.algorithm, r.user, realm, password).toString('hex') };
}

async function verify(req: RequestCtx, res: HttpResponse, c: DigestCheck, r: Request): Promise<Outcome> {
  const now = Math.floor(Date.now() / 1000);
  const age = nonceAge(c, r, now);
  const challenge = (): Outcome => {
    digestChallenge(res, c.rule, null);
    return c.refuse(401);
  };
  if (age === 'stale') {
    digestChallenge(res, c.rule, r.algorithm);
    return c.refuse(401);
  }
  if (age === 'bad') {
    c.log('digest: nonce invalid');
    return c.refuse(400);
  }
  if (age === 'foreign') {
    c.log('digest: nonce mismatch');
    return challenge();
  }
  const found = await lookup(c, r);
  if (found === null) return c.invalid(challenge);
  const want = expected(r, req.method, found.a1);
  if (!timingSafeEqual(want, Buffer.from(r.params.get('response') ?? '', 'hex'))) {
    c.log(`digest: auth failed for ${found.user}: wrong password, IP: ${req.remoteAddr}`);
    return c.invalid(challenge);
  }
  if (!admits(c.rule.require, found.user)) return challenge();
  if (age > NONCE_RENEW) res.setHeader('Authentication-Info', `nextnonce="${makeNonce(c.rule, r.algorithm, now, Math.floor(Math.random() * 0x100000000))}"`);
  return c.accept(found.user);
}

/** Checks `Authorization: Digest …` against the rule. */
export function checkDigest(req: RequestCtx, res: HttpResponse, c: DigestCheck): Outcome | Promise<Outcome> {
  const header = req.headers.get('authorization');
  if (header === undefined || header.slice(0, 7).toLowerCase() !== 'digest ') {
    digestChallenge(res, c.rule, null);
    return c.refuse(401);
  }
  const step = validate(req, res, c, parseDigestParams(header.slice(7)));
  if ('out' in step) return step.out;
  return verify(req, res, c, step.ok);
}
