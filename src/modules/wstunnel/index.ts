/**
 * mod_wstunnel: a WebSocket endpoint that tunnels the payload bytes to a plain stream backend
 * (lighttpd src/mod_wstunnel.c; behaviour in wstunnel.md, backends in backends.md).
 *
 * Keys: wstunnel.server, wstunnel.balance, wstunnel.debug, wstunnel.map-extensions,
 * wstunnel.frame-type, wstunnel.origins, wstunnel.ping-interval; reads server.max-read-idle.
 *
 * Order of a handshake (wstunnel.md §4.1): claim (GET, HTTP/1.1, Upgrade/Connection tokens, a
 * matching `wstunnel.server` key) → Sec-WebSocket-Version → origins → connect the backend with
 * failover (503 when all are down) → Sec-WebSocket-Key → 101 from `ws` → bridge.
 *
 * Known differences (docs/compat.md): sub-protocols follow lighttpd ≥ 1.4.77 (never unrequested),
 * base64 really encodes, no hybi-00, 2-byte close codes, refused upgrades close the connection,
 * traffic either way (and pongs) keeps a tunnel from being idle.
 */
import { logToStderr } from '../../log.js';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { DiagnosticSink } from '../../diagnostics.js';
import type { Module, ModuleEnv, Outcome } from '../module.js';
import type { RequestCtx } from '../../request/context.js';
import { BackendRegistry } from '../../backend/registry.js';
import { acquireBackend, type BackendLease } from '../../backend/lease.js';
import type { Clock } from '../../backend/pool.js';
import { compileWstunnel, WSTUNNEL_DEFAULTS, WSTUNNEL_KEYS, type WstunnelConf } from './config.js';
import { checkOrigin, checkVersion, isWebSocketUpgrade, negotiateSubprotocol, writeHttpError } from './handshake.js';
import { bridge, type Tunnel } from './bridge.js';

export type { WstunnelConf } from './config.js';

/** Largest client message `ws` reassembles (lighttpd streams frames; docs/compat.md). */
const MAX_CLIENT_MESSAGE = 256 * 1024 * 1024;
const KEY_RE = /^[+/0-9A-Za-z]{22}==$/;
/** At shutdown, how long tunnels get to finish their closing handshake. */
const SHUTDOWN_WAIT_MS = 1000;

