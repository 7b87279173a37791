/**
 * mod_wstunnel: a WebSocket endpoint that tunnels the payload bytes to a plain stream backend
 * (lighttpd src/mod_wstunnel.c; behaviour in wstunnel.md, backends in backends.md).
 *
 * Keys: wstunnel.server, wstunnel.balance, wstunnel.debug, wstunnel.map-extensions,
 * wstunnel.frame-type, wstunnel.origins, wstunnel.ping-interval; reads the core's server.max-read-idle
 * from the request's core config (req.core).
 *
 * Order of a handshake (wstunnel.md §4.1): claim (GET, HTTP/1.1, Upgrade/Connection tokens, a
 * matching `wstunnel.server` key) → Sec-WebSocket-Version → origins → connect the backend with
 * failover (503 when all are down) → Sec-WebSocket-Key → 101 → tunnel (tunnel.ts). The WebSocket
 * framing is our own (frame-parser.ts, frames.ts): client frames stream to the backend as lighttpd
 * does; `ws` is only the independent client peer in tests.
 *
 * Known differences (docs/compat.md): sub-protocols follow lighttpd ≥ 1.4.77 (never unrequested),
 * base64 really encodes, no hybi-00, 2-byte close codes, refused upgrades close the connection,
 * traffic either way (and pongs) keeps a tunnel from being idle.
 */
import { logToStderr } from '../../log.js';
import type { Duplex } from 'node:stream';
import type { DiagnosticSink } from '../../diagnostics.js';
import type { Module, ModuleEnv, Outcome } from '../module.js';
import type { RequestCtx } from '../../request/context.js';
import { BackendRegistry } from '../../backend/registry.js';
import { acquireConn, type BackendLease } from '../../backend/lease.js';
import { connectStream } from '../../backend/connect.js';
import { takeHandle } from '../../net/take-handle.js';
import type { HandleStream } from '../../net/handle-stream.js';
import type { Socket } from 'node:net';
import { CLIENT_READ_BUFFER, ClientReads } from './client-reads.js';
import type { Clock } from '../../backend/pool.js';
import { compileWstunnel, WSTUNNEL_DEFAULTS, WSTUNNEL_KEYS, type WstunnelConf } from './config.js';
import {
  checkOrigin,
  checkVersion,
  isValidKey,
  isWebSocketUpgrade,
  negotiateSubprotocol,
  switchingHeaders,
  switchingProtocols,
  writeHttpError,
  type Negotiated,
} from './handshake.js';
import { BackendReads, prepareClientSocket, Tunnel } from './tunnel.js';
import { Ticker } from './ticker.js';

