/**
 * One HTTP request from start to end: build the context (lighttpd's request checks), route it through
 * the module phases, turn a status decision into lighttpd's response (error documents,
 * server.error-handler / -404 re-dispatch, redirects), and run the request-done hooks (accesslog).
 */
import { IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { RequestCtx, RequestDone } from '../request/context.js';
import { beginPass, confOf, routeRequest, routeUpgrade, type Pass, type Pipeline, type RouteResult } from '../request/router.js';
import { normaliseTarget } from '../request/normalize.js';
import { buildCtx, type ConnInfo } from './request-ctx.js';
import { instrumentResponse, sendEmpty, sendErrorDocument, type ResponseTrack } from './response.js';
import type { ServerConf } from './server-config.js';
import { builtinErrorPage, reasonPhrase } from '../http/status-text.js';

/** A fresh response tracker for one request; `beforeHead` runs the response-start hooks. */
function newTrack(raw: IncomingMessage, beforeHead: () => void): ResponseTrack {
  return {
    beforeHead,
    forcedStatus: 0,
    bodyBytes: 0,
    headerBytes: 0,
    headSent: false,
    isHead: raw.method === 'HEAD',
    version: raw.httpVersion === '1.1' ? 'HTTP/1.1' : 'HTTP/1.0',
  };
}

/** Shared by every listener of one server. */
export interface App {
  readonly pipeline: Pipeline;
  readonly server: ServerConf;
  /** One error-log line. */
  readonly log: (source: string, message: string) => void;
  /** Called when a request starts and ends (idle-exit timer, graceful shutdown). */
  readonly activity: { begin(): void; end(): void; upgraded(socket: Duplex): void };
}

/** Runs the response-start hooks of every module, then adds Server. */
function responseStart(app: App, req: RequestCtx, res: ServerResponse, pass: Pass | null): void {
  // lighttpd: a request body nobody read forces Connection: close on the response
  const hasBody = req.headers.has('transfer-encoding') || Number(req.headers.get('content-length') ?? '0') > 0;
  if (hasBody && !req.raw.readableDidRead) res.shouldKeepAlive = false;
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
  const tag = pass?.core.tag ?? app.pipeline.core.base.tag;
  if (tag !== '' && !res.hasHeader('server')) res.setHeader('Server', tag);
}

/** Runs the request-done hooks once. */
function requestDone(app: App, req: RequestCtx, res: ServerResponse, track: ResponseTrack, pass: Pass, aborted: boolean): void {
  const headers = new Map<string, string>();
  for (const [k, v] of Object.entries(res.getHeaders())) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : String(v));
  const keepAlive = !aborted && res.shouldKeepAlive && !req.raw.socket.destroyed;
  const done: RequestDone = {
    status: track.headSent ? res.statusCode : 0,
    bodyBytes: track.headSent ? track.bodyBytes : -1,
    headerBytes: track.headSent ? track.headerBytes : 0,
    bytesIn: estimateRequestBytes(req),
    connState: aborted ? 'X' : keepAlive ? '+' : '-',
    responseHeaders: headers,
    endTime: performance.timeOrigin + performance.now(),
  };
  for (const cm of app.pipeline.modules) {
    if (!cm.module.onRequestDone) continue;
    try {
      cm.module.onRequestDone(req, done, confOf(cm, pass));
    } catch (e) {
      app.log('response.ts', `${cm.module.name}: request-done failed: ${(e as Error).message}`);
    }
  }
}

function estimateRequestBytes(req: RequestCtx): number {
  let n = `${req.method} ${req.targetOrig} ${req.protocol}\r\n`.length + 2;
  const h = req.raw.rawHeaders;
  for (let i = 0; i + 1 < h.length; i += 2) n += (h[i] ?? '').length + (h[i + 1] ?? '').length + 4;
  const cl = Number(req.headers.get('content-length') ?? '0');
  return n + (Number.isFinite(cl) ? cl : 0);
}

