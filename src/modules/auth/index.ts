/**
 * mod_auth with mod_authn_file's backends (lighttpd src/mod_auth.c, http-core.md §11).
 *
 * Runs at uri-clean, in module order, so it guards static files, missing URLs and gateway paths alike,
 * WebSocket upgrades included (the router runs uri-clean before any onUpgrade hook takes the socket).
 * The first auth.require prefix of the decoded path picks the rule. No or foreign credentials: 401 with
 * the challenge (Basic here, Digest in digest.ts). Malformed credentials: 400. Wrong ones: lighttpd's
 * log line, 401, the connection closes, and the answer is held back about a second
 * (`auth.delay-invalid-creds`). Success sets REMOTE_USER and AUTH_TYPE (accesslog `%u`, proxy
 * `Forwarded: remote_user`).
 *
 * mod_authn_file is its own name in `server.modules` (a module without hooks); its user-file keys are
 * read here, with the same per-block rules as mod_auth's own keys.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { HttpResponse } from '../../http1/response.js';
import type { DiagnosticSink } from '../../diagnostics.js';
import type { BlockValues, Module, ModuleEnv, Outcome } from '../module.js';
import { setEnv, type RequestCtx } from '../../request/context.js';
import { catalogueKeys } from '../../config/key-catalogue.js';
import { AUTH_DEFAULTS, AUTH_KEYS, compileAuth, type AuthConf } from './config.js';
import { ruleFor, type AuthRule } from './rules.js';
import { admits } from './require-rule.js';
import { readBasicCredentials } from './basic-credentials.js';
import { basicAllowed } from './basic-check.js';
import { checkDigest } from './digest.js';

/** How long lighttpd holds back the answer to wrong credentials (its once-a-second write timer). */
const INVALID_DELAY_MS = 1000;

/** What one request's check needs besides the request. */
interface Check {
  readonly conf: AuthConf;
  readonly rule: AuthRule;
  readonly log: (message: string) => void;
  /** Users this module authenticated per request (what `extern` and auth.extern-authn accept). */
  readonly verified: WeakMap<RequestCtx, string>;
}

function refuse(req: RequestCtx, status: number): Outcome {
  req.status = status;
  delete req.handler;
  return 'handled';
}

function basicChallenge(req: RequestCtx, res: HttpResponse, realm: string): Outcome {
  res.setHeader('WWW-Authenticate', `Basic realm="${realm}", charset="UTF-8"`);
  return refuse(req, 401);
}

/** Wrong credentials: no keep-alive, and the 401 after lighttpd's delay. */
async function invalid(req: RequestCtx, res: HttpResponse, c: Check, challenge: () => Outcome): Promise<Outcome> {
  res.shouldKeepAlive = false;
  if (c.conf.delayInvalid) await sleep(INVALID_DELAY_MS);
  return challenge();
}

function accept(req: RequestCtx, c: Check, user: string, type: 'Basic' | 'Digest'): Outcome {
  setEnv(req, 'REMOTE_USER', user);
  setEnv(req, 'AUTH_TYPE', type);
  c.verified.set(req, user);
  return 'continue';
}

function misconfigured(req: RequestCtx, c: Check, method: 'basic' | 'digest'): Outcome {
  const backend = c.conf.backend;
  if (backend === null) c.log(`auth.backend not configured for ${req.path}`);
  else if (backend.kind === 'missing') return refuse(req, 503);
  else c.log(`auth.require "method" => "${method}" invalid (try "${method === 'basic' ? 'digest' : 'basic'}"?) for ${req.path}`);
  return refuse(req, 500);
}

async function checkBasic(req: RequestCtx, res: HttpResponse, c: Check): Promise<Outcome> {
  const backend = c.conf.backend;
  if (backend === null || backend.kind === 'missing') return misconfigured(req, c, 'basic');
  const realm = c.rule.realm;
  const creds = readBasicCredentials(req.headers.get('authorization'));
  if (creds.kind === 'none') return basicChallenge(req, res, realm);
  if (creds.kind === 'bad') {
    c.log(creds.log);
    return refuse(req, 400);
  }
  const cache = c.conf.cache;
  const now = Date.now();
  const cached = cache?.check(c.rule, creds.user, creds.password, now) ?? null;
  const ok = cached ?? (await basicAllowed(backend.name, c.conf, c.rule, creds.user, creds.password, c.log));
  if (ok) {
    if (cached === null) cache?.remember(c.rule, creds.user, creds.password, now);
    return accept(req, c, creds.user, 'Basic');
  }
  c.log(`password doesn't match for ${req.path} username: ${creds.user} IP: ${req.remoteAddr}`);
  return invalid(req, res, c, () => basicChallenge(req, res, realm));
}

/**
 * REMOTE_USER set before mod_auth: by this module for an earlier rule, or by mod_openssl from a verified
 * client certificate (`ssl.verifyclient.username`, AUTH_TYPE SSL_CLIENT_VERIFY), which lighttpd's
 * `extern` method and `auth.extern-authn` accept. Other REMOTE_USER values (mod_setenv) do not count:
 * lighttpd sets those after mod_auth ran.
 */
function knownUser(req: RequestCtx, c: Check): string | undefined {
  const own = c.verified.get(req);
  if (own !== undefined) return own;
  return req.env.get('AUTH_TYPE') === 'SSL_CLIENT_VERIFY' ? req.env.get('REMOTE_USER') : undefined;
}

function check(req: RequestCtx, res: HttpResponse, c: Check): Outcome | Promise<Outcome> {
  const known = knownUser(req, c);
  if (c.conf.externAuthn && known !== undefined && admits(c.rule.require, known)) return 'continue';
  switch (c.rule.method) {
    case 'extern':
      return known !== undefined && admits(c.rule.require, known) ? 'continue' : refuse(req, 401);
    case 'basic':
      return checkBasic(req, res, c);
    case 'digest': {
      const backend = c.conf.backend;
      if (backend === null || backend.kind === 'missing' || backend.name === 'htpasswd') return misconfigured(req, c, 'digest');
      return checkDigest(req, res, { ...c, backend: backend.name, accept: (user) => accept(req, c, user, 'Digest'), invalid: (challenge) => invalid(req, res, c, challenge), refuse: (status) => refuse(req, status) });
    }
  }
}

/** Creates mod_auth. */
export function createAuthModule(): Module<AuthConf> {
  let log: (message: string) => void = () => undefined;
  const verified = new WeakMap<RequestCtx, string>();
  return {
    name: 'mod_auth',
    keys: AUTH_KEYS,
    defaults: AUTH_DEFAULTS,
    // compile warnings (host=, a backend tswstunnel lacks) reach the error log with every module's (main.ts)
    compile(values: BlockValues, report: DiagnosticSink): Partial<AuthConf> {
      return compileAuth(values, report);
    },
    init(env: ModuleEnv): void {
      log = (m) => env.log(m);
    },
    onUriClean(req: RequestCtx, res: HttpResponse, conf: AuthConf): Outcome | Promise<Outcome> {
      if (conf.rules === null) return 'continue';
      const rule = ruleFor(conf.rules, req.path, req.core.forceLowercaseFilenames);
      if (rule === undefined) return 'continue';
      return check(req, res, { conf, rule, log, verified });
    },
  };
}

/** Creates mod_authn_file: it only claims its keys; mod_auth reads them. */
export function createAuthnFileModule(): Module<object> {
  return {
    name: 'mod_authn_file',
    keys: catalogueKeys('mod_authn_file'),
    defaults: {},
    compile(): object {
      return {};
    },
  };
}
