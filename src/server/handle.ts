/**
 * One HTTP request from start to end: build the context (lighttpd's request checks), route it through
 * the module phases, turn a status decision into lighttpd's response (error documents,
 * server.error-handler / -404 re-dispatch, redirects), and run the request-done hooks (accesslog).
 * Upgrade / CONNECT candidates go through the modules' onUpgrade hooks first.
 */
import type { Duplex } from 'node:stream';
import type { BodyError } from '../http1/body-decoder.js';
import type { UpgradeControl } from '../http1/handler.js';
import type { HttpRequest } from '../http1/request.js';
import type { HttpResponse } from '../http1/response.js';
import type { RequestCtx, RequestDone } from '../request/context.js';
import { beginPass, confOf, routeRequest, routeUpgrade, type Pass, type Pipeline, type RouteResult } from '../request/router.js';
import { normaliseTarget } from '../request/normalize.js';
import { buildCtx, type BuiltCtx, type ConnInfo } from './request-ctx.js';
import { sendEmpty, sendErrorDocument } from './response.js';
import type { ServerConf } from './server-config.js';

/** Shared by every listener of one server. */
export interface App {
  readonly pipeline: Pipeline;
  readonly server: ServerConf;
  /** One error-log line. */
  readonly log: (source: string, message: string) => void;
  /** Called when a request starts and ends (idle-exit timer, graceful shutdown). */
  readonly activity: { begin(): void; end(): void; upgraded(socket: Duplex): void };
}

/** What one request carries from start to end. */
interface RequestState {
  pass: Pass;
  redispatched: boolean;
  /** Response-start hooks run with this pass (null: parser errors, 413 — lighttpd runs none). */
  hooksPass: Pass | null;
  /** When set, replaces the status the handler writes (server.error-handler keeps the original). */
  forcedStatus: number;
  /** The body could not be read (400 / 413): this status wins. */
  bodyError: number;
  done: boolean;
}

/** Runs the response-start hooks of every module, and sets the Server tag. */
function responseStart(app: App, req: RequestCtx, res: HttpResponse, state: RequestState): void {
  if (state.forcedStatus > 0) {
    res.statusCode = state.forcedStatus;
    res.statusMessage = '';
  }
  const pass = state.hooksPass;
  if (pass) {
    for (const cm of app.pipeline.modules) {
      if (!cm.module.onResponseStart) continue;
      try {
        cm.module.onResponseStart(req, res, confOf(cm, pass));
      } catch (e) {
        app.log('response.ts', `${cm.module.name}: response-start failed: ${(e as Error).message}`);
      }
    }
  }
  res.serverTag = pass?.core.tag ?? app.pipeline.core.base.tag;
}

/** What the request-done hooks (mod_accesslog) learn about a finished request. */
function doneFacts(req: RequestCtx, res: HttpResponse, aborted: boolean): RequestDone {
  const headers = new Map<string, string>();
  for (const [k, v] of Object.entries(res.getHeaders())) headers.set(k, typeof v === 'object' ? v.join(', ') : String(v));
  const sent = res.headersSent;
  return {
    status: sent ? res.statusCode : 0,
    bodyBytes: sent ? res.bodyBytes : -1,
    headerBytes: res.headerBytes,
    bytesIn: req.raw.bytesIn,
    connState: aborted ? 'X' : res.keptAlive ? '+' : '-',
    responseHeaders: headers,
    endTime: performance.timeOrigin + performance.now(),
  };
}

/** Runs the request-done hooks once. */
function requestDone(app: App, req: RequestCtx, res: HttpResponse, state: RequestState, aborted: boolean): void {
  if (state.done) return;
  state.done = true;
  let done: RequestDone | null = null;
  for (const cm of app.pipeline.modules) {
    if (!cm.module.onRequestDone) continue;
    done ??= doneFacts(req, res, aborted);
    try {
      cm.module.onRequestDone(req, done, confOf(cm, state.pass));
    } catch (e) {
      app.log('response.ts', `${cm.module.name}: request-done failed: ${(e as Error).message}`);
    }
  }
  app.activity.end();
}

