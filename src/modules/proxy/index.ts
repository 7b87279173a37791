/**
 * mod_proxy: an HTTP/1.1 reverse proxy with WebSocket (Upgrade) pass-through
 * (lighttpd src/mod_proxy.c; behaviour in proxy.md, backends in backends.md).
 *
 * Keys: proxy.server, proxy.balance, proxy.debug, proxy.map-extensions, proxy.forwarded,
 * proxy.header ("upgrade", "connect", "force-http10", "https-remap", "map-urlpath",
 * "map-host-request", "map-host-response"), proxy.replace-http-host.
 *
 * Flow: uri-clean claims a request whose path matches a `proxy.server` key; the handler connects a
 * backend through the shared layer (balancing, failover, disable-time; 503 when none is left), sends
 * the rewritten head and streams the body; the response is filtered and streamed back. With
 * "upgrade" enabled an Upgrade request is answered on the raw socket and a 101 becomes a byte relay.
 *
 * Backend connections of ordinary requests are kept alive and reused (src/backend/keepalive.ts);
 * lighttpd opens one per request. Upgrade and CONNECT tunnels always get their own.
 *
 * Known differences (docs/compat.md): backend keep-alive; bodies are streamed both ways instead of
 * being collected first (a small chunked request body is still collected, so the backend gets a
 * Content-Length); a 101 on a request without Upgrade is a 502; a response cut short closes the client
 * connection.
 */
import { logToStderr } from '../../log.js';
import type { HttpResponse } from '../../http1/response.js';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { DiagnosticSink } from '../../diagnostics.js';
import type { Module, Outcome } from '../module.js';
import type { RequestCtx } from '../../request/context.js';
import { BackendRegistry } from '../../backend/registry.js';
import { acquireBackend } from '../../backend/lease.js';
import { KeepAlivePool } from '../../backend/keepalive.js';
import type { BackendExtension, Clock } from '../../backend/pool.js';
import { compileProxy, headerOptsOf, PROXY_DEFAULTS, PROXY_KEYS, type ProxyConf } from './config.js';
import { declaredLength, prebuffer } from './client-head.js';
import { forwardRequest, isReplayable, type BodySource, type ForwardOpts } from './forward.js';
import { HostTimeouts } from './host-timeouts.js';
import { forwardUpgrade } from './upgrade.js';
import { relayConnect } from './connect.js';
import { RelayTraffic } from './relay-traffic.js';
import type { ProxyLease } from './lease.js';

export type { ProxyConf } from './config.js';

const NAME = 'mod_proxy';

/** Options for a module instance (one per server instance). */
export interface ProxyModuleOptions {
  /** Error-log writer, one line per call (default: stderr with a timestamp). */
  readonly log?: (line: string) => void;
  readonly clock?: Clock;
}

/** mod_proxy with its own backend registry. */
export interface ProxyModule extends Module<ProxyConf> {
  readonly registry: BackendRegistry;
  start(report: DiagnosticSink): Promise<void>;
  close(): Promise<void>;
}

