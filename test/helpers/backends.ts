/**
 * Real backends for tunnel tests: TCP and unix-socket servers on loopback / a temp dir, each
 * connection handled by a callback (echo by default). Every socket is tracked so close() is clean.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A running backend server. */
export interface TestBackend {
  /** Port (TCP) or 0. */
  readonly port: number;
  /** Socket path (unix) or ''. */
  readonly path: string;
  /** Sockets accepted so far. */
  readonly accepted: net.Socket[];
  /** Sockets still open. */
  readonly open: Set<net.Socket>;
  close(): Promise<void>;
}

/** Per-connection behaviour; the default echoes. */
export type OnConnection = (sock: net.Socket) => void;

const echo: OnConnection = (sock) => sock.pipe(sock);

async function serve(listen: (s: net.Server) => void, onConn: OnConnection, cleanup: () => void): Promise<TestBackend & { server: net.Server }> {
  const accepted: net.Socket[] = [];
  const open = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    accepted.push(sock);
    open.add(sock);
    sock.on('error', () => sock.destroy());
    sock.on('close', () => open.delete(sock));
    onConn(sock);
  });
  await new Promise<void>((resolve) => {
    server.once('listening', resolve);
    listen(server);
  });
  const addr = server.address();
  return {
    server,
    port: typeof addr === 'object' && addr ? addr.port : 0,
    path: typeof addr === 'string' ? addr : '',
    accepted,
    open,
    async close() {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      cleanup();
    },
  };
}

/** A TCP backend on 127.0.0.1, port 0. */
export function tcpBackend(onConn: OnConnection = echo): Promise<TestBackend> {
  return serve((s) => s.listen(0, '127.0.0.1'), onConn, () => undefined);
}

/** A unix-socket backend in a fresh temp dir. */
export function unixBackend(onConn: OnConnection = echo): Promise<TestBackend> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsw-unix-'));
  return serve((s) => s.listen(path.join(dir, 'backend.sock')), onConn, () => rmSync(dir, { recursive: true, force: true }));
}

/** A TCP port on 127.0.0.1 where nothing listens (bound, then released). */
export async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** A fresh temp directory removed by the returned cleanup. */
export function tempDir(prefix = 'tsw-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
