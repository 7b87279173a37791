/**
 * Listening sockets: one engine server (src/http1/) per `server.bind`/`server.port` and per distinct
 * `$SERVER["socket"] == "…"` (http-core.md §7.1). IPv6 sockets are v6-only unless `server.v4mapped`
 * says otherwise (ipv6-listen.ts), so `0.0.0.0:80` and `[::]:80` coexist as in lighttpd. A host name is
 * looked up for the family lighttpd would use (bind-address.ts). A socket that cannot be bound is a StartupError
 * with lighttpd's message, never a stack trace.
 */
import { connect, type ListenOptions } from 'node:net';
import { lstatSync, unlinkSync } from 'node:fs';
import type { Http1Handler } from '../http1/handler.js';
import { Http1Server, type ListenerHandover } from '../http1/server.js';
import type { ListenSpec } from './server-config.js';
import { handleBodyError, handleRequest, handleUpgrade, type App } from './handle.js';
import { StartupError } from './startup-error.js';
import { tlsAccept, type ListenerTls } from './tls-accept.js';
import { listenerPreface } from './accept-preface.js';
import { strerror } from '../strerror.js';
import { resolveBindAddress } from './bind-address.js';

/** A bound listener. */
export interface BoundListener {
  readonly spec: ListenSpec;
  readonly server: Http1Server;
  /** The bound address (for port 0: the port the kernel chose). */
  readonly address: string;
  readonly port: number;
}

function errCode(e: unknown): string {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : 'EIO';
}

/**
 * Creates the engine server for one listener: `tls` are its secure contexts when it is a TLS listener,
 * `adopt` a predecessor's listening socket.
 */
export function createListenerServer(spec: ListenSpec, app: App, tls: ListenerTls | null = null, adopt?: ListenerHandover): Http1Server {
  const core = app.pipeline.core.base;
  const conn = { serverSocket: spec.token };
  const preface = listenerPreface(app.pipeline.modules, spec);
  const handler: Http1Handler = {
    request: (req, res) => handleRequest(app, conn, req, res),
    upgrade: (req, res, head, control) => void handleUpgrade(app, conn, req, res, head, control),
    bodyError: (req, res, error) => handleBodyError(app, req, res, error),
  };
  return new Http1Server(
    {
      maxHeadSize: app.server.maxRequestFieldSize,
      headerStrict: app.server.headerStrict,
      readIdle: core.maxReadIdle,
      keepAliveIdle: core.maxKeepAliveIdle,
      writeIdle: core.maxWriteIdle,
      connections: app.connections,
      waitQueue: Math.min(spec.backlog, app.server.waitRoom),
      log: app.log,
      ...(tls ? { secure: tlsAccept(tls, app.log) } : {}),
      ...(preface ? { preface } : {}),
    },
    handler,
    adopt,
  );
}

/** How `spec` listens: its unix socket path, or its host name resolved (bind-address.ts). */
async function listenOptions(spec: ListenSpec): Promise<ListenOptions> {
  if (spec.path !== null) return { path: spec.path, backlog: spec.backlog };
  const addr = await resolveBindAddress(spec);
  return { host: addr.host, port: spec.port, ipv6Only: addr.ipv6Only, backlog: spec.backlog, exclusive: true };
}

function listenOnce(engine: Http1Server, where: ListenOptions): Promise<void> {
  const server = engine.net;
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => {
      server.off('listening', onListening);
      reject(e);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(where);
  });
}

/** Whether a unix socket path is a stale socket nobody listens on. */
function isStaleSocket(path: string): Promise<boolean> {
  try {
    if (!lstatSync(path).isSocket()) return Promise.resolve(false);
  } catch {
    return Promise.resolve(false);
  }
  return new Promise((resolve) => {
    const c = connect({ path });
    c.once('connect', () => {
      c.destroy();
      resolve(false);
    });
    c.once('error', () => resolve(true));
  });
}

/** Binds one listener; throws StartupError with lighttpd's wording. */
export async function bindListener(spec: ListenSpec, app: App, tls: ListenerTls | null = null): Promise<BoundListener> {
  // a host name is looked up first, as lighttpd does before socket() (a failure is its own StartupError)
  const where = await listenOptions(spec);
  const server = createListenerServer(spec, app, tls);
  try {
    await listenOnce(server, where);
  } catch (e) {
    if (spec.path !== null && errCode(e) === 'EADDRINUSE' && (await isStaleSocket(spec.path))) {
      unlinkSync(spec.path);
      await listenOnce(server, where).catch((e2: unknown) => {
        throw bindError(spec, e2);
      });
    } else {
      throw bindError(spec, e);
    }
  }
  return bound(spec, server);
}

function bound(spec: ListenSpec, server: Http1Server): BoundListener {
  const addr = server.net.address();
  if (addr === null || typeof addr === 'string') return { spec, server, address: spec.path ?? '', port: 0 };
  return { spec, server, address: addr.address, port: addr.port };
}

/** Serves `spec` on a listening socket a predecessor handed over (graceful restart): nothing is bound. */
export function adoptListener(spec: ListenSpec, app: App, handover: ListenerHandover, tls: ListenerTls | null = null): BoundListener {
  return bound(spec, createListenerServer(spec, app, tls, handover));
}

/**
 * The key under which a listening socket passes from one generation to the next: two configs that
 * declare the same socket the same way share it (anything else is closed and bound anew).
 */
export function listenerKey(spec: ListenSpec): string {
  return JSON.stringify([spec.token, spec.host, spec.port, spec.path, spec.ipv6Only]);
}

function bindError(spec: ListenSpec, e: unknown): StartupError {
  const code = errCode(e);
  const text = strerror(code) ?? (e instanceof Error ? e.message : String(e));
  return new StartupError('TSW_LISTEN', `can't bind to socket: ${spec.token}: ${text}`, 'network.c.537');
}
