/**
 * RequestRun: what one request carries from start to end in the core — the context, the pass whose
 * configs the response hooks use, the error-handler state — and the response hooks themselves
 * (response-start modules and `Server`; request-done modules such as mod_accesslog). One object per
 * request, hung on the response, instead of listeners and closures.
 */
import type { HttpResponse, ResponseHooks } from '../http1/response.js';
import type { RequestCtx, RequestDone } from '../request/context.js';
import { confOf, type Pass, type Pipeline } from '../request/router.js';
import type { ServerConf } from './server-config.js';
import type { EngineSocket } from '../http1/engine-socket.js';
import type { ConnectionSlots } from '../http1/connection-slots.js';

/** Shared by every listener of one server. */
export interface App {
  readonly pipeline: Pipeline;
  readonly server: ServerConf;
  /** `server.max-connections`, counted over every listener. */
  readonly connections: ConnectionSlots;
  /** One error-log line. */
  readonly log: (source: string, message: string) => void;
  /** Called when a request starts and ends (idle-exit timer, graceful shutdown). */
  readonly activity: {
    begin(): void;
    end(): void;
    upgraded(socket: EngineSocket): void;
    /** An immediate stop (SIGTERM, close()) began: connections a module took over close without a log line. */
    readonly stoppedNow: boolean;
  };
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

/**
 * The facts of a request whose connection a module took over: its own head's status, and a tunnel's
 * traffic when it reports one (lighttpd: `-` for no bytes out; `%b` without the head).
 */
function rawDoneFacts(req: RequestCtx, status: number): RequestDone {
  const t = req.rawTraffic;
  const out = t === undefined ? 0 : t.bytesOut;
  const head = t === undefined ? 0 : Math.min(t.headBytes, out);
  return {
    status,
    bodyBytes: t === undefined ? 0 : out > 0 ? out - head : -1,
    headerBytes: head,
    bytesIn: req.raw.bytesIn + (t === undefined ? 0 : t.bytesIn),
    connState: t !== undefined && t.aborted ? 'X' : '-',
    responseHeaders: new Map(),
    endTime: performance.timeOrigin + performance.now(),
  };
}

/** One request in the core (see the file header). */
export class RequestRun implements ResponseHooks {
  readonly app: App;
  readonly req: RequestCtx;
  pass: Pass;
  redispatched = false;
  /** Response-start hooks run with this pass (null: parser errors, 413 — lighttpd runs none). */
  hooksPass: Pass | null;
  /** When set, replaces the status the handler writes (server.error-handler keeps the original). */
  forcedStatus = 0;
  /** The body could not be read (400 / 413): this status wins. */
  bodyError = 0;
  /** The request-done hooks ran (or must not: the socket went to a module). */
  finished = false;

  constructor(app: App, req: RequestCtx, pass: Pass, hooksPass: Pass | null) {
    this.app = app;
    this.req = req;
    this.pass = pass;
    this.hooksPass = hooksPass;
  }

  /** Response-start hooks of every module in load order, then the `Server` tag in effect. */
  beforeHead(res: HttpResponse): void {
    if (this.forcedStatus > 0) {
      res.statusCode = this.forcedStatus;
      res.statusMessage = '';
    }
    const pass = this.hooksPass;
    const app = this.app;
    if (pass) {
      for (const cm of app.pipeline.responseStart) {
        try {
          cm.module.onResponseStart?.(this.req, res, confOf(cm, pass));
        } catch (e) {
          app.log('response.ts', `${cm.module.name}: response-start failed: ${(e as Error).message}`);
        }
      }
    }
    res.serverTag = pass?.core.tag ?? app.pipeline.core.base.tag;
  }

  /** Request-done hooks, once. */
  done(res: HttpResponse, aborted: boolean): void {
    if (this.finished) return;
    this.finished = true;
    if (this.app.pipeline.requestDone.length > 0) this.#runDoneHooks(doneFacts(this.req, res, aborted));
    this.app.activity.end();
  }

  /**
   * Request-done hooks for a request whose connection a module took over, when that connection closed:
   * only when the module wrote its own head (RequestCtx.rawStatus).
   */
  doneTaken(): void {
    const status = this.req.rawStatus;
    // lighttpd's immediate stop (SIGTERM) drops open connections without their request-done hooks
    if (status !== undefined && this.app.pipeline.requestDone.length > 0 && !this.app.activity.stoppedNow) this.#runDoneHooks(rawDoneFacts(this.req, status));
  }

  /** The request-done hooks in load order, with the request's facts (built only when there are hooks). */
  #runDoneHooks(facts: RequestDone): void {
    const app = this.app;
    for (const cm of app.pipeline.requestDone) {
      try {
        cm.module.onRequestDone?.(this.req, facts, confOf(cm, this.pass));
      } catch (e) {
        app.log('response.ts', `${cm.module.name}: request-done failed: ${(e as Error).message}`);
      }
    }
  }
}
