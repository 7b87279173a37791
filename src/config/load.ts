/**
 * Reading a config: the main file (or stdin), includes and include_shell, evaluated into a ConfigTree.
 *
 * This is the one entry point the CLI and the server use: `loadConfig` runs lighttpd's whole read phase
 * (config-language.md §1 steps 1–4: tokenize, parse with lighttpd's error recovery, evaluate eagerly,
 * validate the core keys and compile condition regexes). Module keys are not checked here.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import { checkCoreKeys } from './core-keys.js';
import { EvalContext } from './eval-context.js';
import { evaluateText, fileIncludeReader, MAX_CONFIG_BYTES } from './include.js';
import type { ConfigTree } from './tree.js';
import { convertCaptureConditions } from './capture-conditions.js';
import { finishQueryConditions } from './query-conditions.js';

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

function readMain(file: string, cwd: string, stdinText: string | undefined): Uint8Array | Diagnostic {
  if (file === '-') return new TextEncoder().encode(stdinText ?? '');
  try {
    const bytes = readFileSync(path.resolve(cwd, file));
    if (bytes.length > MAX_CONFIG_BYTES) {
      return { severity: 'error', code: 'TSW_CONFIG_TOO_LARGE', message: `config file ${file} is larger than 32 MiB` };
    }
    return bytes;
  } catch (e) {
    const reason = e instanceof Error && 'code' in e && e.code === 'ENOENT' ? 'no such file' : e instanceof Error && 'code' in e && e.code === 'EISDIR' ? 'it is a directory' : e instanceof Error ? e.message : String(e);
    return { severity: 'error', code: 'TSW_CONFIG_UNREADABLE', message: `cannot open config file ${file}: ${reason}` };
  }
}

function loadUnguarded(opts: LoadOptions): LoadResult {
  const cwd = opts.cwd ?? process.cwd();
  const slash = opts.file === '-' ? -1 : opts.file.lastIndexOf('/');
  const basedir = slash >= 0 ? opts.file.slice(0, slash + 1) : '';
  const ctx = new EvalContext({ env: opts.env ?? process.env, cwd, pid: opts.pid ?? process.pid, basedir }, opts.file);
  const main = readMain(opts.file, cwd, opts.stdinText);
  if (!(main instanceof Uint8Array)) return { tree: null, diagnostics: [main] };
  if (main.length > 0) evaluateText(ctx, fileIncludeReader, main, opts.file, []);
  if (!ctx.hasErrors) checkCoreKeys(ctx.blocks, ctx);
  if (!ctx.hasErrors) finishQueryConditions(ctx.blocks, ctx);
  if (!ctx.hasErrors) convertCaptureConditions(ctx.blocks, ctx);
  const tree: ConfigTree = { blocks: ctx.blocks, global: ctx.global, file: opts.file };
  return { tree: ctx.hasErrors ? null : tree, diagnostics: ctx.diagnostics };
}

/** Reads and evaluates a config as lighttpd 1.4.69 does. Never throws for a bad config. */
export function loadConfig(opts: LoadOptions): LoadResult {
  try {
    return loadUnguarded(opts);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    return {
      tree: null,
      diagnostics: [{ severity: 'error', code: 'TSW_CONFIG_INTERNAL', message: `internal error while reading ${opts.file}: ${detail} (please report this)` }],
    };
  }
}
