/**
 * Reading a config: the main file (or stdin), includes and include_shell, evaluated into a ConfigTree.
 *
 * This is the one entry point the CLI and the server use: `loadConfig` runs lighttpd's whole read phase
 * (config-language.md §1 steps 1–4: tokenize, parse with lighttpd's error recovery, evaluate eagerly,
 * validate the core keys and compile condition regexes). Module keys are not checked here.
 */
import type { Diagnostic } from '../diagnostics.js';
import type { ConfigTree } from './tree.js';

/** Where and how to read a config. */
export interface LoadOptions {
  /** The path given with `-f` (`-` for stdin); relative paths resolve against `cwd`. */
  readonly file: string;
  /** The process working directory lighttpd would have (`var.CWD`); defaults to process.cwd(). */
  readonly cwd?: string;
  /** The environment for `env.*` and include_shell; defaults to process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The config text when `file` is `-`. */
  readonly stdinText?: string;
  /** The value of `var.PID`; defaults to process.pid. */
  readonly pid?: number;
}

/** The outcome of reading: a tree when there was no error, and every diagnostic (warnings too). */
export interface LoadResult {
  readonly tree: ConfigTree | null;
  readonly diagnostics: readonly Diagnostic[];
}

/** Reads and evaluates a config as lighttpd 1.4.69 does. Never throws for a bad config. */
export function loadConfig(opts: LoadOptions): LoadResult {
  return {
    tree: null,
    diagnostics: [
      { severity: 'error', code: 'TSW_CONFIG_UNIMPLEMENTED', message: `cannot read ${opts.file}: the config reader is not built yet` },
    ],
  };
}
