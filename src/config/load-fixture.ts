/**
 * Test support: writes config files into a fresh temp directory and loads the main one with loadConfig.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, type LoadResult } from './load.js';
import { findEntry, type ConfigBlock, type ConfigValue } from './tree.js';

/** Loads `main` (and any other files) from a temp dir that is removed afterwards. */
export function loadFiles(files: Record<string, string>, main = 'main.conf', env: Record<string, string> = {}): LoadResult & { dir: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'tsw-config-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text);
    }
    return { ...loadConfig({ file: main, cwd: dir, env: { SHELL: '/bin/sh', PATH: '/usr/bin:/bin', ...env }, pid: 77 }), dir };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Loads one config text. */
export function loadText(text: string, env: Record<string, string> = {}): LoadResult {
  return loadFiles({ 'main.conf': text }, 'main.conf', env);
}

/** A value as plain JSON-like data, for deepEqual. */
export function plain(v: ConfigValue | undefined): unknown {
  if (v === undefined) return undefined;
  if (v.type !== 'array') return v.value;
  return v.items.map((it) => (it.key === null ? plain(it.value) : [it.key, plain(it.value)]));
}

/** The value of a key in a block, as plain data. */
export function valueOf(block: ConfigBlock | undefined, key: string): unknown {
  return block ? plain(findEntry(block, key)?.value) : undefined;
}

/** The keys of a block in stored order (without var.CWD / var.PID). */
export function keysOf(block: ConfigBlock | undefined): string[] {
  return (block?.entries ?? []).map((e) => e.key).filter((k) => k !== 'var.CWD' && k !== 'var.PID');
}

/** Error codes of a result. */
export function errorCodes(r: LoadResult): string[] {
  return r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
}
