/**
 * Effective per-request module config: defaults ⊕ the compiled partials of the matched blocks, in block
 * order (lighttpd: the last matching block wins for each key, values replace, never merge; §2.4).
 *
 * Each module's partials are compiled once at startup; per request only the set of matched blocks that
 * hold the module's keys is computed (lazily, via MatchState), and the merged result is memoised by
 * that set, so a request does no merging after warm-up.
 */
import type { DiagnosticSink } from '../diagnostics.js';
import { asciiLower, type ConfigBlock, type ConfigEntry, type ConfigTree } from '../config/tree.js';
import type { Module } from '../modules/module.js';
import type { MatchState } from './match.js';

/** One non-global block that sets keys of the module, with its compiled values. */
interface BlockPartial<C> {
  readonly block: ConfigBlock;
  readonly partial: Partial<C>;
}

/** A module with its per-block compiled config. */
export interface CompiledModule<C extends object> {
  readonly module: Module<C>;
  /** defaults ⊕ global block. */
  readonly base: Readonly<C>;
  readonly blocks: readonly BlockPartial<C>[];
  /** Merged configs by matched set: a bit mask (up to 30 blocks) or a list of block ids. */
  readonly memo: Map<number | string, Readonly<C>>;
}

/** The entries of a block that belong to the given key table (keys lower-cased). */
export function blockEntriesFor(block: ConfigBlock, keys: Readonly<Record<string, unknown>>): Map<string, ConfigEntry> {
  const found = new Map<string, ConfigEntry>();
  for (const e of block.entries) {
    const k = asciiLower(e.key);
    if (Object.hasOwn(keys, k)) found.set(k, e);
  }
  return found;
}

/** Compiles every block that uses the module's keys (global included) once. */
export function compileModule<C extends object>(module: Module<C>, tree: ConfigTree, report: DiagnosticSink): CompiledModule<C> {
  let base: C = { ...module.defaults };
  const blocks: BlockPartial<C>[] = [];
  for (const block of tree.blocks) {
    const entries = blockEntriesFor(block, module.keys);
    if (entries.size === 0) continue;
    const partial = module.compile({ block, entries }, report);
    if (block === tree.global || block.id === 0) base = { ...base, ...partial };
    else blocks.push({ block, partial });
  }
  return { module, base: Object.freeze(base), blocks, memo: new Map() };
}

/** The module's effective config for this request pass (memoised by the set of matched blocks). */
export function effectiveConfig<C extends object>(cm: CompiledModule<C>, state: MatchState): Readonly<C> {
  const blocks = cm.blocks;
  const n = blocks.length;
  if (n === 0) return cm.base;
  // the matched set as a number (no allocation per request) while it fits; as a string beyond
  let key: number | string = 0;
  if (n <= 30) {
    for (let i = 0; i < n; i++) {
      const bp = blocks[i];
      if (bp !== undefined && state.matches(bp.block)) key |= 1 << i;
    }
    if (key === 0) return cm.base;
  } else {
    key = '';
    for (const bp of blocks) if (state.matches(bp.block)) key += `${bp.block.id},`;
    if (key === '') return cm.base;
  }
  let conf = cm.memo.get(key);
  if (conf === undefined) {
    let merged: C = { ...cm.base };
    for (let i = 0; i < n; i++) {
      const bp = blocks[i];
      const hit = typeof key === 'number' ? (key & (1 << i)) !== 0 : key.split(',').includes(String(bp?.block.id));
      if (bp !== undefined && hit) merged = { ...merged, ...bp.partial };
    }
    conf = Object.freeze(merged);
    cm.memo.set(key, conf);
  }
  return conf;
}
