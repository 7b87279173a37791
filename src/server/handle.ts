/**
 * One HTTP request from start to end: build the context (lighttpd's request checks), route it through
 * the module phases, and answer (finish.ts); Upgrade / CONNECT candidates go through the modules'
 * onUpgrade hooks first. The response hooks live on the request's RequestRun (request-run.ts).
 *
 * The common path stays synchronous while the router and the modules are (no promise per request).
 */
import type { BodyError } from '../http1/body-decoder.js';
import type { UpgradeControl } from '../http1/handler.js';
import type { HttpRequest } from '../http1/request.js';
import type { HttpResponse } from '../http1/response.js';
import type { RequestCtx } from '../request/context.js';
import { beginPass, routeRequest, routeUpgrade, type Pass, type RouteResult } from '../request/router.js';
import { finish, isAnswered } from './finish.js';
import { buildCtx, type BuiltCtx, type ConnInfo } from './request-ctx.js';
import { RequestRun, type App } from './request-run.js';
import { sendErrorDocument } from './response.js';

export type { App } from './request-run.js';

/** Requests with a body: their run, for the engine's report of a body that cannot be read. */
const bodyRuns = new WeakMap<HttpRequest, RequestRun>();

/** The lines lighttpd always logs for a head it cannot frame (and the parse errors, when asked to). */
function logParseError(app: App, built: BuiltCtx): void {
  const framing = built.ctx.raw.head.framing;
  if (framing === 'oversized') app.log('connections.c.686', 'oversized request-header -> sending Status 431');
  else if (framing === 'tls') app.log('connections.c.714', `unexpected TLS ClientHello on clear port (${built.ctx.remoteAddr})`);
  else if (framing === 'first-byte') app.log('connections.c.714', `invalid request-line -> sending Status 400 (${built.ctx.remoteAddr})`);
  else if (app.server.logRequestHeaderOnError) app.log('request.c.317', `${built.reason} -> ${built.status}`);
}

/** Starts a request: context, pass, hooks and the per-request limits on the response. */
function begin(app: App, conn: ConnInfo, raw: HttpRequest, res: HttpResponse): { built: BuiltCtx; run: RequestRun } {
  app.activity.begin();
  const built = buildCtx(raw, conn, app.server, app.pipeline.core.base);
  const pass = beginPass(built.ctx, app.pipeline);
  const run = new RequestRun(app, built.ctx, pass, built.status === 0 ? pass : null);
  res.hooks = run;
  const core = pass.core;
  res.keepAliveIdle = core.maxKeepAliveIdle;
  res.readIdle = core.maxReadIdle;
  res.writeIdle = core.maxWriteIdle;
  // lighttpd: the request counter exceeding max-keep-alive-requests ends keep-alive (N+1 requests served)
  if (raw.keepAliveIndex >= core.maxKeepAliveRequests || core.maxKeepAliveIdle === 0) res.shouldKeepAlive = false;
  // server.protocol-http11 = "disable": every response is HTTP/1.0 without keep-alive
  if (!core.protocolHttp11) {
    res.version = 'HTTP/1.0';
    res.shouldKeepAlive = false;
  }
  if (built.status !== 0) {
    logParseError(app, built);
    res.shouldKeepAlive = false;
  } else if (raw.bodyLength !== 0) {
    raw.setBodyLimit(core.maxRequestSize * 1024);
    bodyRuns.set(raw, run);
  }
  return { built, run };
}

/** The engine's report of a body that cannot be read: lighttpd answers the status if nothing was sent. */
export function handleBodyError(app: App, raw: HttpRequest, res: HttpResponse, error: BodyError): void {
  app.log('connections.c.1745', `${error.reason} -> ${error.status}`);
  res.shouldKeepAlive = false;
  const run = bodyRuns.get(raw);
  if (run === undefined || res.writableEnded) return; // answered already; the connection closes after it
  if (res.headersSent) {
    res.destroy();
    return;
  }
  run.bodyError = error.status;
  run.hooksPass = null;
  void sendErrorDocument(res, error.status, run.pass.core.errorfilePrefix).catch(() => res.destroy());
}

/** The status lighttpd answers before any module runs (parse checks, Content-Length over max-request-size), or 0. */
function refusal(run: RequestRun, built: BuiltCtx, res: HttpResponse): number {
  if (built.status !== 0) return built.status;
  const max = run.pass.core.maxRequestSize;
  const cl = built.ctx.raw.bodyLength;
  if (max > 0 && cl > max * 1024) {
    run.app.log('response.c.377', `request-size too long: ${cl} -> 413`);
    run.hooksPass = null;
    res.shouldKeepAlive = false;
    return 413;
  }
  return 0;
}

/** A module threw: 500 if nothing was sent yet, else the connection is dropped (unless the answer is complete). */
function failed(run: RequestRun, res: HttpResponse, e: unknown): void {
  // a module reading a body the engine gave up on (handleBodyError answered already) fails as a matter of course
  if (run.bodyError !== 0) return;
  const req = run.req;
  run.app.log('response.ts', `${req.method} ${req.target}: ${e instanceof Error ? e.message : String(e)}`);
  if (res.writableEnded) return;
  if (!res.headersSent) {
    res.shouldKeepAlive = false;
    sendErrorDocument(res, 500, '').catch(() => res.destroy());
  } else {
    res.destroy();
  }
}

