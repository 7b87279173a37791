/**
 * Runs mod_wstunnel inside the real server for tests: the given keys are written out as
 * lighttpd.conf text (with server.modules, a loopback port-0 bind and a temp document root), read by
 * the real config reader and served by startServer. The module instance is created here so tests can
 * read its log lines, registry and tunnel count.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { loadConfig } from '../../src/config/load.js';
import { startServer, type RunningServer } from '../../src/main.js';
import { BUILTIN_MODULES } from '../../src/modules/registry.js';
import { createWstunnelModule, type WstunnelModule, type WstunnelModuleOptions } from '../../src/modules/wstunnel/index.js';
import { Pairs, type Literal } from './config-values.js';

/** A running test server. */
export interface TunnelServer {
  readonly port: number;
  readonly url: string;
  readonly module: WstunnelModule;
  readonly server: RunningServer;
  /** Every log line the module wrote. */
  readonly logs: string[];
  /** The config text that was served. */
  readonly configText: string;
  close(): Promise<void>;
}

function quote(s: string): string {
  return `"${s.replaceAll('"', '\\"')}"`;
}

/** A literal as lighttpd config syntax. */
export function configSyntax(x: Literal): string {
  if (typeof x === 'string') return quote(x);
  if (typeof x === 'number') return String(x);
  if (x instanceof Pairs) return `( ${x.items.map(([k, v]) => `${quote(k)} => ${configSyntax(v)}`).join(', ')} )`;
  if (Array.isArray(x)) return `( ${(x as readonly Literal[]).map(configSyntax).join(', ')} )`;
  const obj = x as { readonly [key: string]: Literal };
  return `( ${Object.entries(obj)
    .map(([k, v]) => `${quote(k)} => ${configSyntax(v)}`)
    .join(', ')} )`;
}

/** Serves `entries` (global keys) with mod_wstunnel; rejects with the diagnostics on a config or startup error. */
export async function startTunnelServer(entries: Readonly<Record<string, Literal>>, opts: WstunnelModuleOptions = {}): Promise<TunnelServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsw-srv-'));
  const lines = [
    'server.bind = "127.0.0.1"',
    'server.port = 0',
    `server.document-root = ${quote(dir)}`,
    'server.modules = ( "mod_wstunnel" )',
    ...Object.entries(entries).map(([k, v]) => `${k} = ${configSyntax(v)}`),
    '',
  ];
  const configText = lines.join('\n');
  const file = path.join(dir, 'lighttpd.conf');
  writeFileSync(file, configText);
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
  const { tree, diagnostics } = loadConfig({ file, cwd: dir });
  if (!tree) {
    cleanup();
    throw new Error(diagnostics.map((d) => d.message).join('\n'));
  }
  const logs: string[] = [];
  const module = createWstunnelModule({ log: (l) => logs.push(l), ...opts });
  const registry = new Map(BUILTIN_MODULES);
  registry.set('mod_wstunnel', () => module);
  const stderr = new PassThrough();
  stderr.resume();
  let server: RunningServer;
  try {
    server = await startServer(tree, { foreground: true, stderr, registry });
  } catch (e) {
    cleanup();
    throw e;
  }
  const port = server.listeners[0]?.port ?? 0;
  let closed = false;
  return {
    port,
    url: `ws://127.0.0.1:${port}`,
    module,
    server,
    logs,
    configText,
    async close() {
      if (closed) return;
      closed = true;
      await server.close();
      cleanup();
    },
  };
}
