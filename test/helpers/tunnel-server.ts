/**
 * A tiny node:http server that runs mod_wstunnel directly (compile → start → onUpgrade), for tests
 * of the module on its own. Listens on 127.0.0.1 port 0.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DiagnosticList, formatDiagnostic } from '../../src/diagnostics.js';
import { createWstunnelModule, type WstunnelConf, type WstunnelModule, type WstunnelModuleOptions } from '../../src/modules/wstunnel/index.js';
import { blockValues, makeBlock, type Literal } from './config-values.js';
import { requestCtx } from './request-ctx.js';

/** A running test server. */
export interface TunnelServer {
  readonly port: number;
  readonly url: string;
  readonly module: WstunnelModule;
  readonly conf: WstunnelConf;
  /** Every log line the module wrote. */
  readonly logs: string[];
  readonly diagnostics: DiagnosticList;
  close(): Promise<void>;
}

/** Compiles `entries` as one global block, starts backends, listens. Throws on config errors. */
export async function startTunnelServer(entries: Readonly<Record<string, Literal>>, opts: WstunnelModuleOptions = {}): Promise<TunnelServer> {
  const logs: string[] = [];
  const module = createWstunnelModule({ log: (l) => logs.push(l), ...opts });
  const diagnostics = new DiagnosticList();
  const block = makeBlock(entries);
  const partial = module.compile(blockValues(block, module.keys), diagnostics);
  if (diagnostics.hasErrors) throw new Error(diagnostics.items.map(formatDiagnostic).join('\n'));
  await module.start(diagnostics);
  if (diagnostics.hasErrors) {
    await module.close();
    throw new Error(diagnostics.items.map(formatDiagnostic).join('\n'));
  }
  const conf: WstunnelConf = { ...module.defaults, ...partial };
  const server = http.createServer((_req, res) => {
    res.statusCode = 404;
    res.end('not found\n');
  });
  server.on('upgrade', (req: http.IncomingMessage, socket, head: Buffer) => {
    void Promise.resolve(module.onUpgrade?.(requestCtx(req), socket, head, conf)).then((outcome) => {
      if (outcome === 'continue') socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  let closed = false;
  return {
    port,
    url: `ws://127.0.0.1:${port}`,
    module,
    conf,
    logs,
    diagnostics,
    async close() {
      if (closed) return;
      closed = true;
      await module.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
