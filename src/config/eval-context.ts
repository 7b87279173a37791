/**
 * The evaluator's state, shared by all files of one read (lighttpd's `config_t` context): the block
 * list and index, the current block and the block stack, the diagnostics, and the file being read.
 */
import type { IToken } from 'chevrotain';
import type { Diagnostic, Severity, SourceLoc } from '../diagnostics.js';
import { asciiLower, type ConfigBlock, type ConfigEntry } from './tree.js';
import { integerValue, stringValue } from './values.js';

/** A ConfigBlock while it is being built (the tree exposes it read-only). */
export type MutableBlock = { -readonly [K in keyof ConfigBlock]: ConfigBlock[K] };

/** The file currently being evaluated and how the reader got there. */
export interface FileFrame {
  /** The name lighttpd uses for it: resolved include path, or the include_shell command. */
  readonly file: string;
  /** The include statements that led here, innermost first. */
  readonly includeChain: readonly SourceLoc[];
}

/** Everything evaluation needs from outside (file system and process access live in include.ts/load.ts). */
export interface EvalEnvironment {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly pid: number;
  /** Directory part of the main file name as given (with its trailing '/'), or ''. */
  readonly basedir: string;
}

/** The shared state of one config read. */
export class EvalContext {
  readonly blocks: MutableBlock[] = [];
  /** Internal block keys (lighttpd's `dc->key`), by block id. */
  readonly blockKeys: string[] = [];
  /** Block lookup by ASCII-lower-cased internal key (lighttpd's `all_configs`). */
  readonly byKey = new Map<string, MutableBlock>();
  readonly global: MutableBlock;
  current: MutableBlock;
  /** lighttpd's `configs_stack`: the blocks to return to. */
  readonly stack: MutableBlock[] = [];
  readonly diagnostics: Diagnostic[] = [];
  /** Keys whose assignment failed: reading them later gives no second error. */
  readonly failedKeys = new Set<string>();
  frame: FileFrame;
  /** How deep the include nesting is (guards against an include loop). */
  includeDepth = 0;

  constructor(
    readonly environment: EvalEnvironment,
    mainFile: string,
  ) {
    this.frame = { file: mainFile, includeChain: [] };
    const global: MutableBlock = {
      id: 0, parent: null, children: [], condition: null, isPlainElse: false, elsePrev: null, elseNext: null, entries: [],
    };
    // lighttpd: var.CWD and var.PID exist before the first line (config-language.md §1 step 2)
    global.entries.push({ key: 'var.CWD', value: stringValue(environment.cwd) }, { key: 'var.PID', value: integerValue(environment.pid) });
    this.global = global;
    this.current = global;
    this.registerBlock(global, 'global');
  }

  /** Adds a block under its internal key; returns its id. */
  registerBlock(block: MutableBlock, key: string): void {
    this.blocks.push(block);
    this.blockKeys[block.id] = key;
    this.byKey.set(asciiLower(key), block);
  }

  /** The internal key of a block. */
  keyOf(block: ConfigBlock): string {
    return this.blockKeys[block.id] ?? '';
  }

  /** Where a token is, in the current file. */
  locOf(tok: IToken): SourceLoc {
    return { file: this.frame.file, line: tok.startLine ?? 1, column: tok.startColumn ?? 1 };
  }

  /** Records a diagnostic at a token (or a location) of the current file. */
  report(severity: Severity, code: string, message: string, at: IToken | SourceLoc | null): void {
    const loc = at === null ? undefined : 'file' in at ? at : this.locOf(at);
    const chain = this.frame.includeChain;
    this.diagnostics.push({
      severity, code, message,
      ...(loc ? { loc } : {}),
      ...(chain.length > 0 ? { includeChain: chain } : {}),
    });
  }

  get hasErrors(): boolean {
    return this.diagnostics.some((d) => d.severity === 'error');
  }

  /** Per block: ASCII-lower-cased key → entry (kept in step with `entries` by the methods below). */
  readonly #index = new WeakMap<ConfigBlock, Map<string, ConfigEntry>>();

  /** Lower-cases A–Z only (fast path for keys that are already lower case). */
  static lower(key: string): string {
    return /[A-Z]/.test(key) ? asciiLower(key) : key;
  }

  #mapOf(block: ConfigBlock): Map<string, ConfigEntry> {
    let map = this.#index.get(block);
    if (map === undefined) {
      map = new Map(block.entries.map((e) => [EvalContext.lower(e.key), e]));
      this.#index.set(block, map);
    }
    return map;
  }

  /** The entry of a key in one block (ASCII case-insensitive). */
  find(block: ConfigBlock, key: string): ConfigEntry | undefined {
    return this.#mapOf(block).get(EvalContext.lower(key));
  }

  /** The position of a key in a block's entries, or -1. */
  indexIn(block: ConfigBlock, key: string): number {
    const e = this.find(block, key);
    return e === undefined ? -1 : block.entries.indexOf(e);
  }

  /** Stores an entry at position `i` (replacing) or at the end (i < 0). */
  store(block: MutableBlock, i: number, entry: ConfigEntry): void {
    const map = this.#mapOf(block);
    if (i >= 0) {
      const old = block.entries[i];
      if (old !== undefined) map.delete(EvalContext.lower(old.key));
      block.entries[i] = entry;
    } else {
      block.entries.push(entry);
    }
    map.set(EvalContext.lower(entry.key), entry);
  }

  /** lighttpd's array_extract_element: removes entry `i`, moving the last entry into its place. */
  extract(block: MutableBlock, i: number): ConfigEntry | undefined {
    const entries = block.entries;
    const e = entries[i];
    if (e === undefined) return undefined;
    const last = entries.pop();
    if (last !== undefined && i < entries.length) entries[i] = last;
    this.#mapOf(block).delete(EvalContext.lower(e.key));
    return e;
  }

  /** lighttpd's variable read: the current block, then its parents up to global; null if not found. */
  lookup(key: string): ConfigEntry | null {
    for (let b: ConfigBlock | null = this.current; b !== null; b = b.parent) {
      const e = this.find(b, key);
      if (e !== undefined) return e;
    }
    return null;
  }

  /**
   * Enters a block (lighttpd's `configparser_push`). Returns false — after reporting — when the
   * current block is the global block entered through `global { }`, where lighttpd refuses any nesting.
   */
  push(block: MutableBlock, at: IToken): boolean {
    if (this.stack.length > 0 && this.current.id === 0) {
      this.report('error', 'TSW_CONFIG_COND_IN_GLOBAL', 'conditions (and nested global blocks) are not allowed inside a global { … } block', at);
      return false;
    }
    this.stack.push(this.current);
    this.current = block;
    return true;
  }

  /** Leaves the current block (lighttpd's `configparser_pop`). */
  pop(): void {
    const prev = this.stack.pop();
    if (prev !== undefined) this.current = prev;
  }
}
