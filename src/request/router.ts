/**
 * The request phases (http-core.md §1.1): uri-raw → uri-clean → docroot → (gateway) → physical →
 * file check → handler. In each phase the modules run in load order with their effective config;
 * the first 'handled' ends the request, 'restart' runs it again with the rewritten target (at most
 * 100 times, then the connection is dropped like lighttpd does).
 *
 * Hooks may answer synchronously or with a promise. The router stays synchronous as long as they do
 * (no promise, no microtask per phase), and waits only where a hook really is asynchronous.
 */
import type { HttpResponse } from '../http1/response.js';
import type { Module, Outcome } from '../modules/module.js';
import type { CoreConf } from '../server/core-config.js';
import { NO_CAPTURES, type RequestCtx } from './context.js';
import { effectiveConfig, type CompiledModule } from './effective.js';
import { MatchState } from './match.js';
import { normaliseTarget, type UrlOptions } from './normalize.js';
import { checkFile } from './physical.js';
import { physicalPath } from './physical-path.js';
import type { StatCacheEngine } from '../http/stat-cache.js';

/** Everything the router needs, built once at startup. */
export interface Pipeline {
  readonly core: CompiledModule<CoreConf>;
  /** Modules in load order. */
  readonly modules: readonly CompiledModule<object>[];
  readonly url: UrlOptions;
  readonly log: (source: string, message: string) => void;
  /** `server.stat-cache-engine` for the core's file check. */
  readonly statCacheEngine: StatCacheEngine;
  /** For each phase, the modules that have its hook, in load order (built by createPipeline). */
  readonly phases: Readonly<Record<Hook, readonly PhaseHook[]>>;
  /** The modules with an onResponseStart hook, in load order (built by createPipeline). */
  readonly responseStart: readonly CompiledModule<object>[];
  /** The modules with an onRequestDone hook, in load order (built by createPipeline). */
  readonly requestDone: readonly CompiledModule<object>[];
}

type Hook = 'onUriRaw' | 'onUriClean' | 'onDocroot' | 'onPhysical' | 'onRequest';

type HookFn = (req: RequestCtx, res: HttpResponse, conf: object) => Outcome | Promise<Outcome>;

/** One module's hook for a phase, bound to the module. */
interface PhaseHook {
  readonly cm: CompiledModule<object>;
  readonly run: HookFn;
}

const HOOKS: readonly Hook[] = ['onUriRaw', 'onUriClean', 'onDocroot', 'onPhysical', 'onRequest'];

/** Builds the pipeline, with each phase's hook list worked out once (no per-request lookups). */
export function createPipeline(parts: Omit<Pipeline, 'phases' | 'responseStart' | 'requestDone'>): Pipeline {
  const phases: Record<Hook, PhaseHook[]> = { onUriRaw: [], onUriClean: [], onDocroot: [], onPhysical: [], onRequest: [] };
  for (const cm of parts.modules) {
    for (const hook of HOOKS) {
      const run = bindHook(cm.module, hook);
      if (run !== undefined) phases[hook].push({ cm, run });
    }
  }
  const responseStart = parts.modules.filter((cm) => cm.module.onResponseStart !== undefined);
  const requestDone = parts.modules.filter((cm) => cm.module.onRequestDone !== undefined);
  return { ...parts, phases, responseStart, requestDone };
}

function bindHook(m: Module<object>, hook: Hook): HookFn | undefined {
  switch (hook) {
    case 'onUriRaw':
      return m.onUriRaw?.bind(m);
    case 'onUriClean':
      return m.onUriClean?.bind(m);
    case 'onDocroot':
      return m.onDocroot?.bind(m);
    case 'onPhysical':
      return m.onPhysical?.bind(m);
    case 'onRequest':
      return m.onRequest?.bind(m);
  }
}

/** The router's decision. `handled`: a module wrote (or will write) the response. */
export type RouteResult = { kind: 'handled' } | { kind: 'status'; status: number; location?: string; allow?: string } | { kind: 'drop'; reason: string };

/** One pass's state: the match cache and the core config (replaced on restart). */
export interface Pass {
  state: MatchState;
  core: Readonly<CoreConf>;
}

/** Starts a pass: fresh condition cache and the core config in effect (also on the request, for modules). */
export function beginPass(req: RequestCtx, p: Pipeline): Pass {
  req.captures = NO_CAPTURES;
  const state = new MatchState(req);
  req.match = state;
  const core = effectiveConfig(p.core, state);
  req.core = core;
  return { state, core };
}

/** A module's effective config in this pass. */
export function confOf(cm: CompiledModule<object>, pass: Pass): object {
  return effectiveConfig(cm, pass.state);
}