/** After routing: the pass for the response hooks — the first one unless a rewrite or re-dispatch changed the target. */
function settle(run: RequestRun, target: string, method: string): void {
  const req = run.req;
  if (req.target !== target || req.method !== method) run.pass = beginPass(req, run.app.pipeline);
  run.hooksPass = run.bodyError !== 0 ? null : run.pass;
}

function answer(run: RequestRun, res: HttpResponse, result: RouteResult): void | Promise<void> {
  if (isAnswered(run, res, result)) return;
  return finish(run, res, result).catch((e: unknown) => failed(run, res, e));
}

/**
 * Routes a request that passed the checks, synchronously as far as the modules allow. `first`: the
 * pass begun with the request when nothing ran since (its condition results still hold), else null.
 */
function route(run: RequestRun, res: HttpResponse, first: Pass | null): void | Promise<void> {
  const req: RequestCtx = run.req;
  const target = req.target;
  const method = req.method;
  const routed = routeRequest(req, res, run.app.pipeline, first);
  if (routed instanceof Promise) {
    return routed.then(
      (result) => {
        settle(run, target, method);
        return answer(run, res, result);
      },
      (e: unknown) => failed(run, res, e),
    );
  }
  settle(run, target, method);
  return answer(run, res, routed);
}

/** Handles one request on a listener. */
export function handleRequest(app: App, conn: ConnInfo, raw: HttpRequest, res: HttpResponse): void {
  const { built, run } = begin(app, conn, raw, res);
  try {
    const refused = refusal(run, built, res);
    if (refused !== 0) {
      void finish(run, res, { kind: 'status', status: refused }).catch((e: unknown) => failed(run, res, e));
      return;
    }
    // nothing ran since begin(): its pass is the first routing pass (one condition pass, not two)
    void route(run, res, run.pass);
  } catch (e) {
    failed(run, res, e);
  }
}

/**
 * Hands the socket to the module that took the upgrade; it counts as active until it closes, and then
 * the request-done hooks learn the status the module wrote (lighttpd logs a tunnel at its end).
 */
function upgraded(run: RequestRun, raw: HttpRequest, control: UpgradeControl): void {
  control.taken();
  run.finished = true;
  const app = run.app;
  // the connection as the engine drives it: asking for raw.socket would make a net.Socket for nothing
  const io = raw.io;
  app.activity.upgraded(io);
  // only a request-done hook (mod_accesslog) needs the request when the tunnel ends; otherwise the
  // listener holds nothing of it, so an idle tunnel does not keep its request alive
  const closed = app.pipeline.requestDone.length > 0 ? doneTakenThenEnd(run) : endOf(app);
  if (io.destroyed) closed();
  else io.once('close', closed);
}

/** The close listener of a taken connection when request-done hooks want its line. */
function doneTakenThenEnd(run: RequestRun): () => void {
  return () => {
    run.doneTaken();
    run.app.activity.end();
  };
}

/** The close listener of a taken connection when nothing logs it: it keeps only the app. */
function endOf(app: App): () => void {
  return () => app.activity.end();
}

/**
 * RequestCtx.rawResponseHead: the module's headers on the (never sent) response, the response-start
 * hooks with the request's pass as routed so far, and the head as the engine would serialise it.
 */
function rawHead(run: RequestRun, res: HttpResponse, target: string, method: string, status: number, headers: readonly (readonly [string, string])[], connection: 'close' | 'upgrade', length?: number): string {
  settle(run, target, method);
  for (const name of res.getHeaderNames()) res.removeHeader(name);
  res.statusCode = status;
  res.statusMessage = '';
  for (const [k, v] of headers) res.appendHeader(k, v);
  const encoded = res.hasHeader('content-encoding');
  run.beforeHead(res);
  if (!encoded && res.hasHeader('content-encoding')) {
    // a hook chose to re-encode the body (mod_deflate); the module writes its body as it is, so the
    // head goes without the hooks rather than announce an encoding the body does not have
    for (const name of res.getHeaderNames()) res.removeHeader(name);
    for (const [k, v] of headers) res.appendHeader(k, v);
  }
  return res.headText(connection, length === undefined ? '' : `\r\nContent-Length: ${length}`);
}

/**
 * Handles an Upgrade / CONNECT candidate: the modules' onUpgrade hooks; when one takes the socket the
 * engine lets go of it, otherwise the request is answered on the connection like any other.
 */
export async function handleUpgrade(app: App, conn: ConnInfo, raw: HttpRequest, res: HttpResponse, head: Buffer, control: UpgradeControl): Promise<void> {
  const { built, run } = begin(app, conn, raw, res);
  const req = built.ctx;
  try {
    const refused = refusal(run, built, res);
    if (refused !== 0) {
      control.resume();
      await finish(run, res, { kind: 'status', status: refused });
      return;
    }
    const target = req.target;
    const method = req.method;
    if (app.pipeline.responseStart.length > 0) req.rawResponseHead = (status, headers, connection, length) => rawHead(run, res, target, method, status, headers, connection, length);
    const result = await routeUpgrade(req, res, head, app.pipeline);
    if (result.kind === 'handled' && !res.headersSent && req.status === undefined) {
      upgraded(run, raw, control);
      return;
    }
    control.resume();
    if (result.kind === 'not-upgraded') {
      await route(run, res, null);
      return;
    }
    settle(run, target, method);
    await finish(run, res, result);
  } catch (e) {
    app.log('response.ts', `upgrade ${req.target}: ${e instanceof Error ? e.message : String(e)}`);
    control.resume();
    raw.io.destroy();
  }
}