/** Options for a module instance (one per server instance). */
export interface WstunnelModuleOptions {
  /** Error-log writer, one line per call (default: stderr with a timestamp). */
  readonly log?: (line: string) => void;
  readonly clock?: Clock;
  /** Environment for spawned backends (default: process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** mod_wstunnel with its own backend registry and tunnel list. */
export interface WstunnelModule extends Module<WstunnelConf> {
  readonly registry: BackendRegistry;
  /** Tunnels currently open. */
  readonly tunnelCount: number;
  init(env: ModuleEnv): void;
  start(report: DiagnosticSink): Promise<void>;
  close(): Promise<void>;
}

/** Creates mod_wstunnel. */
export function createWstunnelModule(opts: WstunnelModuleOptions = {}): WstunnelModule {
  let writeLog = opts.log ?? logToStderr;
  const log = (m: string): void => writeLog(`wstunnel: ${m}`);
  const registry = new BackendRegistry({ log, ...(opts.clock ? { clock: opts.clock } : {}), ...(opts.env ? { env: opts.env } : {}) });
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    clientTracking: false,
    skipUTF8Validation: true,
    maxPayload: MAX_CLIENT_MESSAGE,
  });
  const tunnels = new Set<Tunnel>();
  let closing = false;

  async function onUpgrade(req: RequestCtx, socket: Duplex, head: Buffer, conf: WstunnelConf): Promise<Outcome> {
    if (!conf.server || closing) return 'continue';
    const raw = req.raw;
    if (!isWebSocketUpgrade(req.method, raw.httpVersion, raw.headers)) return 'continue';
    const ext = conf.server.match(req.path, conf.mapExtensions);
    if (!ext) return 'continue';
    const target = req.query === '' ? req.path : `${req.path}?${req.query}`;
    // one line per event; before a backend is chosen the line names the wstunnel.server key
    let where = `${target} (wstunnel.server "${ext.key}")`;
    const debug = (level: number, m: string): void => {
      if (conf.debug >= level) log(`${m}: ${where}`);
    };
    socket.on('error', (e: Error) => debug(1, `client socket error ${e.message}`));

    const version = checkVersion(headerText(raw.headers['sec-websocket-version']));
    if (!version.ok) {
      debug(1, version.log);
      writeHttpError(socket, 400, { 'Sec-WebSocket-Version': '13' });
      return 'handled';
    }
    debug(3, `WebSocket Version = ${version.version}`);
    if (conf.origins.length === 0) debug(3, 'allowed origins not specified');
    const refused = checkOrigin(conf.origins, raw.headers);
    if (refused) {
      debug(refused.level, refused.log);
      writeHttpError(socket, refused.status);
      return 'handled';
    }

    const lease = await acquireBackend(registry, ext, conf.balance, {
      path: req.path,
      authority: req.host,
      remoteAddr: req.remoteAddr,
      target,
      debug: conf.debug,
    });
    if (!lease) {
      writeHttpError(socket, 503);
      return 'handled';
    }
    lease.socket.on('error', () => undefined); // the bridge reports backend errors once it runs
    where = `${target} → ${lease.proc.name}`;
    if (socket.destroyed || closing) {
      dropLease(lease);
      socket.destroy();
      return 'handled';
    }
    const key = headerText(raw.headers['sec-websocket-key']);
    if (key === undefined || !KEY_RE.test(key)) {
      debug(1, 'Sec-WebSocket-Key is invalid');
      dropLease(lease);
      writeHttpError(socket, 400);
      return 'handled';
    }

    const negotiated = negotiateSubprotocol(raw.headers['sec-websocket-protocol'], conf.frameType);
    // ws checks these itself; hand it the normalised form of what we already accepted
    raw.headers.upgrade = 'websocket';
    raw.headers['sec-websocket-version'] = '13';
    if (negotiated.protocol === null) delete raw.headers['sec-websocket-protocol'];
    else raw.headers['sec-websocket-protocol'] = negotiated.protocol;

    let upgraded = false;
    socket.once('close', () => {
      if (!upgraded) dropLease(lease);
    });
    debug(4, 'send handshake response');
    wss.handleUpgrade(raw, socket, head, (ws: WebSocket) => {
      upgraded = true;
      const tunnel = bridge(ws, lease.socket, {
        encoding: negotiated.encoding,
        pingInterval: conf.pingInterval,
        maxReadIdle: conf.maxReadIdle,
        readTimeout: lease.host.spec.readTimeout,
        writeTimeout: lease.host.spec.writeTimeout,
        debug: conf.debug,
        backendName: lease.proc.name,
        log,
        onClosed: () => {
          tunnels.delete(tunnel);
          lease.release();
        },
      });
      tunnels.add(tunnel);
      if (closing) tunnel.shutdown();
    });
    return 'handled';
  }

  return {
    name: 'mod_wstunnel',
    keys: WSTUNNEL_KEYS,
    defaults: WSTUNNEL_DEFAULTS,
    registry,
    get tunnelCount(): number {
      return tunnels.size;
    },
    compile: (values, report) => compileWstunnel(values, report, registry),
    init(env): void {
      // the server's error log (server.errorlog or stderr) once it exists
      if (!opts.log) writeLog = (line) => env.log(line);
    },
    onUpgrade: async (req, socket, head, conf) => {
      try {
        return await onUpgrade(req, socket, head, conf);
      } catch (err) {
        log(`internal error: ${err instanceof Error ? err.message : String(err)}`);
        writeHttpError(socket, 500);
        return 'handled';
      }
    },
    async start(report: DiagnosticSink): Promise<void> {
      for (const d of await registry.start()) report.report(d);
    },
    async close(): Promise<void> {
      closing = true;
      const open = [...tunnels];
      for (const t of open) t.shutdown();
      // clients usually answer the CLOSE at once; a stop does not wait long for those that do not
      const timer = new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_WAIT_MS).unref());
      await Promise.race([Promise.all(open.map((t) => t.closed)), timer]);
      for (const t of open) t.terminate();
      await registry.close();
      wss.close();
    },
  };
}

function dropLease(lease: BackendLease): void {
  lease.socket.destroy();
  lease.release();
}

function headerText(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
