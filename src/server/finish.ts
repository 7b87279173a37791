/**
 * Turning the router's decision into lighttpd's response (http-core.md §6.2, §6.3): nothing when a module
 * answered, an error document for >= 400 (after a `server.error-handler` / `-404` re-dispatch), an empty
 * body for redirects and `OPTIONS`, a dropped connection for a rewrite loop.
 */
import type { HttpResponse } from '../http1/response.js';
import { normaliseTarget } from '../request/normalize.js';
import { setEnv } from '../request/context.js';
import { beginPass, routeRequest, type RouteResult } from '../request/router.js';
import type { RequestRun } from './request-run.js';
import { sendEmpty, sendErrorDocument } from './response.js';

/** Whether `finish` has nothing left to do (a module answered): the common case needs no promise. */
export function isAnswered(run: RequestRun, res: HttpResponse, result: RouteResult): boolean {
  return result.kind === 'handled' && run.bodyError === 0 && (res.headersSent || res.writableEnded);
}

/** Answers according to `result` (see the file header). */
export async function finish(run: RequestRun, res: HttpResponse, result: RouteResult): Promise<void> {
  const { app, req } = run;
  if (result.kind === 'drop') {
    app.log('response.ts', `request dropped: ${result.reason}`);
    req.raw.io.destroy();
    return;
  }
  if (res.headersSent || res.writableEnded) return;
  let status = run.bodyError !== 0 ? run.bodyError : result.kind === 'status' ? result.status : (req.status ?? 0);
  if (status === 0) {
    // 'handled' without writing and without a status: the module forgot to answer
    app.log('response.ts', `no module answered ${req.method} ${req.target}`);
    status = 500;
  }
  // lighttpd: CONNECT that nobody handles is 405 and the connection closes (http_status_set_error_close)
  if (status === 405 && req.method === 'CONNECT') res.shouldKeepAlive = false;
  if (status >= 400) {
    const core = run.pass.core;
    const handler = core.errorHandler !== '' ? core.errorHandler : (status === 403 || status === 404) && core.errorHandler404 !== '' ? core.errorHandler404 : '';
    if (handler !== '' && !run.redispatched && !handler.startsWith('/') && run.bodyError === 0) {
      // lighttpd parses the handler as the new request target, and one without a leading '/' is a bad
      // request: server.error-handler-404 answers that 400; server.error-handler restores the original
      // status, but its request reset has dropped what the modules prepared for the response (setenv)
      run.redispatched = true;
      if (core.errorHandler === '') status = 400;
      else run.hooksPass = null;
    } else if (handler !== '' && !run.redispatched && run.bodyError === 0) {
      run.redispatched = true;
      const keepStatus = core.errorHandler !== '';
      const n = normaliseTarget(handler, app.pipeline.url);
      if (n) {
        setEnv(req, 'REDIRECT_STATUS', String(status));
        req.method = 'GET';
        req.target = n.target;
        req.path = n.path;
        req.query = n.query;
        delete req.status;
        delete req.handler;
        delete req.physicalPath;
        delete req.fileStat;
        delete req.pathInfo;
        delete req.basedir;
        if (keepStatus) run.forcedStatus = status;
        const again = await routeRequest(req, res, app.pipeline);
        run.pass = beginPass(req, app.pipeline);
        if (again.kind === 'handled' && (res.headersSent || res.writableEnded || (req.status ?? 0) < 400)) {
          if (!res.headersSent && !res.writableEnded) await finish(run, res, again);
          return;
        }
        if (again.kind === 'status' && again.status < 400) return finish(run, res, again);
        run.forcedStatus = 0;
      }
    }
    await sendErrorDocument(res, status, run.pass.core.errorfilePrefix);
    return;
  }
  const extra: Record<string, string> = {};
  if (result.kind === 'status' && result.location) extra.Location = result.location;
  if (result.kind === 'status' && result.allow) extra.Allow = result.allow;
  sendEmpty(res, status, extra);
}
