/**
 * The core keys lighttpd validates while reading, so `-p` and `-t` already fail on them
 * (config-language.md §10, config-keys-1.4.69.md; configfile.c `config_insert_srvconf`, `config_insert`,
 * configfile-glue.c `config_plugin_values_init`).
 *
 * Two tables, server-wide first: for each, a scope pass (warnings) over all blocks, then a type pass
 * (errors); if the server-wide table fails, the per-connection table is not looked at. Then the
 * global `server.http-parseopts` and `server.stat-cache-engine` checks, and the two rewrites `-p`
 * shows: `mimetype.assign` ".js" → "text/javascript" and `server.tag` newline continuation.
 */
import type { KeySpec, KeyType } from '../modules/module.js';
import { EvalContext, type MutableBlock } from './eval-context.js';
import { CORE_CONNECTION_KEYS, CORE_SERVER_KEYS, type KeyTable } from './key-catalogue.js';
import { findEntry, type ConfigEntry, type ConfigValue } from './tree.js';
import { asBoolean, findItem, parseCLong, stringValue } from './values.js';

const LIST_SHAPES: Partial<Record<KeyType, string>> = {
  'array-of-strings': 'a list of string values like ( "...", "..." )',
  'array-kv-strings': 'a list of key => string values like ( "..." => "...", "..." => "..." )',
  'array-kv-any': 'a list of key => values like ( "..." => "...", "..." => "..." )',
  'array-kv-array': 'a list of key => list like ( "..." => ( "..." => "..." ) )',
};

function typeNameOf(v: ConfigValue): string {
  return v.type === 'array' ? 'a list' : v.type === 'integer' ? `the number ${v.value}` : `the string "${v.value}"`;
}

/** Why a value does not fit a core key's type (lighttpd's rules, configfile-glue.c), or null if it fits. */
export function coreTypeProblem(key: string, spec: KeySpec, v: ConfigValue): string | null {
  switch (spec.type) {
    case 'string':
      return v.type === 'string' ? null : `${key} must be a string like ${key} = "...", not ${typeNameOf(v)}`;
    case 'short': {
      if (v.type === 'integer') return null; // lighttpd keeps the low 16 bits
      const n = v.type === 'string' ? parseCLong(v.value) : null;
      return n !== null && n >= 0 && n <= 65535 ? null : `${key} must be a number from 0 to 65535, not ${typeNameOf(v)}`;
    }
    case 'integer': {
      if (v.type === 'integer') return null;
      const n = v.type === 'string' ? parseCLong(v.value) : null;
      return n !== null && n >= 0 ? null : `${key} must be a number from 0 to 4294967295, not ${typeNameOf(v)}`;
    }
    case 'boolean':
      return asBoolean(v) !== null ? null : `${key} must be "enable" or "disable", not ${typeNameOf(v)}`;
    case 'array':
    case 'array-of-strings':
    case 'array-kv-strings':
    case 'array-kv-any':
    case 'array-kv-array': {
      if (v.type !== 'array') return `${key} must be a list like ${key} = ( "..." ), not ${typeNameOf(v)}`;
      const ok = v.items.every((it) => {
        switch (spec.type) {
          case 'array-of-strings':
            return it.key === null && it.value.type === 'string';
          case 'array-kv-strings':
            return it.key !== null && it.value.type === 'string';
          case 'array-kv-any':
            return it.key !== null;
          case 'array-kv-array':
            return it.key !== null && it.value.type === 'array';
          default:
            return true;
        }
      });
      return ok ? null : `${key} must be ${LIST_SHAPES[spec.type] ?? 'a list'}`;
    }
  }
}

function entryLoc(e: ConfigEntry): ConfigEntry['loc'] {
  return e.value.loc ?? e.loc;
}

/** The entries of a block that belong to a table, in table order (lighttpd checks keys in table order). */
function tableEntries(block: MutableBlock, table: KeyTable, order: ReadonlyMap<string, number>): [string, KeySpec, ConfigEntry][] {
  const found: [number, string, KeySpec, ConfigEntry][] = [];
  for (const e of block.entries) {
    const k = EvalContext.lower(e.key);
    const n = order.get(k);
    if (n === undefined) continue;
    const name = Object.keys(table)[n] ?? k;
    const spec = table[name];
    if (spec !== undefined) found.push([n, name, spec, e]);
  }
  return found.sort((a, b) => a[0] - b[0]).map(([, name, spec, e]) => [name, spec, e]);
}

/** One table: scope warnings over all blocks, then type errors; false if any type error. */
function checkTable(blocks: readonly MutableBlock[], table: KeyTable, ctx: EvalContext): boolean {
  const order = new Map(Object.keys(table).map((k, i) => [EvalContext.lower(k), i]));
  const perBlock = blocks.map((b) => tableEntries(b, table, order));
  for (const [bi, block] of blocks.entries()) {
    if (block.id === 0) continue;
    for (const [key, spec, e] of perBlock[bi] ?? []) {
      const scope = spec.scope ?? 'connection';
      const loc = e.loc ?? null;
      if (scope === 'server') {
        ctx.report('warning', 'TSW_CONFIG_SERVER_KEY_IN_CONDITION', `${key} is a server-wide option: setting it inside a condition is deprecated and has no effect there (lighttpd: do not set server options in conditionals)`, loc);
      } else if (scope === 'socket' && !(block.condition?.field === 'socket' && block.condition.op === '==' && !block.isPlainElse)) {
        ctx.report('warning', 'TSW_CONFIG_SOCKET_KEY_SCOPE', `${key} only works in the global block or inside $SERVER["socket"] == "…"; here it is ignored`, loc);
      }
    }
  }
  let ok = true;
  for (const entries of perBlock) {
    for (const [key, spec, e] of entries) {
      const problem = coreTypeProblem(key, spec, e.value);
      if (problem !== null) {
        ctx.report('error', 'TSW_CONFIG_BAD_VALUE_TYPE', problem, entryLoc(e) ?? null);
        ok = false;
      }
    }
  }
  return ok;
}

