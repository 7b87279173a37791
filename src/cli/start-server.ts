/**
 * Hands an accepted config to the server (`startServer(tree, opts)` of src/main.ts).
 *
 * main.ts is written separately; it is imported lazily through a path computed at run time so that this
 * file compiles and the CLI's other modes work before it exists. Contract expected from main.ts:
 * `export function startServer(tree: ConfigTree, opts: ServerStartOptions): unknown | Promise<unknown>`;
 * a number it returns (or resolves to) is the exit status; anything else means "running, exit 0 when the
 * event loop empties".
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ConfigTree } from '../config/tree.js';

/** What the command line says about running the server. */
export interface ServerStartOptions {
  /** The `-f` argument (`-` for stdin). */
  readonly configFile: string;
  /** `-D` was given (tswstunnel never daemonizes; recorded for messages). */
  readonly foreground: boolean;
  /** `-i SECS`: stop after this many seconds without connections; 0 = never. */
  readonly idleTimeout: number;
  /** `-m DIR` if given (accepted and ignored: modules are built in). */
  readonly moduleDir: string | null;
}

type StartFn = (tree: ConfigTree, opts: ServerStartOptions) => unknown;

/** The outcome of trying to start: an exit status, or a message saying why the server is not available. */
export type StartOutcome = { readonly status: number } | { readonly unavailable: string };

/** Imports main.js next to this CLI and calls its `startServer`. */
export async function startServerLazily(tree: ConfigTree, opts: ServerStartOptions): Promise<StartOutcome> {
  const url = new URL('../main.js', import.meta.url);
  if (!existsSync(fileURLToPath(url))) {
    return { unavailable: 'the server is not available in this build (src/main.ts is missing); use -p, -t or -tt' };
  }
  const mod: unknown = await import(url.href);
  // runServer: start + signals + wait for the stop, resolving to the exit status (255 on startup errors)
  const run = typeof mod === 'object' && mod !== null && 'runServer' in mod ? mod.runServer : undefined;
  const start = typeof run === 'function' ? run : typeof mod === 'object' && mod !== null && 'startServer' in mod ? mod.startServer : undefined;
  if (typeof start !== 'function') {
    return { unavailable: 'the server is not available in this build (src/main.ts does not export startServer)' };
  }
  const result: unknown = await (start as StartFn)(tree, opts);
  return { status: typeof result === 'number' ? result : 0 };
}