/** Turns a route result into bytes on the wire (and the error-handler re-dispatch). */
async function finish(app: App, req: RequestCtx, res: HttpResponse, state: RequestState, result: RouteResult): Promise<void> {
  if (result.kind === 'drop') {
    app.log('response.ts', `request dropped: ${result.reason}`);
    req.raw.socket.destroy();
    return;
  }
  if (res.headersSent || res.writableEnded) return;
  let status = state.bodyError !== 0 ? state.bodyError : result.kind === 'status' ? result.status : (req.status ?? 0);
  if (status === 0) {
    // 'handled' without writing and without a status: the module forgot to answer
    app.log('response.ts', `no module answered ${req.method} ${req.target}`);
    status = 500;
  }
  // lighttpd: CONNECT that nobody handles is 405 and the connection closes (http_status_set_error_close)
  if (status === 405 && req.method === 'CONNECT') res.shouldKeepAlive = false;
  if (status >= 400) {
    const core = state.pass.core;
    const handler = core.errorHandler !== '' ? core.errorHandler : (status === 403 || status === 404) && core.errorHandler404 !== '' ? core.errorHandler404 : '';
    if (handler !== '' && !state.redispatched && handler.startsWith('/')) {
      state.redispatched = true;
      const keepStatus = core.errorHandler !== '';
      const n = normaliseTarget(handler, app.pipeline.url);
      if (n) {
        req.env.set('REDIRECT_STATUS', String(status));
        req.method = 'GET';
        req.target = n.target;
        req.path = n.path;
        req.query = n.query;
        delete req.status;
        delete req.handler;
        delete req.physicalPath;
        delete req.fileStat;
        delete req.pathInfo;
        if (keepStatus) state.forcedStatus = status;
        const again = await routeRequest(req, res, app.pipeline);
        state.pass = beginPass(req, app.pipeline);
        if (again.kind === 'handled' && (res.headersSent || res.writableEnded || (req.status ?? 0) < 400)) {
          if (!res.headersSent && !res.writableEnded) await finish(app, req, res, state, again);
          return;
        }
        if (again.kind === 'status' && again.status < 400) return finish(app, req, res, state, again);
        state.forcedStatus = 0;
      }
    }
    await sendErrorDocument(res, status, state.pass.core.errorfilePrefix);
    return;
  }
  const extra: Record<string, string> = {};
  if (result.kind === 'status' && result.location) extra.Location = result.location;
  if (result.kind === 'status' && result.allow) extra.Allow = result.allow;
  sendEmpty(res, status, extra);
}

/** Bodies whose reading may fail: the core's answer for that request. */
const bodyErrorHandlers = new WeakMap<HttpRequest, (error: BodyError) => void>();

/** The lines lighttpd always logs for a head it cannot frame. */
function logFramingError(app: App, built: BuiltCtx): void {
  const framing = built.ctx.raw.head.framing;
  if (framing === 'oversized') app.log('connections.c.686', 'oversized request-header -> sending Status 431');
  else if (framing === 'tls') app.log('connections.c.714', `unexpected TLS ClientHello on clear port (${built.ctx.remoteAddr})`);
  else if (framing === 'first-byte') app.log('connections.c.714', `invalid request-line -> sending Status 400 (${built.ctx.remoteAddr})`);
  else if (app.server.logRequestHeaderOnError) app.log('request.c.317', `${built.reason} -> ${built.status}`);
}

/** Starts a request: context, pass, hooks, per-request limits, and the request-done wiring. */
function begin(app: App, conn: ConnInfo, raw: HttpRequest, res: HttpResponse): { built: BuiltCtx; state: RequestState } {
  app.activity.begin();
  const built = buildCtx(raw, conn, app.server);
  const req = built.ctx;
  const pass = beginPass(req, app.pipeline);
  const state: RequestState = { pass, redispatched: false, hooksPass: built.status === 0 ? pass : null, forcedStatus: 0, bodyError: 0, done: false };
  res.beforeHead = () => responseStart(app, req, res, state);
  res.once('finish', () => requestDone(app, req, res, state, false));
  res.once('close', () => requestDone(app, req, res, state, !res.writableFinished));
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
    logFramingError(app, built);
    res.shouldKeepAlive = false;
  } else if (raw.bodyLength !== 0) {
    raw.setBodyLimit(core.maxRequestSize * 1024);
    bodyErrorHandlers.set(raw, (error) => bodyFailed(app, req, res, state, error));
  }
  return { built, state };
}

