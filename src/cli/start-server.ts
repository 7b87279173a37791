/**
 * Hands an accepted config to the server (src/main.ts).
 *
 * main.ts is imported lazily through a path computed at run time, so this file compiles and the CLI's
 * other modes work without it (and `-v`/`-p` do not load the HTTP stack). Contract with main.ts:
 * `runServer(tree, opts)` resolves to the exit status once the server stopped (the CLI entry, with signal
 * handling); failing that, `startServer(tree, opts)` resolves to a running server with a `stopped`
 * promise. A throw is reported as one line and exit status 255.
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

function exported(mod: unknown, name: string): StartFn | undefined {
  if (typeof mod !== 'object' || mod === null || !(name in mod)) return undefined;
  const fn: unknown = (mod as Record<string, unknown>)[name];
  return typeof fn === 'function' ? (fn as StartFn) : undefined;
}

/** Imports main.js next to this CLI and runs the server until it stops. */
export async function startServerLazily(tree: ConfigTree, opts: ServerStartOptions): Promise<StartOutcome> {
  const url = new URL('../main.js', import.meta.url);
  if (!existsSync(fileURLToPath(url))) {
    return { unavailable: 'the server is not available in this build (src/main.ts is missing); use -p, -t or -tt' };
  }
  const mod: unknown = await import(url.href);
  const start = exported(mod, 'runServer') ?? exported(mod, 'startServer');
  if (start === undefined) {
    return { unavailable: 'the server is not available in this build (src/main.ts exports neither runServer nor startServer)' };
  }
  try {
    const result: unknown = await start(tree, opts);
    if (typeof result === 'number') return { status: result };
    if (typeof result === 'object' && result !== null && 'stopped' in result && result.stopped instanceof Promise) await result.stopped;
    return { status: 0 };
  } catch (e) {
    return { unavailable: `cannot start the server: ${e instanceof Error ? e.message : String(e)}` };
  }
}
