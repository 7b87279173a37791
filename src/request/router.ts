/**
 * The request phases (http-core.md §1.1): uri-raw → uri-clean → (gateway) → docroot/physical →
 * file check → handler. In each phase the modules run in load order with their effective config;
 * the first 'handled' ends the request, 'restart' runs it again with the rewritten target (at most
 * 100 times, then the connection is dropped like lighttpd does).
 */
import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AnyModule, Outcome } from '../modules/module.js';
import type { CoreConf } from '../server/core-config.js';
import type { RequestCtx } from './context.js';
import { effectiveConfig, type CompiledModule } from './effective.js';
import { MatchState } from './match.js';
import { normaliseTarget, type UrlOptions } from './normalize.js';
import { checkFile } from './physical.js';
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
}

/** The router's decision. `handled`: a module wrote (or will write) the response. */
export type RouteResult = { kind: 'handled' } | { kind: 'status'; status: number; location?: string; allow?: string } | { kind: 'drop'; reason: string };

/** One pass's state: the match cache and the core config (replaced on restart). */
export interface Pass {
  state: MatchState;
  core: Readonly<CoreConf>;
}

/** Starts a pass: fresh condition cache, core config, docroot and server name. */
export function beginPass(req: RequestCtx, p: Pipeline): Pass {
  req.captures.clear();
  const state = new MatchState(req);
  const core = effectiveConfig(p.core, state);
  req.docRoot = core.documentRoot ?? '';
  req.serverName = core.name;
  return { state, core };
}

/** A module's effective config in this pass. */
export function confOf(cm: CompiledModule<object>, pass: Pass): object {
  return effectiveConfig(cm, pass.state);
}

type Hook = 'onUriRaw' | 'onUriClean' | 'onPhysical' | 'onRequest';

async function runPhase(hook: Hook, req: RequestCtx, res: ServerResponse, p: Pipeline, pass: Pass): Promise<Outcome> {
  for (const cm of p.modules) {
    if (!cm.module[hook]) continue;
    const out = await cm.module[hook]?.(req, res, confOf(cm, pass));
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
async function uriPhases(req: RequestCtx, res: ServerResponse, p: Pipeline, pass: Pass): Promise<Outcome> {
  const raw = await runPhase('onUriRaw', req, res, p, pass);
  if (raw !== 'continue') return raw;
  return runPhase('onUriClean', req, res, p, pass);
}

/** Runs a pass loop over `body`, restarting on rewrites. */
async function withRestarts(req: RequestCtx, p: Pipeline, body: (pass: Pass) => Promise<Outcome | RouteResult>): Promise<RouteResult> {
  for (let i = 0; i <= 100; i++) {
    const pass = beginPass(req, p);
    const out = await body(pass);
    if (out === 'restart') {
      if (!applyTarget(req, p.url)) return { kind: 'drop', reason: `rewrite result is not a valid path: ${req.target}` };
      delete req.physicalPath;
      delete req.fileStat;
      delete req.pathInfo;
      delete req.handler;
      continue;
    }
    if (out === 'handled') return { kind: 'handled' };
    if (out === 'continue') return { kind: 'status', status: 500 };
    return out;
  }
  p.log('mod_rewrite.c.262', `ENDLESS LOOP IN rewrite-rule DETECTED ... aborting request (${req.target})`);
  return { kind: 'drop', reason: 'rewrite loop' };
}

function handlerModule(p: Pipeline, name: string): AnyModule | undefined {
  return p.modules.find((cm) => cm.module.name === name)?.module;
}

/** Routes a normal HTTP request through every phase. */
export function routeRequest(req: RequestCtx, res: ServerResponse, p: Pipeline): Promise<RouteResult> {
  return withRestarts(req, p, async (pass) => {
    const uri = await uriPhases(req, res, p, pass);
    if (uri !== 'continue') return uri;
    if (req.handler) {
      const cm = p.modules.find((m) => m.module.name === req.handler);
      const mod = handlerModule(p, req.handler);
      if (cm && mod?.onRequest) return mod.onRequest(req, res, confOf(cm, pass));
      return { kind: 'status', status: 500 };
    }
    if (req.method === 'OPTIONS' && req.targetOrig === '*') return { kind: 'status', status: 200, allow: 'OPTIONS, GET, HEAD, POST' };
    if (req.method === 'CONNECT') return { kind: 'status', status: 405 };
    const path = pass.core.forceLowercaseFilenames ? req.path.toLowerCase() : req.path;
    req.physicalPath = (req.docRoot ?? '').replace(/\/+$/, '') + path;
    const phys = await runPhase('onPhysical', req, res, p, pass);
    if (phys !== 'continue') return phys;
    const check = checkFile(req, pass.core.followSymlink, p.statCacheEngine);
    if (check.kind === 'status') {
      if (check.status === 404 && req.method === 'OPTIONS' && res.hasHeader('Allow')) return { kind: 'status', status: 200 };
      return check.location ? { kind: 'status', status: check.status, location: check.location } : { kind: 'status', status: check.status };
    }
    const handled = await runPhase('onRequest', req, res, p, pass);
    if (handled !== 'continue') return handled;
    // nobody claimed it (lighttpd http_response_prepare after subrequest-start)
    if (req.method === 'OPTIONS') return { kind: 'status', status: 200, allow: 'OPTIONS, GET, HEAD, POST' };
    if (req.method === 'CONNECT') return { kind: 'status', status: 405 };
    return { kind: 'status', status: STATIC_METHODS.has(req.method) ? 403 : 501 };
  });
}

/** Result of routing an upgrade: a module took the socket, or the request goes on as a normal one. */
export type UpgradeResult = RouteResult | { kind: 'not-upgraded' };

/** Routes an upgrade request: uri phases, then the onUpgrade hooks in module order. */
export function routeUpgrade(req: RequestCtx, res: ServerResponse, socket: Duplex, head: Buffer, p: Pipeline): Promise<UpgradeResult> {
  let notUpgraded = false;
  return withRestarts(req, p, async (pass) => {
    const uri = await uriPhases(req, res, p, pass);
    if (uri !== 'continue') return uri;
    for (const cm of p.modules) {
      if (!cm.module.onUpgrade) continue;
      if (req.handler && req.handler !== cm.module.name) continue;
      const out = await cm.module.onUpgrade(req, socket, head, confOf(cm, pass));
      if (out !== 'continue') return out;
    }
    notUpgraded = true;
    return { kind: 'handled' };
  }).then((r) => (notUpgraded ? { kind: 'not-upgraded' } : r));
}
