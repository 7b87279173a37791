/**
 * Builds config values and blocks from JavaScript literals, for tests that compile module keys
 * without going through the config reader: strings → string, numbers → integer, arrays → lists,
 * objects → keyed arrays (insertion order; use `pairs()` for keys that look like numbers).
 */
import type { ConfigBlock, ConfigEntry, ConfigValue } from '../../src/config/tree.js';
import type { BlockValues } from '../../src/modules/module.js';

/** An ordered keyed array, for keys JavaScript objects would reorder. */
export class Pairs {
  readonly items: ReadonlyArray<readonly [string, Literal]>;
  constructor(items: ReadonlyArray<readonly [string, Literal]>) {
    this.items = items;
  }
}

/** A literal that maps onto a ConfigValue. */
export type Literal = string | number | Pairs | readonly Literal[] | { readonly [key: string]: Literal };

/** Ordered keyed array. */
export function pairs(...items: Array<readonly [string, Literal]>): Pairs {
  return new Pairs(items);
}

const LOC = { file: 'test.conf', line: 1, column: 1 };

/** Converts a literal to a ConfigValue (every value located at test.conf:1:1). */
export function lit(x: Literal): ConfigValue {
  if (typeof x === 'string') return { type: 'string', value: x, loc: LOC };
  if (typeof x === 'number') return { type: 'integer', value: x, loc: LOC };
  if (x instanceof Pairs) return { type: 'array', items: x.items.map(([key, v]) => ({ key, value: lit(v) })), loc: LOC };
  if (Array.isArray(x)) return { type: 'array', items: (x as readonly Literal[]).map((v) => ({ key: null, value: lit(v) })), loc: LOC };
  const obj = x as { readonly [key: string]: Literal };
  return { type: 'array', items: Object.entries(obj).map(([key, v]) => ({ key, value: lit(v) })), loc: LOC };
}

/** A global block holding these keys. */
export function makeBlock(entries: Readonly<Record<string, Literal>>): ConfigBlock {
  const list: ConfigEntry[] = Object.entries(entries).map(([key, v]) => ({ key, value: lit(v), loc: LOC }));
  return { id: 0, parent: null, children: [], condition: null, isPlainElse: false, elsePrev: null, elseNext: null, entries: list, loc: LOC };
}

/** The BlockValues a module's compile() receives for the keys it declares. */
export function blockValues(block: ConfigBlock, keys: Readonly<Record<string, unknown>>): BlockValues {
  const entries = new Map<string, ConfigEntry>();
  for (const e of block.entries) {
    const k = e.key.toLowerCase();
    if (k in keys) entries.set(k, e);
  }
  return { block, entries };
}
