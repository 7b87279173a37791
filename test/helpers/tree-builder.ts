/**
 * Builds ConfigTrees by hand, for tests of what consumes a tree (printer, key checks) without the reader.
 */
import type { CondField, CondOp, ConfigArrayItem, ConfigBlock, ConfigTree, ConfigValue } from '../../src/config/tree.js';

export const str = (value: string): ConfigValue => ({ type: 'string', value });
export const int = (value: number): ConfigValue => ({ type: 'integer', value });
/** An array; `[key, value]` pairs are keyed elements. */
export const arr = (...items: (ConfigValue | [string, ConfigValue])[]): ConfigValue => ({
  type: 'array',
  items: items.map((it): ConfigArrayItem => (Array.isArray(it) ? { key: it[0], value: it[1] } : { key: null, value: it })),
});

export class TreeBuilder {
  readonly blocks: ConfigBlock[] = [];
  readonly global: ConfigBlock;

  /** The global block starts with var.CWD and var.PID, as lighttpd's does. */
  constructor(cwd = '/home/user/t', pid = 4242) {
    this.global = this.#make(null, null, false);
    this.set(this.global, 'var.CWD', str(cwd));
    this.set(this.global, 'var.PID', int(pid));
  }

  #make(parent: ConfigBlock | null, text: string | null, isPlainElse: boolean): ConfigBlock {
    const b: ConfigBlock = {
      id: this.blocks.length,
      parent,
      children: [],
      condition:
        text === null
          ? null
          : { object: 'HTTP', tag: 'url', field: 'url' as CondField, op: '==' as CondOp, value: '', text, regex: null },
      isPlainElse,
      elsePrev: null,
      elseNext: null,
      entries: [],
    };
    this.blocks.push(b);
    parent?.children.push(b);
    return b;
  }

  /** A condition block printed as `text`, e.g. `$HTTP["url"] == "/a"`. */
  cond(parent: ConfigBlock, text: string): ConfigBlock {
    return this.#make(parent, text, false);
  }

  /** A chain member after `prev`; `text` null is a plain else. */
  orElse(prev: ConfigBlock, text: string | null): ConfigBlock {
    const b = this.#make(prev.parent, text ?? 'negated', text === null);
    b.elsePrev = prev;
    prev.elseNext = b;
    return b;
  }

  set(block: ConfigBlock, key: string, value: ConfigValue): this {
    block.entries.push({ key, value, loc: { file: 'test.conf', line: block.entries.length + 1, column: 1 } });
    return this;
  }

  tree(): ConfigTree {
    return { blocks: this.blocks, global: this.global, file: 'test.conf' };
  }
}
