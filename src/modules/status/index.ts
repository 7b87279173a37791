/**
 * mod_status: `status.status-url`, `status.config-url`, `status.statistics-url`, `status.enable-sort`
 * (lighttpd src/mod_status.c, http-core.md §12.5).
 *
 * At uri-clean, unless a gateway claimed the request, a path equal to one of the URLs is answered here
 * (any method, so it beats static files and rewrites to files): the status page as HTML, `?auto` text
 * or `?json` / `?jsonp=name`; the config page (server tag, loaded modules); the statistics page, which
 * is lighttpd's empty 204 (tswstunnel has no plugin counters to list). Requests are counted at
 * request-done, and only while some block sets a URL (the module costs nothing per request otherwise).
 *
 * Differences (docs/compat.md): the HTML pages are tswstunnel's own (no sortable connection table, so
 * `status.enable-sort` changes nothing), counts are exact at once (lighttpd folds them in once a
 * second), bytes of upgraded connections (tunnels) are not counted, and every open connection shows as
 * `h` on the scoreboard.
 */
import type { HttpResponse } from '../../http1/response.js';
import type { DiagnosticSink } from '../../diagnostics.js';
import type { ConfigEntry } from '../../config/tree.js';
import type { BlockValues, Module, ModuleEnv, Outcome, ServerFacts } from '../module.js';
import type { RequestCtx, RequestDone } from '../../request/context.js';
import { catalogueKeys } from '../../config/key-catalogue.js';
import { currentSecond } from '../../http1/header-block.js';
import { sendBuffer } from '../../http/send-buffer.js';
import { readBoolean } from '../values.js';
import { StatusCounters } from './counters.js';
import { jsonpName, renderAuto, renderConfigHtml, renderJson, renderStatusHtml, type StatusSnapshot } from './pages.js';

/** Effective mod_status settings; a URL of null (unset or blank) answers nothing. */
export interface StatusConf {
  readonly statusUrl: string | null;
  readonly configUrl: string | null;
  readonly statisticsUrl: string | null;
  readonly sort: boolean;
  readonly rangeRequests: boolean;
}

const URL_KEYS = { 'status.status-url': 'statusUrl', 'status.config-url': 'configUrl', 'status.statistics-url': 'statisticsUrl' } as const;

function readUrl(e: ConfigEntry, report: DiagnosticSink): string | null | undefined {
  if (e.value.type === 'string') return e.value.value === '' ? null : e.value.value;
  const loc = e.value.loc ?? e.loc;
  report.report({ severity: 'error', code: 'TSW_CONFIG_BAD_VALUE', message: `${e.key} should have been a string like ... = "..."`, ...(loc ? { loc } : {}) });
  return undefined;
}

function send(req: RequestCtx, res: HttpResponse, conf: StatusConf, type: string, text: string): Outcome {
  const r = sendBuffer(res, { method: req.method, protocol: req.protocol, headers: req.headers, rangeRequests: conf.rangeRequests }, type, Buffer.from(text, 'utf8'));
  if (r !== 'sent') req.status = r;
  return 'handled';
}

/** Creates mod_status. */
export function createStatusModule(): Module<StatusConf> {
  const counters = new StatusCounters();
  let server: ServerFacts | undefined;

  function snapshot(): StatusSnapshot {
    const now = currentSecond();
    const startedAt = Math.floor((server?.startedAt ?? Date.now()) / 1000);
    const busy = server?.connections() ?? 1;
    const avg = counters.average5s(now);
    return {
      requests: counters.requests,
      bytesOut: counters.bytesOut,
      uptime: Math.max(0, now - startedAt),
      startedAt,
      busy,
      idle: Math.max(0, (server?.maxConnections ?? busy) - busy),
      avgRequests: avg.requests,
      avgBytes: avg.bytes,
    };
  }

  function statusPage(req: RequestCtx, res: HttpResponse, conf: StatusConf): Outcome {
    const q = req.query;
    if (q === 'auto') return send(req, res, conf, 'text/plain', renderAuto(snapshot()));
    if (q.startsWith('json')) return send(req, res, conf, 'application/javascript', renderJson(snapshot(), jsonpName(q)));
    const refresh = q.startsWith('refresh=') ? parseInt(q.slice(8), 10) || 0 : 0;
    return send(req, res, conf, 'text/html', renderStatusHtml(snapshot(), req.core.tag, req.host, refresh));
  }

  const mod: Module<StatusConf> = {
    name: 'mod_status',
    keys: { ...catalogueKeys('mod_status'), 'server.range-requests': { type: 'boolean' } },
    defaults: { statusUrl: null, configUrl: null, statisticsUrl: null, sort: true, rangeRequests: true },
    compile(values: BlockValues, report: DiagnosticSink): Partial<StatusConf> {
      const out: { -readonly [K in keyof StatusConf]?: StatusConf[K] } = {};
      for (const [key, prop] of Object.entries(URL_KEYS)) {
        const e = values.entries.get(key);
        const url = e ? readUrl(e, report) : undefined;
        if (url !== undefined) out[prop] = url;
        // counting starts only where some block can show the counts (see the file header)
        if (url) mod.onRequestDone = recordDone;
      }
      const sort = values.entries.get('status.enable-sort');
      const sortValue = sort ? readBoolean(sort, report) : undefined;
      if (sortValue !== undefined) out.sort = sortValue;
      const range = values.entries.get('server.range-requests');
      const rangeValue = range ? readBoolean(range, report) : undefined;
      if (rangeValue !== undefined) out.rangeRequests = rangeValue;
      return out;
    },
    init(env: ModuleEnv): void {
      server = env.server;
    },
    onUriClean(req: RequestCtx, res: HttpResponse, conf: StatusConf): Outcome {
      if (req.handler !== undefined) return 'continue';
      const path = req.path;
      if (path === conf.statusUrl) return statusPage(req, res, conf);
      if (path === conf.configUrl) return send(req, res, conf, 'text/html', renderConfigHtml(req.core.tag, server?.modules ?? []));
      if (path === conf.statisticsUrl) {
        // lighttpd: no plugin statistics to list → 204 with its text/plain type
        res.setHeader('Content-Type', 'text/plain');
        res.writeHead(204);
        res.end();
        return 'handled';
      }
      return 'continue';
    },
  };

  function recordDone(_req: RequestCtx, done: RequestDone): void {
    counters.record(done.headerBytes + Math.max(0, done.bodyBytes), currentSecond());
  }

  return mod;
}
