/**
 * A module for core tests: with `probe.tag` set in the effective config it answers 200 in uri-clean (or, for a tag
 * starting with `file:`, in the handler phase after the file check) with a JSON
 * description of the request and the config it saw; `probe.status` makes it answer with that status
 * through the core (error documents); `probe.header` is added at response start.
 */
import type { HttpResponse } from '../../src/http1/response.js';
import type { Module, Outcome } from '../../src/modules/module.js';
import type { RequestCtx, RequestDone } from '../../src/request/context.js';

/** The probe's config. */
export interface ProbeConf {
  readonly tag: string;
  readonly status: number;
  readonly header: string;
  /** Milliseconds to wait before answering in uri-clean. */
  readonly delay: number;
}

/** What a probe response body holds. */
export interface ProbeReply {
  readonly tag: string;
  readonly path: string;
  readonly query: string;
  readonly target: string;
  readonly host: string;
  readonly method: string;
  readonly socket: string;
  readonly remote: string;
  readonly captures: Record<string, readonly string[]>;
  readonly physical: string | null;
}

function reply(req: RequestCtx, res: HttpResponse, conf: ProbeConf): Outcome {
  const r: ProbeReply = {
    tag: conf.tag,
    path: req.path,
    query: req.query,
    target: req.target,
    host: req.host,
    method: req.method,
    socket: req.serverSocket,
    remote: req.remoteAddr,
    captures: Object.fromEntries([...req.captures].map(([k, v]) => [String(k), v])),
    physical: req.physicalPath ?? null,
  };
  const body = JSON.stringify(r);
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.writeHead(200);
  res.end(body);
  return 'handled';
}

/** Creates a probe module; `done` collects request-done calls; `arrived` is called when uri-clean starts. */
export function createProbeModule(done: RequestDone[] = [], arrived?: () => void): Module<ProbeConf> {
  return {
    name: 'mod_probe',
    keys: { 'probe.tag': { type: 'string' }, 'probe.status': { type: 'integer' }, 'probe.header': { type: 'string' }, 'probe.delay': { type: 'integer' } },
    defaults: { tag: '', status: 0, header: '', delay: 0 },
    compile(values) {
      const out: { tag?: string; status?: number; header?: string; delay?: number } = {};
      const tag = values.entries.get('probe.tag');
      if (tag?.value.type === 'string') out.tag = tag.value.value;
      const st = values.entries.get('probe.status');
      if (st?.value.type === 'integer') out.status = st.value.value;
      const h = values.entries.get('probe.header');
      if (h?.value.type === 'string') out.header = h.value.value;
      const d = values.entries.get('probe.delay');
      if (d?.value.type === 'integer') out.delay = d.value.value;
      return out;
    },
    async onUriClean(req: RequestCtx, res: HttpResponse, conf: ProbeConf): Promise<Outcome> {
      arrived?.();
      if (conf.delay > 0) await new Promise((r) => setTimeout(r, conf.delay));
      if (conf.status > 0) {
        req.status = conf.status;
        return 'handled';
      }
      if (conf.tag === '' || conf.tag.startsWith('file:')) return 'continue';
      return reply(req, res, conf);
    },
    onRequest(req: RequestCtx, res: HttpResponse, conf: ProbeConf): Outcome {
      if (!conf.tag.startsWith('file:')) return 'continue';
      return reply(req, res, conf);
    },
    onResponseStart(_req: RequestCtx, res: HttpResponse, conf: ProbeConf): void {
      if (conf.header !== '') res.setHeader('X-Probe', conf.header);
    },
    onRequestDone(_req: RequestCtx, d: RequestDone): void {
      done.push(d);
    },
  };
}