/** What one pass ends with: a hook's outcome or the router's own decision. */
type PassOut = Outcome | RouteResult;

const HANDLED: RouteResult = { kind: 'handled' };

/**
 * Runs one phase from module `from` on. Synchronous as long as the hooks answer synchronously; the
 * first hook that returns a promise makes the rest of the phase wait for it (same order, same configs).
 */
function runPhase(hook: Hook, req: RequestCtx, res: HttpResponse, p: Pipeline, pass: Pass, from = 0): Outcome | Promise<Outcome> {
  const list = p.phases[hook];
  for (let i = from; i < list.length; i++) {
    const h = list[i];
    if (h === undefined) continue;
    const out: Outcome | Promise<Outcome> | undefined = h.run(req, res, confOf(h.cm, pass));
    if (out instanceof Promise) return out.then((o: Outcome | undefined) => (o !== undefined && o !== 'continue' ? o : runPhase(hook, req, res, p, pass, i + 1)));
    if (out !== undefined && out !== 'continue') return out;
  }
  return 'continue';
}

/** Re-derives path and query after a rewrite; false when the new target is unusable. */
function applyTarget(req: RequestCtx, url: UrlOptions): boolean {
  if (!req.target.startsWith('/')) return false;
  const n = normaliseTarget(req.target, url);
  if (!n) return false;
  req.target = n.target;
  req.path = n.path;
  req.query = n.query;
  return true;
}

const STATIC_METHODS = new Set(['GET', 'HEAD', 'POST', 'QUERY']);

/** Runs the uri phases only (also used for upgrade requests). */
function uriPhases(req: RequestCtx, res: HttpResponse, p: Pipeline, pass: Pass): Outcome | Promise<Outcome> {
  const raw = runPhase('onUriRaw', req, res, p, pass);
  if (raw instanceof Promise) return raw.then((o) => (o !== 'continue' ? o : runPhase('onUriClean', req, res, p, pass)));
  if (raw !== 'continue') return raw;
  return runPhase('onUriClean', req, res, p, pass);
}

/** Marks a restart in passResult. */
const RESTART = Symbol('restart');

/** What a finished pass means; RESTART after a rewrite (the request state is reset for the next pass). */
function passResult(req: RequestCtx, p: Pipeline, out: PassOut): RouteResult | typeof RESTART {
  if (out === 'restart') {
    if (!applyTarget(req, p.url)) return { kind: 'drop', reason: `rewrite result is not a valid path: ${req.target}` };
    delete req.physicalPath;
    delete req.fileStat;
    delete req.pathInfo;
    delete req.handler;
    delete req.basedir;
    return RESTART;
  }
  if (out === 'handled') return HANDLED;
  if (out === 'continue') return { kind: 'status', status: 500 };
  return out;
}

/** One pass of the request: what withRestarts runs (a module-level function: no closure per request). */
type PassBody<A> = (req: RequestCtx, p: Pipeline, pass: Pass, arg: A) => PassOut | Promise<PassOut>;

/**
 * Runs a pass loop over `body`, restarting on rewrites (synchronous while the passes are). `first`: a
 * pass begun for this very request state, used for the first round instead of beginning another.
 */
function withRestarts<A>(req: RequestCtx, p: Pipeline, body: PassBody<A>, arg: A, from = 0, first: Pass | null = null): RouteResult | Promise<RouteResult> {
  for (let i = from; i <= 100; i++) {
    const out = body(req, p, i === from && first !== null ? first : beginPass(req, p), arg);
    if (out instanceof Promise) {
      return out.then((o) => {
        const r = passResult(req, p, o);
        return r === RESTART ? withRestarts(req, p, body, arg, i + 1) : r;
      });
    }
    const r = passResult(req, p, out);
    if (r !== RESTART) return r;
  }
  p.log('mod_rewrite.c.262', `ENDLESS LOOP IN rewrite-rule DETECTED ... aborting request (${req.target})`);
  return { kind: 'drop', reason: 'rewrite loop' };
}

/** One pass of a normal request: uri phases, then a claimed gateway or the file path. */
function requestPass(req: RequestCtx, p: Pipeline, pass: Pass, res: HttpResponse): PassOut | Promise<PassOut> {
  const uri = uriPhases(req, res, p, pass);
  if (uri instanceof Promise) return uri.then((o) => (o !== 'continue' ? o : afterUri(req, res, p, pass)));
  if (uri !== 'continue') return uri;
  return afterUri(req, res, p, pass);
}

/**
 * The docroot phase (mod_evhost, mod_simple_vhost), when a loaded module has that hook: lighttpd runs it
 * for every request after uri-clean, a gateway's included, with the vhost fields of a previous pass
 * cleared. Without such a module nothing here runs.
 */