export type { WstunnelConf } from './config.js';

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
  const ticker = new Ticker();
  const tunnels = new Set<Tunnel>();
  let closing = false;

  async function onUpgrade(req: RequestCtx, head: Buffer, conf: WstunnelConf): Promise<Outcome> {
    if (!conf.server || closing) return 'continue';
    const headers = req.headers;
    if (!isWebSocketUpgrade(req.method, req.protocol, headers)) return 'continue';
    const ext = conf.server.match(req.path, conf.mapExtensions);
    if (!ext) return 'continue';
    const target = req.query === '' ? req.path : `${req.path}?${req.query}`;
    // one line per event; before a backend is chosen the line names the wstunnel.server key
    const where = (): string => `${target} (wstunnel.server "${ext.key}")`;
    const debug = (level: number, m: string): void => {
      if (conf.debug >= level) log(`${m}: ${where()}`);
    };
    const earlyError = conf.debug >= 1 ? (e: Error): void => debug(1, `client socket error ${e.message}`) : ignoreError;
    // the client as a net.Socket only where one is needed (an error answer, no usable handle): a
    // tunnel takes the connection's handle itself (req.raw.takeStream)
    let made: Duplex | null = null;
    const socket = (): Duplex => {
      if (made === null) {
        made = req.raw.socket;
        made.on('error', earlyError);
      }
      return made;
    };

    const version = checkVersion(headers.get('sec-websocket-version'));
    if (!version.ok) {
      debug(1, version.log);
      refuse(req, socket(), 400, { 'Sec-WebSocket-Version': '13' });
      return 'handled';
    }
    if (conf.debug >= 3) {
      debug(3, `WebSocket Version = ${version.version}`);
      if (conf.origins.length === 0) debug(3, 'allowed origins not specified');
    }
    const refused = checkOrigin(conf.origins, headers);
    if (refused) {
      debug(refused.level, refused.log);
      refuse(req, socket(), refused.status);
      return 'handled';
    }

    const reads = new BackendReads();
    const lease = await acquireConn(
      registry,
      ext,
      conf.balance,
      { path: req.path, authority: req.host, remoteAddr: req.remoteAddr, target, debug: conf.debug },
      (address, timeoutSec) => connectStream(address, timeoutSec, reads),
    );
    if (!lease) {
      refuse(req, socket(), 503);
      return 'handled';
    }
    lease.socket.on('error', ignoreError); // the tunnel reports backend errors once it runs
    const io = req.raw.io;
    if (io.destroyed || closing) {
      dropLease(lease);
      io.destroy();
      return 'handled';
    }
    const key = headers.get('sec-websocket-key');
    if (!isValidKey(key)) {
      if (conf.debug >= 1) log(`Sec-WebSocket-Key is invalid: ${target} → ${lease.proc.name}`);
      dropLease(lease);
      refuse(req, socket(), 400);
      return 'handled';
    }
    const negotiated = negotiateSubprotocol(headers.get('sec-websocket-protocol'), conf.frameType);
    if (conf.debug >= 4) log(`send handshake response: ${target} → ${lease.proc.name}`);
    if (made !== null) socket().off('error', earlyError);
    startTunnel(req, head, key, negotiated, lease, reads, conf);
    return 'handled';
  }

  /**
   * Answers 101 and runs the tunnel (kept apart from onUpgrade so a tunnel does not hold the request).
   * The request's core config gives `server.max-read-idle` and `server.tag`.
   */
  function startTunnel(req: RequestCtx, head: Buffer, key: string, negotiated: Negotiated, lease: Lease, reads: BackendReads, conf: WstunnelConf): void {
    const core = req.core;
    // the client's handle goes to the tunnel as a stream: straight from the engine's raw connection,
    // or out of its net.Socket (which stays as the engine's stand-in) when it can
    const clientReads = new ClientReads();
    const clientRead = { buffer: CLIENT_READ_BUFFER, callback: clientReads.callback };
    let stream = req.raw.takeStream(clientRead);
    let socket: Socket | null = null;
    if (stream === null) {
      socket = req.raw.socket;
      prepareClientSocket(socket);
      stream = takeHandle(socket, clientRead);
    } else {
      stream.setNoDelay(true);
    }
    // with response-start hooks loaded (mod_setenv) the core builds the head: lighttpd adds their headers to the 101
    const rawHead = req.rawResponseHead;
    const response = rawHead ? rawHead(101, switchingHeaders(key, negotiated.protocol), 'upgrade') : switchingProtocols(key, negotiated.protocol, core.tag);
    req.rawStatus = 101;
    // the access log counts the client's bytes from the 101 on (the tunnel is req.rawTraffic)
    const outBase = stream ? stream.bytesWritten : (socket?.bytesWritten ?? 0);
    if (stream) stream.writeLatin1(response);
    else socket?.write(response, 'latin1');
    const spec = lease.host.spec;
    const tunnel: Tunnel = new Tunnel(stream ?? (socket as Socket), stream ? clientReads : null, lease.socket, reads, head, ticker, {
      encoding: negotiated.encoding,
      pingInterval: conf.pingInterval,
      maxReadIdle: core.maxReadIdle,
      readTimeout: spec.readTimeout,
      writeTimeout: spec.writeTimeout,
      debug: conf.debug,
      backendName: lease.proc.name,
      log,
      onClosed: () => {
        tunnels.delete(tunnel);
        lease.release();
      },
      headBytes: response.length,
      outBase,
    });
    req.rawTraffic = tunnel;
    if (tunnel.state === 'closed') return;
    tunnels.add(tunnel);
    if (closing) tunnel.shutdown();
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
    onUpgrade: async (req, head, conf) => {
      try {
        return await onUpgrade(req, head, conf);
      } catch (err) {
        log(`internal error: ${err instanceof Error ? err.message : String(err)}`);
        req.rawStatus = 500;
        writeHttpError(req.raw.socket, 500, req.core.tag);
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
      await Promise.race([Promise.all(open.map((t) => t.whenClosed())), timer]);
      for (const t of open) t.terminate();
      await registry.close();
    },
  };
}

/** A backend connection of a tunnel: a stream handle, or a net.Socket (host names, no usable handles). */
type Lease = BackendLease<HandleStream | Socket>;

function dropLease(lease: Lease): void {
  lease.socket.destroy();
  lease.release();
}

function ignoreError(): void {
  // errors of a socket that is about to be dropped, or before the tunnel listens itself
}

/**
 * Refuses the upgrade with `status` on the raw connection; the access log gets it when the connection
 * closes, with the answer's bytes in `%b` / `%O` as lighttpd counts them.
 */
function refuse(req: RequestCtx, socket: Duplex, status: number, extraHeaders: Readonly<Record<string, string>> = {}): void {
  req.rawStatus = status;
  const sent = writeHttpError(socket, status, req.core.tag, extraHeaders, req.rawResponseHead);
  req.rawTraffic = { bytesIn: 0, bytesOut: sent.total, headBytes: sent.head, aborted: false };
}