/** The body could not be read: lighttpd answers the status if nothing was sent, else drops the connection. */
function bodyFailed(app: App, req: RequestCtx, res: HttpResponse, state: RequestState, error: BodyError): void {
  app.log('connections.c.1745', `${error.reason} -> ${error.status}`);
  res.shouldKeepAlive = false;
  if (res.writableEnded) return; // answered already; the connection closes after it
  if (res.headersSent) {
    res.destroy();
    return;
  }
  state.bodyError = error.status;
  state.hooksPass = null;
  void sendErrorDocument(res, error.status, state.pass.core.errorfilePrefix).catch(() => res.destroy());
}

/** The engine's report of a body that cannot be read. */
export function handleBodyError(_app: App, raw: HttpRequest, _res: HttpResponse, error: BodyError): void {
  bodyErrorHandlers.get(raw)?.(error);
}

/** Answers a request whose checks failed, or whose Content-Length passes server.max-request-size. */
async function refuse(app: App, built: BuiltCtx, res: HttpResponse, state: RequestState): Promise<boolean> {
  const req = built.ctx;
  if (built.status !== 0) {
    await finish(app, req, res, state, { kind: 'status', status: built.status });
    return true;
  }
  const max = state.pass.core.maxRequestSize;
  const cl = req.raw.bodyLength;
  if (max > 0 && cl > max * 1024) {
    app.log('response.c.377', `request-size too long: ${cl} -> 413`);
    state.hooksPass = null;
    res.shouldKeepAlive = false;
    await finish(app, req, res, state, { kind: 'status', status: 413 });
    return true;
  }
  return false;
}

/** Handles one request on a listener. */
export async function handleRequest(app: App, conn: ConnInfo, raw: HttpRequest, res: HttpResponse): Promise<void> {
  const { built, state } = begin(app, conn, raw, res);
  const req = built.ctx;
  try {
    if (await refuse(app, built, res, state)) return;
    const result = await routeRequest(req, res, app.pipeline);
    state.pass = beginPass(req, app.pipeline);
    state.hooksPass = state.bodyError !== 0 ? null : state.pass;
    await finish(app, req, res, state, result);
  } catch (e) {
    failed(app, req, res, state, e);
  }
}

/** A module threw: 500 if nothing was sent yet, else the connection is dropped (unless the answer is complete). */
function failed(app: App, req: RequestCtx, res: HttpResponse, state: RequestState, e: unknown): void {
  // a module reading a body the engine gave up on (bodyFailed answered already) fails as a matter of course
  if (state.bodyError !== 0) return;
  app.log('response.ts', `${req.method} ${req.target}: ${e instanceof Error ? e.message : String(e)}`);
  if (res.writableEnded) return;
  if (!res.headersSent) {
    res.shouldKeepAlive = false;
    sendErrorDocument(res, 500, '').catch(() => res.destroy());
  } else {
    res.destroy();
  }
}

/**
 * Handles an Upgrade / CONNECT candidate: the modules' onUpgrade hooks; when one takes the socket the
 * engine lets go of it, otherwise the request is answered on the connection like any other.
 */
export async function handleUpgrade(app: App, conn: ConnInfo, raw: HttpRequest, res: HttpResponse, head: Buffer, control: UpgradeControl): Promise<void> {
  const { built, state } = begin(app, conn, raw, res);
  const req = built.ctx;
  try {
    if (built.status !== 0) {
      control.resume();
      await refuse(app, built, res, state);
      return;
    }
    const result = await routeUpgrade(req, res, raw.socket, head, app.pipeline);
    state.pass = beginPass(req, app.pipeline);
    state.hooksPass = state.pass;
    if (result.kind === 'handled' && !res.headersSent && req.status === undefined) {
      // the module owns the socket now; it counts as active until it closes
      control.taken();
      state.done = true;
      app.activity.upgraded(raw.socket);
      if (raw.socket.destroyed) app.activity.end();
      else raw.socket.once('close', () => app.activity.end());
      return;
    }
    control.resume();
    if (result.kind === 'not-upgraded') {
      if (await refuse(app, built, res, state)) return;
      const normal = await routeRequest(req, res, app.pipeline);
      state.pass = beginPass(req, app.pipeline);
      state.hooksPass = state.pass;
      await finish(app, req, res, state, normal);
      return;
    }
    await finish(app, req, res, state, result);
  } catch (e) {
    app.log('response.ts', `upgrade ${req.target}: ${e instanceof Error ? e.message : String(e)}`);
    control.resume();
    raw.socket.destroy();
  }
}