function afterUri(req: RequestCtx, res: HttpResponse, p: Pipeline, pass: Pass): PassOut | Promise<PassOut> {
  if (p.phases.onDocroot.length === 0) return afterDocroot(req, res, p, pass);
  delete req.docRoot;
  delete req.serverName;
  const out = runPhase('onDocroot', req, res, p, pass);
  if (out instanceof Promise) return out.then((o) => (o !== 'continue' ? o : afterDocroot(req, res, p, pass)));
  if (out !== 'continue') return out;
  return afterDocroot(req, res, p, pass);
}

function afterDocroot(req: RequestCtx, res: HttpResponse, p: Pipeline, pass: Pass): PassOut | Promise<PassOut> {
  if (req.handler) {
    const cm = p.modules.find((m) => m.module.name === req.handler);
    if (cm?.module.onRequest) return cm.module.onRequest(req, res, confOf(cm, pass));
    return { kind: 'status', status: 500 };
  }
  if (req.method === 'OPTIONS' && req.targetOrig === '*') return { kind: 'status', status: 200, allow: 'OPTIONS, GET, HEAD, POST' };
  if (req.method === 'CONNECT') return { kind: 'status', status: 405 };
  const path = pass.core.forceLowercaseFilenames ? req.path.toLowerCase() : req.path;
  const root = req.docRoot ?? pass.core.documentRoot ?? '';
  req.physicalPath = physicalPath(root, path);
  const phys = runPhase('onPhysical', req, res, p, pass);
  if (phys instanceof Promise) return phys.then((o) => (o !== 'continue' ? o : afterPhysical(req, res, p, pass)));
  if (phys !== 'continue') return phys;
  return afterPhysical(req, res, p, pass);
}

function afterPhysical(req: RequestCtx, res: HttpResponse, p: Pipeline, pass: Pass): PassOut | Promise<PassOut> {
  const check = checkFile(req, pass.core.followSymlink, p.statCacheEngine);
  if (check.kind === 'status') {
    if (check.status === 404 && req.method === 'OPTIONS' && res.hasHeader('Allow')) return { kind: 'status', status: 200 };
    return check.location ? { kind: 'status', status: check.status, location: check.location } : { kind: 'status', status: check.status };
  }
  const handled = runPhase('onRequest', req, res, p, pass);
  if (handled instanceof Promise) return handled.then((o) => (o !== 'continue' ? o : unclaimed(req)));
  if (handled !== 'continue') return handled;
  return unclaimed(req);
}

/** Nobody claimed the request (lighttpd http_response_prepare after subrequest-start). */
function unclaimed(req: RequestCtx): RouteResult {
  if (req.method === 'OPTIONS') return { kind: 'status', status: 200, allow: 'OPTIONS, GET, HEAD, POST' };
  if (req.method === 'CONNECT') return { kind: 'status', status: 405 };
  return { kind: 'status', status: STATIC_METHODS.has(req.method) ? 403 : 501 };
}

/**
 * Routes a normal HTTP request through every phase. The result is a plain value when every hook
 * answered synchronously (the common static-file case), else a promise. `first`: a pass the caller
 * began for the request as it stands (beginPass) — the first round then runs with it, and its
 * condition results stay cached, as lighttpd keeps one condition cache per request until a rewrite.
 */
export function routeRequest(req: RequestCtx, res: HttpResponse, p: Pipeline, first: Pass | null = null): RouteResult | Promise<RouteResult> {
  return withRestarts(req, p, requestPass, res, 0, first);
}

/** Result of routing an upgrade: a module took the socket, or the request goes on as a normal one. */
export type UpgradeResult = RouteResult | { kind: 'not-upgraded' };

/** Routes an upgrade request: uri phases, then the onUpgrade hooks in module order. */
export async function routeUpgrade(req: RequestCtx, res: HttpResponse, head: Buffer, p: Pipeline): Promise<UpgradeResult> {
  let notUpgraded = false;
  const r = await withRestarts(req, p, async (_req, _p, pass) => {
    const uri = await uriPhases(req, res, p, pass);
    if (uri !== 'continue') return uri;
    if (p.phases.onDocroot.length !== 0) {
      delete req.docRoot;
      delete req.serverName;
      const d = await runPhase('onDocroot', req, res, p, pass);
      if (d !== 'continue') return d;
    }
    for (const cm of p.modules) {
      if (!cm.module.onUpgrade) continue;
      if (req.handler && req.handler !== cm.module.name) continue;
      const out = await cm.module.onUpgrade(req, head, confOf(cm, pass));
      if (out !== 'continue') return out;
    }
    notUpgraded = true;
    return HANDLED;
  }, null);
  return notUpgraded ? { kind: 'not-upgraded' } : r;
}
