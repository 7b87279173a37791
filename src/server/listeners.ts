/**
 * Listening sockets: one node:http server per `server.bind`/`server.port` and per distinct
 * `$SERVER["socket"] == "…"` (http-core.md §7.1). IPv6 `$SERVER["socket"]` sockets are v6-only, so
 * `0.0.0.0:80` and `[::]:80` coexist as in lighttpd. A socket that cannot be bound is a StartupError
 * with lighttpd's message, never a stack trace.
 */
import { createServer, ServerResponse, type IncomingMessage, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { lstatSync, unlinkSync } from 'node:fs';
import type { ListenSpec } from './server-config.js';
import { answerParserError, handleRequest, handleUpgrade, type App } from './handle.js';
import { StartupError } from './startup-error.js';

/** A bound listener. */
export interface BoundListener {
  readonly spec: ListenSpec;
  readonly server: Server;
  /** The bound address (for port 0: the port the kernel chose). */
  readonly address: string;
  readonly port: number;
}

const OS_MESSAGES: Readonly<Record<string, string>> = {
  EADDRINUSE: 'Address already in use',
  EACCES: 'Permission denied',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  ENOTFOUND: 'Name or service not known',
  EAFNOSUPPORT: 'Address family not supported by protocol',
};

function errCode(e: unknown): string {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : 'EIO';
}

/** Maps a node parser error to lighttpd's status (0 = close silently). */
export function statusForParserError(code: string, raw: Buffer | undefined): number {
  const first = raw?.[0];
  if (first !== undefined && first < 0x20 && first !== 0x0d && first !== 0x0a) return 400;
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return 431;
    case 'HPE_INVALID_METHOD': {
      const line = raw?.toString('latin1').split('\n', 1)[0] ?? '';
      return line.startsWith(' ') || line.trim() === '' ? 400 : 501;
    }
    case 'HPE_INVALID_VERSION': {
      const line = (raw?.toString('latin1').split('\n', 1)[0] ?? '').replace(/\r$/, '');
      return / HTTP\/[0-9]\.[0-9]$/.test(line) ? 505 : 400;
    }
    case 'HPE_INVALID_TRANSFER_ENCODING':
      return 501;
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'HPE_HEADERS_TIMEOUT':
    case 'ECONNRESET':
    case 'EPIPE':
      return 0;
    default:
      return 400;
  }
}

/** Creates the node:http server for one listener. */
export function createListenerServer(spec: ListenSpec, app: App): Server {
  const core = app.pipeline.core.base;
  const server = createServer({
    maxHeaderSize: app.server.maxRequestFieldSize,
    requireHostHeader: false,
    keepAliveTimeout: core.maxKeepAliveIdle * 1000,
    headersTimeout: core.maxReadIdle * 1000,
    requestTimeout: 0,
    // lighttpd checks its timeouts once per second; node's default is every 30 s
    connectionsCheckingInterval: 1000,
    insecureHTTPParser: !app.server.headerStrict,
  });
  server.timeout = core.maxWriteIdle * 1000;
  server.maxConnections = app.server.maxConnections;
  const conn = { serverSocket: spec.token, scheme: 'http' as const };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void handleRequest(app, conn, req, res);
  });
  const onRawSocket = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    void handleUpgrade(app, conn, req, socket, head, (r, s) => {
      const res = new ServerResponse(r);
      res.assignSocket(s as Socket);
      return res;
    });
  };
  server.on('upgrade', onRawSocket);
  // CONNECT: no module tunnels it; the router answers 405 like lighttpd without a handler
  server.on('connect', onRawSocket);
  server.on('clientError', (err: Error & { code?: string; rawPacket?: Buffer }, socket: Duplex) => {
    const status = statusForParserError(err.code ?? '', err.rawPacket);
    if (status === 431) app.log('connections.c.686', 'oversized request-header -> sending Status 431');
    const first = err.rawPacket?.[0];
    const remote = (socket as Socket).remoteAddress ?? '';
    if (first === 0x16) app.log('connections.c.714', `unexpected TLS ClientHello on clear port (${remote})`);
    else if (status === 400 && first !== undefined && first < 0x20) app.log('connections.c.714', `invalid request-line -> sending Status 400 (${remote})`);
    const pending = (socket as unknown as { _httpMessage?: ServerResponse | null })._httpMessage;
    if (status === 0 || !socket.writable || (pending && pending.headersSent)) {
      socket.destroy();
      return;
    }
    answerParserError(app, conn, socket as Socket, status, err.rawPacket);
  });
  return server;
}

function listenOnce(server: Server, spec: ListenSpec): Promise<void> {
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
    if (spec.path !== null) server.listen({ path: spec.path, backlog: spec.backlog });
    else server.listen({ host: spec.host, port: spec.port, ipv6Only: spec.ipv6Only, backlog: spec.backlog, exclusive: true });
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
export async function bindListener(spec: ListenSpec, app: App): Promise<BoundListener> {
  const server = createListenerServer(spec, app);
  try {
    await listenOnce(server, spec);
  } catch (e) {
    if (spec.path !== null && errCode(e) === 'EADDRINUSE' && (await isStaleSocket(spec.path))) {
      unlinkSync(spec.path);
      await listenOnce(server, spec).catch((e2: unknown) => {
        throw bindError(spec, e2);
      });
    } else {
      throw bindError(spec, e);
    }
  }
  const addr = server.address();
  if (addr === null || typeof addr === 'string') return { spec, server, address: spec.path ?? '', port: 0 };
  return { spec, server, address: addr.address, port: addr.port };
}

function bindError(spec: ListenSpec, e: unknown): StartupError {
  const code = errCode(e);
  const text = OS_MESSAGES[code] ?? (e instanceof Error ? e.message : String(e));
  return new StartupError('TSW_LISTEN', `can't bind to socket: ${spec.token}: ${text}`, 'network.c.537');
}