const PARSEOPT_URL_KEYS = new Set([
  'url-normalize', 'url-normalize-unreserved', 'url-normalize-required', 'url-ctrls-reject', 'url-path-backslash-trans',
  'url-path-2f-decode', 'url-path-2f-reject', 'url-path-dotseg-remove', 'url-path-dotseg-reject', 'url-query-20-plus',
  'url-invalid-utf8-reject',
]);
const PARSEOPT_OTHER_KEYS = new Set(['header-strict', 'host-strict', 'host-normalize', 'method-get-body']);

/** `server.http-parseopts` in the global block: known keys, boolean values, no conflicting pairs. */
function checkParseopts(global: MutableBlock, ctx: EvalContext): boolean {
  const e = findEntry(global, 'server.http-parseopts');
  if (e === undefined || e.value.type !== 'array') return true;
  const loc = entryLoc(e) ?? null;
  let ok = true;
  const on = new Set<string>();
  for (const item of e.value.items) {
    const k = item.key ?? '';
    const val = asBoolean(item.value);
    if (val === null) {
      const shown = item.value.type === 'string' ? item.value.value : String(item.value.type);
      ctx.report('error', 'TSW_CONFIG_BAD_PARSEOPT', `server.http-parseopts: "${k}" => "${shown}" must be "enable" or "disable"`, item.value.loc ?? loc);
      ok = false;
    }
    if (PARSEOPT_OTHER_KEYS.has(k)) continue;
    if (!PARSEOPT_URL_KEYS.has(k)) {
      ctx.report('error', 'TSW_CONFIG_BAD_PARSEOPT', `server.http-parseopts: unknown option "${k}" (known: ${[...PARSEOPT_URL_KEYS, ...PARSEOPT_OTHER_KEYS].join(', ')})`, item.value.loc ?? loc);
      ok = false;
      continue;
    }
    if (val) on.add(k);
    else {
      on.delete(k);
      if (k === 'url-normalize') {
        // lighttpd: disabling url-normalize switches all URL normalisation off and ignores the rest
        on.clear();
        break;
      }
    }
  }
  for (const [a, b] of [['url-path-2f-decode', 'url-path-2f-reject'], ['url-path-dotseg-remove', 'url-path-dotseg-reject']] as const) {
    if (on.has(a) && on.has(b)) {
      ctx.report('error', 'TSW_CONFIG_BAD_PARSEOPT', `server.http-parseopts: "${a}" and "${b}" cannot both be enabled`, loc);
      ok = false;
    }
  }
  return ok;
}

const STAT_CACHE_ENGINES = new Set(['', 'simple', 'inotify', 'disable', 'none']);

function checkStatCacheEngine(global: MutableBlock, ctx: EvalContext): boolean {
  const e = findEntry(global, 'server.stat-cache-engine');
  if (e === undefined || e.value.type !== 'string' || STAT_CACHE_ENGINES.has(e.value.value)) return true;
  ctx.report('error', 'TSW_CONFIG_BAD_VALUE', `server.stat-cache-engine can be "disable", "simple" or "inotify", not "${e.value.value}"`, entryLoc(e) ?? null);
  return false;
}

/** lighttpd rewrites these while checking the per-connection keys; `-p` prints the result. */
function applyRewrites(blocks: readonly MutableBlock[]): void {
  for (const block of blocks) {
    for (const [i, e] of block.entries.entries()) {
      const k = EvalContext.lower(e.key);
      if (k === 'mimetype.assign' && e.value.type === 'array') {
        const js = findItem(e.value, '.js');
        if (js && js.value.type === 'string' && js.value.value === 'application/javascript') {
          const items = e.value.items.map((it) => (it === js ? { key: it.key, value: stringValue('text/javascript', js.value.loc) } : it));
          block.entries[i] = { ...e, value: { ...e.value, items } };
        }
      } else if (k === 'server.tag' && e.value.type === 'string' && e.value.value !== '') {
        // a header continuation line must start with a blank; a whitespace-only tag becomes empty
        let tag = e.value.value.replace(/\n(?![ \t])/g, '\n ');
        if (/^[ \t\r\n]*$/.test(tag)) tag = '';
        if (tag !== e.value.value) block.entries[i] = { ...e, value: stringValue(tag, e.value.loc) };
      }
    }
  }
}

/** Runs the core key checks over all blocks (scope warnings, type errors, -p-visible rewrites). */
export function checkCoreKeys(blocks: readonly MutableBlock[], ctx: EvalContext): void {
  const global = blocks[0];
  if (global === undefined) return;
  if (!checkTable(blocks, CORE_SERVER_KEYS, ctx)) return;
  const parseoptsOk = checkParseopts(global, ctx);
  const statOk = checkStatCacheEngine(global, ctx);
  if (!parseoptsOk || !statOk) return;
  if (!checkTable(blocks, CORE_CONNECTION_KEYS, ctx)) return;
  applyRewrites(blocks);
}