/** Turns a route result into bytes on the wire (and the error-handler re-dispatch). */
async function finish(app: App, req: RequestCtx, res: ServerResponse, track: ResponseTrack, result: RouteResult, state: { pass: Pass; redispatched: boolean }): Promise<void> {
  if (result.kind === 'drop') {
    app.log('response.ts', `request dropped: ${result.reason}`);
    req.raw.socket.destroy();
    return;
  }
  if (res.headersSent || res.writableEnded) return;
  let status = result.kind === 'status' ? result.status : (req.status ?? 0);
  if (status === 0) {
    // 'handled' without writing and without a status: the module forgot to answer
    app.log('response.ts', `no module answered ${req.method} ${req.target}`);
    status = 500;
  }
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
        if (keepStatus) track.forcedStatus = status;
        const again = await routeRequest(req, res, app.pipeline);
        state.pass = beginPass(req, app.pipeline);
        if (again.kind === 'handled' && (res.headersSent || res.writableEnded || (req.status ?? 0) < 400)) {
          if (!res.headersSent && !res.writableEnded) await finish(app, req, res, track, again, state);
          return;
        }
        if (again.kind === 'status' && again.status < 400) return finish(app, req, res, track, again, state);
        track.forcedStatus = 0;
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

/** Per-socket request counter (keep-alive limit, accesslog %k). */
const requestCounts = new WeakMap<object, number>();

function nextIndex(socket: object): number {
  const n = requestCounts.get(socket) ?? 0;
  requestCounts.set(socket, n + 1);
  return n;
}

/** Handles one node:http request on a listener. */
export async function handleRequest(app: App, conn: Omit<ConnInfo, 'keepAliveIndex'>, raw: IncomingMessage, res: ServerResponse): Promise<void> {
  app.activity.begin();
  const index = nextIndex(raw.socket);
  const built = buildCtx(raw, { ...conn, keepAliveIndex: index }, app.server);
  const req = built.ctx;
  const state = { pass: beginPass(req, app.pipeline), redispatched: false };
  let passForHooks: Pass | null = built.status === 0 ? state.pass : null;
  const track = newTrack(raw, () => responseStart(app, req, res, passForHooks));
  instrumentResponse(res, track);
  let doneCalled = false;
  const onDone = (aborted: boolean): void => {
    if (doneCalled) return;
    doneCalled = true;
    requestDone(app, req, res, track, state.pass, aborted);
    app.activity.end();
  };
  res.once('finish', () => onDone(false));
  res.once('close', () => onDone(!res.writableFinished));

  const core = state.pass.core;
  // lighttpd: the request counter exceeding max-keep-alive-requests ends keep-alive (N+1 requests served)
  if (index >= core.maxKeepAliveRequests || core.maxKeepAliveIdle === 0) res.shouldKeepAlive = false;
  // server.protocol-http11 = "disable": every response is HTTP/1.0 without keep-alive
  if (!core.protocolHttp11) {
    track.version = 'HTTP/1.0';
    res.shouldKeepAlive = false;
  }
  try {
    if (built.status !== 0) {
      if (app.server.logRequestHeaderOnError) app.log('request.c.317', `${built.reason} -> ${built.status}`);
      res.shouldKeepAlive = false;
      await finish(app, req, res, track, { kind: 'status', status: built.status }, state);
      return;
    }
    const cl = Number(req.headers.get('content-length') ?? '0');
    if (core.maxRequestSize > 0 && cl > core.maxRequestSize * 1024) {
      app.log('response.c.377', `request-size too long: ${cl} -> 413`);
      passForHooks = null;
      res.shouldKeepAlive = false;
      await finish(app, req, res, track, { kind: 'status', status: 413 }, state);
      return;
    }
    const result = await routeRequest(req, res, app.pipeline);
    state.pass = beginPass(req, app.pipeline);
    passForHooks = state.pass;
    await finish(app, req, res, track, result, state);
  } catch (e) {
    app.log('response.ts', `${req.method} ${req.target}: ${(e as Error).message}`);
    if (!res.headersSent) {
      res.shouldKeepAlive = false;
      await sendErrorDocument(res, 500, '').catch(() => undefined);
    } else {
      raw.socket.destroy();
    }
  }
}

/** Handles a request with `Upgrade`: onUpgrade hooks, or a normal response on the raw socket. */
export async function handleUpgrade(app: App, conn: Omit<ConnInfo, 'keepAliveIndex'>, raw: IncomingMessage, socket: Duplex, head: Buffer, makeResponse: (raw: IncomingMessage, socket: Duplex) => ServerResponse): Promise<void> {
  app.activity.begin();
  app.activity.upgraded(socket);
  let ended = false;
  const end = (): void => {
    if (!ended) {
      ended = true;
      app.activity.end();
    }
  };
  socket.once('close', end);
  const index = nextIndex(socket);
  const built = buildCtx(raw, { ...conn, keepAliveIndex: index }, app.server);
  const req = built.ctx;
  const res = makeResponse(raw, socket);
  res.shouldKeepAlive = false;
  const state = { pass: beginPass(req, app.pipeline), redispatched: false };
  const track = newTrack(raw, () => responseStart(app, req, res, built.status === 0 ? state.pass : null));
  instrumentResponse(res, track);
  let upgraded = false;
  res.once('finish', () => {
    if (!upgraded) requestDone(app, req, res, track, state.pass, false);
    socket.end();
  });
  try {
    if (built.status !== 0) {
      await finish(app, req, res, track, { kind: 'status', status: built.status }, state);
      return;
    }
    const result = await routeUpgrade(req, res, socket, head, app.pipeline);
    if (result.kind === 'not-upgraded') {
      if (head.length > 0) socket.unshift(head);
      const normal = await routeRequest(req, res, app.pipeline);
      state.pass = beginPass(req, app.pipeline);
      await finish(app, req, res, track, normal, state);
      return;
    }
    state.pass = beginPass(req, app.pipeline);
    if (result.kind === 'handled' && !res.headersSent && req.status === undefined) {
      upgraded = true; // the module owns the socket now
      return;
    }
    await finish(app, req, res, track, result, state);
  } catch (e) {
    app.log('response.ts', `upgrade ${req.target}: ${(e as Error).message}`);
    socket.destroy();
  }
}

/**
 * A request node's parser refused (431, 400, 501, 505): answer with lighttpd's error page on the raw
 * socket (`HTTP/1.0` unless the line ended in `HTTP/1.1`), close, and log it through the request-done
 * hooks like lighttpd does for parser errors.
 */
export function answerParserError(app: App, conn: Omit<ConnInfo, 'keepAliveIndex'>, socket: Socket, status: number, rawPacket: Buffer | undefined): void {
  const line = rawPacket?.toString('latin1').split('\n', 1)[0]?.replace(/\r$/, '') ?? '';
  const parts = line.split(' ');
  const lastPart = parts[parts.length - 1] ?? '';
  const version = lastPart === 'HTTP/1.1' && status !== 431 ? 'HTTP/1.1' : 'HTTP/1.0';
  const body = builtinErrorPage(status);
  const tag = app.pipeline.core.base.tag;
  const head = [
    `${version} ${status} ${reasonPhrase(status)}`,
    'Content-Type: text/html',
    `Content-Length: ${body.length}`,
    'Connection: close',
    `Date: ${new Date().toUTCString()}`,
    ...(tag !== '' ? [`Server: ${tag}`] : []),
  ].join('\r\n') + '\r\n\r\n';
  socket.end(head + body, 'latin1');
  const raw = new IncomingMessage(socket);
  const method = parts.length >= 2 ? (parts[0] ?? '') : '';
  const target = parts.length >= 3 && status !== 431 ? parts.slice(1, -1).join(' ') : '';
  const req: RequestCtx = {
    raw,
    method,
    protocol: lastPart === 'HTTP/1.1' ? 'HTTP/1.1' : 'HTTP/1.0',
    targetOrig: target,
    target,
    path: '',
    query: '',
    host: '',
    scheme: conn.scheme,
    remoteAddr: (socket.remoteAddress ?? '').replace(/^::ffff:(?=[0-9.]+$)/, ''),
    remotePort: socket.remotePort ?? 0,
    localAddr: (socket.localAddress ?? '').replace(/^::ffff:(?=[0-9.]+$)/, ''),
    localPort: socket.localPort ?? 0,
    serverSocket: conn.serverSocket,
    headers: new Map(),
    env: new Map(),
    captures: new Map(),
    keepAliveIndex: 0,
    startTime: performance.timeOrigin + performance.now(),
  };
  const pass = beginPass(req, app.pipeline);
  const done: RequestDone = {
    status,
    bodyBytes: body.length,
    headerBytes: head.length,
    bytesIn: rawPacket?.length ?? 0,
    connState: '-',
    responseHeaders: new Map([['content-type', 'text/html'], ['content-length', String(body.length)]]),
    endTime: performance.timeOrigin + performance.now(),
  };
  for (const cm of app.pipeline.modules) {
    if (!cm.module.onRequestDone) continue;
    try {
      cm.module.onRequestDone(req, done, confOf(cm, pass));
    } catch (e) {
      app.log('response.ts', `${cm.module.name}: request-done failed: ${(e as Error).message}`);
    }
  }
}
