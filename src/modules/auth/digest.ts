/**
 * Digest authentication (http-core.md §11.4). Not accepted yet: every request gets the challenge
 * (fail closed, as the spec allows until it is implemented).
 */
import type { HttpResponse } from '../../http1/response.js';
import type { RequestCtx } from '../../request/context.js';
import type { Outcome } from '../module.js';
import type { AuthConf } from './config.js';
import type { AuthRule } from './rules.js';
import { digestChallenge } from './digest-challenge.js';

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

/** Checks `Authorization: Digest …` against the rule. */
export function checkDigest(_req: RequestCtx, res: HttpResponse, c: DigestCheck): Outcome | Promise<Outcome> {
  digestChallenge(res, c.rule, null);
  return c.refuse(401);
}
