/**
 * `include` and `include_shell` (config-language.md §7): path resolution against the *main* file's
 * directory, POSIX glob with braces (sorted bytewise), and running a shell command whose stdout is
 * config text. Each file is parsed on its own (a block cannot span files) and evaluated into the
 * current block.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { braceExpand, minimatch } from 'minimatch';
import { parseConfigText } from '../../grammar/index.js';
import type { SourceLoc } from '../diagnostics.js';
import type { EvalContext } from './eval-context.js';
import { Evaluator, type IncludeReader } from './evaluate.js';

/** lighttpd's read limit for one config file. */
export const MAX_CONFIG_BYTES = 32 * 1024 * 1024;
/** Include nesting deeper than this is treated as a loop (lighttpd has no guard and crashes). */
export const MAX_INCLUDE_DEPTH = 64;

const GLOB_MAGIC = /[*?[]/;

function byBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** The include path as lighttpd builds it: basedir + path unless the path is absolute or ./ ../ relative. */
export function includePath(basedir: string, p: string): string {
  if (basedir === '' || /^(\/|\\|\.\/|\.\\|\.\.\/|\.\.\\)/.test(p)) return p;
  return basedir.endsWith('/') ? basedir + p : `${basedir}/${p}`;
}

function exists(cwd: string, p: string): boolean {
  try {
    statSync(path.resolve(cwd, p));
    return true;
  } catch {
    return false;
  }
}

function isDir(cwd: string, p: string): boolean {
  try {
    return statSync(path.resolve(cwd, p)).isDirectory();
  } catch {
    return false;
  }
}

/** POSIX glob() of one brace-free pattern: names as glob returns them, sorted bytewise. */
function globOne(pattern: string, cwd: string): string[] {
  const parts = pattern.split('/');
  let bases: string[] = [pattern.startsWith('/') ? '/' : ''];
  if (pattern.startsWith('/')) parts.shift();
  for (const [i, part] of parts.entries()) {
    const last = i === parts.length - 1;
    const next: string[] = [];
    for (const base of bases) {
      const join = (name: string): string => (base === '' ? name : base.endsWith('/') ? base + name : `${base}/${name}`);
      if (!GLOB_MAGIC.test(part)) {
        const p = join(part);
        if (last ? exists(cwd, p) : part === '' || isDir(cwd, p)) next.push(p);
        continue;
      }
      let names: string[];
      try {
        names = readdirSync(path.resolve(cwd, base === '' ? '.' : base));
      } catch {
        continue;
      }
      for (const name of names.sort(byBytes)) {
        if (minimatch(name, part, { dot: false }) && (last || isDir(cwd, join(name)))) next.push(join(name));
      }
    }
    bases = next;
  }
  return bases.sort(byBytes);
}

/** glob() with GLOB_BRACE: each brace alternative in order, each sorted bytewise. */
export function globInclude(pattern: string, cwd: string): string[] {
  const alternatives = pattern.includes('{') ? braceExpand(pattern) : [pattern];
  return alternatives.flatMap((p) => globOne(p, cwd));
}

/** The shell lighttpd uses for include_shell: $SHELL unless unset or /bin/false, else /bin/sh. */
export function includeShell(env: Readonly<Record<string, string | undefined>>): string {
  const sh = env.SHELL;
  return sh === undefined || sh === '' || sh === '/bin/false' || sh === '/usr/bin/false' ? '/bin/sh' : sh;
}

/** Parses one file's (or command output's) text and evaluates it into the current block. */
export function evaluateText(ctx: EvalContext, reader: IncludeReader, text: Uint8Array, file: string, chain: readonly SourceLoc[]): void {
  const parsed = parseConfigText(text, file);
  const saved = ctx.frame;
  ctx.frame = { file, includeChain: chain };
  try {
    for (const d of parsed.diagnostics) ctx.report(d.severity, d.code, d.message, d.loc);
    if (parsed.cst) new Evaluator(ctx, reader).evaluateFile(parsed.cst);
  } finally {
    ctx.frame = saved;
  }
}

/** The IncludeReader backed by the real file system and /bin/sh. */
export const fileIncludeReader: IncludeReader = {
  include(ctx, p, at) {
    const env = ctx.environment;
    const full = includePath(env.basedir, p);
    if (ctx.includeDepth >= MAX_INCLUDE_DEPTH) {
      ctx.report('error', 'TSW_CONFIG_INCLUDE_LOOP', `includes are nested more than ${MAX_INCLUDE_DEPTH} deep (does a file include itself?)`, at);
      return;
    }
    const files = globInclude(full, env.cwd);
    if (files.length === 0) {
      if (!/[*?[\]{}]/.test(full)) ctx.report('error', 'TSW_CONFIG_INCLUDE_NOT_FOUND', `include file not found: ${full}`, at);
      return;
    }
    const chain = [at, ...ctx.frame.includeChain];
    for (const f of files) {
      let bytes: Uint8Array;
      try {
        bytes = readFileSync(path.resolve(env.cwd, f));
      } catch (e) {
        const reason = e instanceof Error && 'code' in e && e.code === 'EISDIR' ? 'it is a directory' : e instanceof Error ? e.message : String(e);
        ctx.report('error', 'TSW_CONFIG_INCLUDE_UNREADABLE', `cannot read included file ${f}: ${reason}`, at);
        return;
      }
      if (bytes.length > MAX_CONFIG_BYTES) {
        ctx.report('error', 'TSW_CONFIG_TOO_LARGE', `included file ${f} is larger than 32 MiB`, at);
        return;
      }
      ctx.includeDepth++;
      try {
        evaluateText(ctx, fileIncludeReader, bytes, f, chain);
      } finally {
        ctx.includeDepth--;
      }
    }
  },
  includeShell(ctx, command, at) {
    const env = ctx.environment;
    // lighttpd stops reading at its first error, so it would never run a command after one
    if (ctx.hasErrors) return;
    if (ctx.includeDepth >= MAX_INCLUDE_DEPTH) {
      ctx.report('error', 'TSW_CONFIG_INCLUDE_LOOP', `includes are nested more than ${MAX_INCLUDE_DEPTH} deep (does a command include itself?)`, at);
      return;
    }
    const cwd = env.basedir === '' ? env.cwd : path.resolve(env.cwd, env.basedir);
    const childEnv: Record<string, string> = {};
    for (const [k, v] of Object.entries(env.env)) if (v !== undefined) childEnv[k] = v;
    // lighttpd: stdin and stderr are inherited, stdout is read completely and parsed
    const r = spawnSync(includeShell(env.env), ['-c', command], {
      cwd, env: childEnv, stdio: ['inherit', 'pipe', 'inherit'], maxBuffer: MAX_CONFIG_BYTES,
    });
    if (r.error) {
      ctx.report('error', 'TSW_CONFIG_INCLUDE_SHELL', `include_shell "${command}" could not run: ${r.error.message}`, at);
      return;
    }
    if (r.status !== 0) {
      const how = r.status === null ? `was killed by ${r.signal ?? 'a signal'}` : `exited with status ${r.status}`;
      ctx.report('error', 'TSW_CONFIG_INCLUDE_SHELL', `include_shell command "${command}" ${how}`, at);
      return;
    }
    ctx.includeDepth++;
    try {
      evaluateText(ctx, fileIncludeReader, r.stdout, command, [at, ...ctx.frame.includeChain]);
    } finally {
      ctx.includeDepth--;
    }
  },
};