/** Creates mod_proxy. */
export function createProxyModule(opts: ProxyModuleOptions = {}): ProxyModule {
  let writeLog = opts.log ?? logToStderr;
  const log = (m: string): void => writeLog(`proxy: ${m}`);
  const registry = new BackendRegistry({ log, ...(opts.clock ? { clock: opts.clock } : {}) });
  // each backend socket's BackendConn keeps its listeners while idle and closes it if the backend talks
  const idle = new KeepAlivePool({ ownerWatches: true, ...(opts.clock ? { clock: opts.clock } : {}) });
  const timeouts = new HostTimeouts();
  /** Backend sockets of ordinary requests (forward.ts adds and removes them). */
  const active = new Set<Socket>();
  /** Backend sockets of Upgrade and CONNECT tunnels. */
  const tunnels = new Set<Duplex>();
  /** The traffic of the tunnels running (a stop marks them cut, accesslog `%X`). */
  const relays = new Set<RelayTraffic>();
  let closing = false;

  function extensionOf(req: RequestCtx, conf: ProxyConf): BackendExtension | null {
    if (!conf.server || closing) return null;
    if (req.handler !== undefined && req.handler !== NAME) return null;
    return conf.server.match(req.path, conf.mapExtensions);
  }

  function forwardOpts(conf: ProxyConf): ForwardOpts {
    return { header: headerOptsOf(conf), forwarded: conf.forwarded, replaceHttpHost: conf.replaceHttpHost, debug: conf.debug, log };
  }

  /** A backend for the request; `reuse`: an idle kept-alive connection may serve it. */
  async function lease(req: RequestCtx, ext: BackendExtension, conf: ProxyConf, reuse: boolean): Promise<ProxyLease | null> {
    const l = await acquireBackend(
      registry,
      ext,
      conf.balance,
      {
        path: req.path,
        authority: req.host,
        remoteAddr: req.remoteAddr,
        target: req.query === '' ? req.path : `${req.path}?${req.query}`,
        debug: conf.debug,
      },
      { idle: reuse ? idle : null },
    );
    if (l && conf.debug >= 2 && conf.replaceHttpHost) log(`proxy - using "${l.host.spec.label}" as HTTP Host`);
    return l;
  }

  /** A backend of its own for a tunnel (Upgrade, CONNECT), closed at shutdown. */
  async function tunnelLease(req: RequestCtx, ext: BackendExtension, conf: ProxyConf): Promise<ProxyLease | null> {
    const l = await lease(req, ext, conf, false);
    if (l) {
      tunnels.add(l.socket);
      l.socket.once('close', () => tunnels.delete(l.socket));
    }
    return l;
  }

  async function onRequest(req: RequestCtx, res: HttpResponse, conf: ProxyConf): Promise<Outcome> {
    const ext = extensionOf(req, conf);
    if (!ext) return 'continue';
    if (req.method === 'CONNECT') {
      // reaches this hook only when "connect" is off (observed: 405)
      req.status = 405;
      return 'handled';
    }
    const raw = req.raw;
    let length = declaredLength(req);
    const pre = length === null ? await prebuffer(raw.body) : { chunks: [], complete: false, length: 0 };
    if (length === null && pre.complete) length = pre.length;
    if (length === null && headerOptsOf(conf).forceHttp10) {
      // lighttpd: HTTP/1.0 to the backend cannot carry a body of unknown length
      req.status = 411;
      return 'handled';
    }
    const body: BodySource = { pre, stream: raw.body, length };
    // a reused connection may turn out closed: only a request that can be sent again may take one
    const l = await lease(req, ext, conf, isReplayable(req.method, body));
    if (!l) {
      req.status = 503;
      return 'handled';
    }
    const env = { timeouts, active, retry: () => lease(req, ext, conf, false) };
    const status = await forwardRequest(req, res, l, body, forwardOpts(conf), env);
    if (status !== null) req.status = status;
    return 'handled';
  }

  async function onUpgrade(req: RequestCtx, head: Buffer, conf: ProxyConf): Promise<Outcome> {
    const ext = extensionOf(req, conf);
    if (!ext) return 'continue';
    const header = headerOptsOf(conf);
    if (req.method === 'CONNECT') {
      if (!header.connect) return 'continue';
    } else if (!header.upgrade) {
      // lighttpd drops the Upgrade header: the request goes on as an ordinary one (onRequest)
      return 'continue';
    }
    // the relays work on a node Duplex
    const socket = req.raw.socket;
    socket.on('error', (e: Error) => {
      if (conf.debug > 0) log(`client socket error: ${e.message}`);
    });
    const l = await tunnelLease(req, ext, conf);
    if (!l) {
      req.status = 503;
      return 'handled';
    }
    if (req.method === 'CONNECT') {
      track(l.socket, relayConnect(req, socket, head, l));
      return 'handled';
    }
    const status = await forwardUpgrade(req, socket, head, l, { ...forwardOpts(conf), timeouts });
    if (status !== null) req.status = status;
    else if (req.rawTraffic instanceof RelayTraffic) track(l.socket, req.rawTraffic);
    return 'handled';
  }

  /** A running tunnel's traffic, until its backend socket closes. */
  function track(backend: Duplex, traffic: RelayTraffic): void {
    if (backend.destroyed) return;
    relays.add(traffic);
    backend.once('close', () => relays.delete(traffic));
  }

  const safe =
    <A extends unknown[]>(fn: (req: RequestCtx, ...rest: A) => Promise<Outcome>) =>
    async (req: RequestCtx, ...rest: A): Promise<Outcome> => {
      try {
        return await fn(req, ...rest);
      } catch (err) {
        log(`internal error for ${req.path}: ${err instanceof Error ? err.message : String(err)}`);
        req.status = 500;
        return 'handled';
      }
    };

  return {
    name: NAME,
    keys: PROXY_KEYS,
    defaults: PROXY_DEFAULTS,
    registry,
    compile: (values, report) => compileProxy(values, report, registry),
    init(env): void {
      if (!opts.log) writeLog = (line) => env.log(line);
    },
    onUriClean: (req, _res, conf) => {
      // lighttpd: a gateway claims the request in uri-clean when a proxy.server key matches
      if (req.handler === undefined && extensionOf(req, conf)) req.handler = NAME;
      return 'continue';
    },
    onRequest: safe(onRequest),
    onUpgrade: safe(onUpgrade),
    async start(report: DiagnosticSink): Promise<void> {
      for (const d of await registry.start()) report.report(d);
    },
    async close(): Promise<void> {
      closing = true;
      idle.closeAll();
      timeouts.close();
      for (const s of active) s.destroy();
      // lighttpd logs a tunnel its stop cuts as aborted
      for (const t of relays) t.aborted = true;
      for (const s of tunnels) s.destroy();
      await registry.close();
    },
  };
}
