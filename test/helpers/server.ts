/**
 * Starting the real server in-process on 127.0.0.1 port 0 for integration tests, from config text.
 * The config text goes through the real reader (loadConfig).
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { TestContext } from 'node:test';
import type { ConfigTree } from '../../src/config/tree.js';
import { loadConfig } from '../../src/config/load.js';
import { startServer, type RunningServer, type StartOptions } from '../../src/main.js';
import { BUILTIN_MODULES, type ModuleFactory } from '../../src/modules/registry.js';
import { freePort } from './lighttpd.js';

/** Reads config text with the real reader (throws on a config error). */
export function configFromText(text: string, dir: string): ConfigTree {
  const file = join(dir, 'lighttpd.conf');
  writeFileSync(file, text);
  const real = loadConfig({ file, cwd: dir });
  if (real.tree) return real.tree;
  throw new Error(`config error: ${real.diagnostics.map((d) => d.message).join('; ')}`);
}

/** A temporary directory removed after the test. */
export function tempDir(t: TestContext, prefix = 'tsw-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes files (path → content) under a directory. */
export function writeFiles(root: string, files: Readonly<Record<string, string>>): void {
  for (const [p, content] of Object.entries(files)) {
    const full = join(root, p);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
}

/** A started test server. */
export interface TestServer {
  readonly server: RunningServer;
  /** Port of the first listener. */
  readonly port: number;
  /** `http://127.0.0.1:<port>`. */
  readonly base: string;
  /** Document root (`<dir>/www`). */
  readonly docroot: string;
  readonly dir: string;
  /** Everything the error log wrote to "stderr" so far. */
  stderr(): string;
}

/** Options for a test server. */
export interface TestServerOptions {
  /** Extra modules by name (added to the builtin registry). */
  readonly modules?: Readonly<Record<string, ModuleFactory>>;
  /** Files under the document root. */
  readonly files?: Readonly<Record<string, string>>;
  readonly start?: Partial<StartOptions>;
}

/**
 * Starts a server from config text. `@DOCROOT@`, `@DIR@` and `@FREEPORT@` (one free port) are replaced. The text should
 * set `server.port = 0` and `server.bind = "127.0.0.1"` (added when missing).
 */
export async function startTestServer(t: TestContext, text: string, o: TestServerOptions = {}): Promise<TestServer> {
  const dir = tempDir(t);
  const docroot = join(dir, 'www');
  mkdirSync(docroot, { recursive: true });
  writeFiles(docroot, o.files ?? {});
  let conf = text.replaceAll('@DOCROOT@', docroot).replaceAll('@DIR@', dir);
  if (conf.includes('@FREEPORT@')) conf = conf.replaceAll('@FREEPORT@', String(await freePort()));
  if (!/server\.port\s*=/.test(conf)) conf = `server.port = 0\n${conf}`;
  if (!/server\.bind\s*=/.test(conf)) conf = `server.bind = "127.0.0.1"\n${conf}`;
  if (!/server\.document-root\s*=/.test(conf)) conf = `server.document-root = "${docroot}"\n${conf}`;
  const tree = configFromText(conf, dir);
  const registry = new Map(BUILTIN_MODULES);
  for (const [k, f] of Object.entries(o.modules ?? {})) registry.set(k, f);
  const err = new PassThrough();
  let log = '';
  err.on('data', (d: Buffer) => (log += d.toString()));
  const server = await startServer(tree, { foreground: true, stderr: err, registry, ...o.start });
  t.after(() => server.close());
  const port = server.listeners[0]?.port ?? 0;
  return { server, port, base: `http://127.0.0.1:${port}`, docroot, dir, stderr: () => log };
}
