/**
 * Real backends for mod_proxy tests: a Node HTTP app (TCP port 0 or a unix socket) that records what it
 * receives and answers by path, a raw TCP server that answers with fixed bytes (garbage, resets), and
 * a `ws` WebSocket echo app.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

/** One request as the backend saw it. */
export interface Recorded {
  readonly method: string;
  readonly url: string;
  readonly httpVersion: string;
  /** name, value, … in arrival order and spelling. */
  readonly rawHeaders: readonly string[];
  readonly bodyBytes: number;
}

/** A running backend. */
export interface Backend {
  /** TCP port (0 for unix-socket backends). */
  readonly port: number;
  readonly path: string | null;
  readonly requests: Recorded[];
  close(): Promise<void>;
}

function query(url: string): URLSearchParams {
  const q = url.indexOf('?');
  return new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
}

/** Streams `total` bytes to `res` with backpressure. */
function streamBytes(res: http.ServerResponse, total: number): void {
  const block = Buffer.alloc(64 * 1024, 0x61);
  let sent = 0;
  const pump = (): void => {
    while (sent < total) {
      const n = Math.min(block.length, total - sent);
      sent += n;
      if (!res.write(n === block.length ? block : block.subarray(0, n))) {
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  pump();
}

/**
 * Paths: `/big?bytes=N[&cl=1]` N bytes (chunked, or with Content-Length), `/chunked` three chunks,
 * `/status?code=N`, `/headers?h=Name:Value&h=…` adds response headers, `/204`, anything else: the
 * recorded request as JSON. Every request body is consumed and counted.
 */
function handle(requests: Recorded[]) {
  return (req: http.IncomingMessage, res: http.ServerResponse): void => {
    let bodyBytes = 0;
    req.on('data', (c: Buffer) => {
      bodyBytes += c.length;
    });
    req.on('end', () => {
      const rec: Recorded = { method: req.method ?? '', url: req.url ?? '', httpVersion: req.httpVersion, rawHeaders: req.rawHeaders, bodyBytes };
      requests.push(rec);
      const url = req.url ?? '/';
      const q = query(url);
      const path = url.split('?')[0] ?? '/';
      for (const h of q.getAll('h')) {
        const c = h.indexOf(':');
        res.appendHeader(h.slice(0, c), h.slice(c + 1));
      }
      if (path.endsWith('/big')) {
        const total = Number(q.get('bytes') ?? '0');
        if (q.get('cl') === '1') res.setHeader('Content-Length', total);
        streamBytes(res, total);
      } else if (path.endsWith('/chunked')) {
        res.write('hello ');
        res.write('chunked ');
        res.end('world');
      } else if (path.endsWith('/204')) {
        res.writeHead(204).end();
      } else {
        res.statusCode = Number(q.get('code') ?? '200');
        if (!res.hasHeader('content-type')) res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify(rec));
      }
    });
  };
}

/** Starts the recording HTTP app on 127.0.0.1 port 0, or on a unix socket when `socketPath` is given. */
export async function startHttpBackend(socketPath?: string): Promise<Backend> {
  const requests: Recorded[] = [];
  const server = http.createServer(handle(requests));
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => {
    if (socketPath) server.listen(socketPath, resolve);
    else server.listen(0, '127.0.0.1', resolve);
  });
  const port = socketPath ? 0 : (server.address() as AddressInfo).port;
  return {
    port,
    path: socketPath ?? null,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A TCP server that reads the request head, then runs `answer` on the socket (raw bytes, resets …). */
export async function startRawBackend(answer: (socket: net.Socket, head: string) => void): Promise<Backend> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buf = '';
    const onData = (c: Buffer): void => {
      buf += c.toString('latin1');
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      answer(socket, buf.slice(0, end));
    };
    socket.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    path: null,
    requests: [],
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A `ws` echo server (text stays text, binary stays binary) on 127.0.0.1 port 0. */
export async function startWsBackend(): Promise<Backend & { readonly upgrades: Recorded[] }> {
  const upgrades: Recorded[] = [];
  const server = http.createServer((req, res) => {
    res.setHeader('Content-Type', 'text/plain');
    res.end('not a websocket request\n');
  });
  const wss = new WebSocketServer({ server });
  wss.on('headers', (_h, req) => {
    upgrades.push({ method: req.method ?? '', url: req.url ?? '', httpVersion: req.httpVersion, rawHeaders: req.rawHeaders, bodyBytes: 0 });
  });
  wss.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    path: null,
    requests: upgrades,
    upgrades,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Header value from a recorded rawHeaders list (first match, case-insensitive). */
export function rawHeader(rec: Recorded, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (let i = 0; i + 1 < rec.rawHeaders.length; i += 2) {
    if (rec.rawHeaders[i]?.toLowerCase() === lower) return rec.rawHeaders[i + 1];
  }
  return undefined;
}
