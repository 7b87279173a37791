/**
 * The evaluated config: a tree of numbered blocks, each holding an ordered key → value list.
 *
 * This is what lighttpd's parser builds (config-language.md §1 step 3, §6): variables are already
 * substituted, `+`/`+=`/`:=` applied, includes merged. It is still request-independent; the request
 * layer decides per request which blocks match, and modules compile each block's values once.
 *
 * Strings are JavaScript strings decoded from the file's bytes as UTF-8 (lighttpd treats them as raw
 * bytes; `-p` pads by byte length, so the printer uses `Buffer.byteLength`).
 */
import type { SourceLoc } from '../diagnostics.js';

/** A config value: lighttpd has exactly three types (there is no boolean; "enable" is a string). */
export type ConfigValue = ConfigString | ConfigInteger | ConfigArray;

/** A string value, arbitrary text (only `\"` was an escape in the source). */
export interface ConfigString {
  readonly type: 'string';
  readonly value: string;
  readonly loc?: SourceLoc;
}

/** A 32-bit signed integer (lighttpd wraps on overflow). */
export interface ConfigInteger {
  readonly type: 'integer';
  readonly value: number;
  readonly loc?: SourceLoc;
}

/** An array: an ordered list whose elements may carry a key (`"k" => v`). Keys compare ASCII case-insensitively. */
export interface ConfigArray {
  readonly type: 'array';
  readonly items: readonly ConfigArrayItem[];
  readonly loc?: SourceLoc;
}

/** One array element; `key` is null for list elements, and may be `""` (a valid key). */
export interface ConfigArrayItem {
  readonly key: string | null;
  readonly value: ConfigValue;
}

/** One stored key of a block, spelled as the statement that last stored it (`=`, `:=` or `+=`). */
export interface ConfigEntry {
  readonly key: string;
  readonly value: ConfigValue;
  /** Where the statement that last stored it is. */
  readonly loc?: SourceLoc;
}

/** Condition operators; `!^` and `!$` only occur as the negation stored for a plain `else`. */
export type CondOp = '==' | '!=' | '=~' | '!~' | '=^' | '!^' | '=$' | '!$';

/**
 * The condition fields lighttpd 1.4.69 accepts (config-language.md §6.3), normalised:
 * `remoteip` → `remote-ip`, `query-string` → `querystring`. `header` is `$REQUEST_HEADER["Name"]`.
 */
export type CondField =
  | 'url'
  | 'host'
  | 'remote-ip'
  | 'scheme'
  | 'request-method'
  | 'querystring'
  | 'useragent'
  | 'user-agent'
  | 'referer'
  | 'cookie'
  | 'language'
  | 'header'
  | 'socket';

/** A block's condition after regex simplification (config-language.md §6.4). */
export interface Condition {
  /** `HTTP`, `SERVER` or `REQUEST_HEADER`, as written. */
  readonly object: string;
  /** The tag as written: `url`, `remoteip`, `User-Agent`, … */
  readonly tag: string;
  readonly field: CondField;
  readonly op: CondOp;
  /**
   * The (possibly simplified) operand: for `=~ "^/ws/"` this is `/ws/` with op `=^`. Hosts and sockets are
   * normalised; a query-string value is URL-normalised when url-normalize is on (query-conditions.ts).
   */
  readonly value: string;
  /** Exactly as `-p` prints it: `$HTTP["url"] =^ "/ws/"`. */
  readonly text: string;
  /** Compiled pattern for `=~` / `!~` (null otherwise). */
  readonly regex: RegExp | null;
  readonly loc?: SourceLoc;
}

/** One block: block 0 is global; condition blocks are numbered in creation order. */
export interface ConfigBlock {
  readonly id: number;
  /** The block this one was written in (lexical parent); null for global. */
  readonly parent: ConfigBlock | null;
  /** Child blocks in creation order (else-chain members are children of the same parent). */
  readonly children: ConfigBlock[];
  /** Null for the global block. For a plain `else`, the negated condition of the previous chain member. */
  readonly condition: Condition | null;
  /** True for a plain `else { }` (prints as `else`). */
  readonly isPlainElse: boolean;
  /** Previous member of the else chain, if this block follows an `else`. */
  elsePrev: ConfigBlock | null;
  /** Next member of the else chain. */
  elseNext: ConfigBlock | null;
  /** Keys in stored order. */
  readonly entries: ConfigEntry[];
  readonly loc?: SourceLoc;
}

/** The whole config: every block, indexed by block number (blocks[0] is global). */
export interface ConfigTree {
  readonly blocks: readonly ConfigBlock[];
  readonly global: ConfigBlock;
  /** The main config file as given with `-f` (`-` for stdin). */
  readonly file: string;
}

/** Finds an entry of one block by key, ASCII case-insensitively (lighttpd compares keys that way). */
export function findEntry(block: ConfigBlock, key: string): ConfigEntry | undefined {
  return block.entries.find((e) => asciiEqualsIgnoreCase(e.key, key));
}

/** Lower-cases A–Z only, as lighttpd's key comparisons do. */
export function asciiLower(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
  }
  return s; // the common case (keys are mostly lower case): no regex, no allocation
}

/** ASCII case-insensitive equality without allocating (lighttpd's key comparison). */
export function asciiEqualsIgnoreCase(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 65 && x <= 90) x += 32;
    if (y >= 65 && y <= 90) y += 32;
    if (x !== y) return false;
  }
  return true;
}
