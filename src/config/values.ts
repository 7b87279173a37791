/**
 * Config values: lighttpd's merge (`+`, `+=`) and the coercions modules use to read them.
 *
 * lighttpd has three value types (string, 32-bit integer, array); there is no boolean, "enable" is a
 * string that the consumer converts (config-language.md §4, §5.5, §10.1).
 */
import { asciiEqualsIgnoreCase, asciiLower, type ConfigArray, type ConfigArrayItem, type ConfigInteger, type ConfigString, type ConfigValue } from './tree.js';
import type { SourceLoc } from '../diagnostics.js';

/** Wraps to a 32-bit signed integer, as lighttpd's `int` does. */
export function wrapInt32(n: number | bigint): number {
  return Number(BigInt.asIntN(32, BigInt(n)));
}

/** A string value at a place. */
export function stringValue(value: string, loc?: SourceLoc): ConfigString {
  return loc ? { type: 'string', value, loc } : { type: 'string', value };
}

/** An integer value at a place (wrapped to 32 bits). */
export function integerValue(value: number, loc?: SourceLoc): ConfigInteger {
  const v = wrapInt32(value);
  return loc ? { type: 'integer', value: v, loc } : { type: 'integer', value: v };
}

/** An array value at a place. */
export function arrayValue(items: readonly ConfigArrayItem[], loc?: SourceLoc): ConfigArray {
  return loc ? { type: 'array', items, loc } : { type: 'array', items };
}

/** Finds an array element by key, ASCII case-insensitively (lighttpd's array lookup). */
export function findItem(arr: ConfigArray, key: string): ConfigArrayItem | undefined {
  return arr.items.find((i) => i.key !== null && asciiEqualsIgnoreCase(i.key, key));
}

/** The result of a merge: a value, or the reason it failed; `duplicates` lists the clashing array keys. */
export type MergeResult =
  | { readonly ok: true; readonly value: ConfigValue; readonly duplicates: readonly string[] }
  | { readonly ok: false; readonly reason: 'type-mismatch' | 'duplicate-key'; readonly duplicates: readonly string[] };

/**
 * `left + right` as lighttpd computes it: string/integer concatenation as text, integer sum with 32-bit
 * wrap, array append where a key that already exists on the left is skipped when both values are equal
 * scalars and otherwise fails (each clash is reported by lighttpd as `Duplicate array-key`).
 */
export function mergeValues(left: ConfigValue, right: ConfigValue): MergeResult {
  const loc = left.loc;
  if (left.type === 'string' && right.type === 'string') return { ok: true, value: stringValue(left.value + right.value, loc), duplicates: [] };
  if (left.type === 'string' && right.type === 'integer') return { ok: true, value: stringValue(left.value + String(right.value), loc), duplicates: [] };
  if (left.type === 'integer' && right.type === 'string') return { ok: true, value: stringValue(String(left.value) + right.value, loc), duplicates: [] };
  if (left.type === 'integer' && right.type === 'integer') return { ok: true, value: integerValue(left.value + right.value, loc), duplicates: [] };
  if (left.type !== 'array' || right.type !== 'array') return { ok: false, reason: 'type-mismatch', duplicates: [] };
  const items = [...left.items];
  const duplicates: string[] = [];
  const leftArr = arrayValue(items);
  for (const item of right.items) {
    const existing = item.key === null ? undefined : findItem(leftArr, item.key);
    if (existing === undefined) {
      items.push(item);
      continue;
    }
    duplicates.push(item.key ?? '');
    const a = existing.value;
    const b = item.value;
    const same = (a.type === 'string' && b.type === 'string' && a.value === b.value) || (a.type === 'integer' && b.type === 'integer' && a.value === b.value);
    if (!same) return { ok: false, reason: 'duplicate-key', duplicates };
  }
  return { ok: true, value: arrayValue(items, loc), duplicates };
}

/** Describes a value's type for messages. */
export function typeName(v: ConfigValue): string {
  return v.type === 'array' ? 'an array' : v.type === 'integer' ? 'a number' : 'a string';
}

/** A value as a string: a string as is, an integer in decimal; null for an array (lighttpd's `stringop`). */
export function asStringOperand(v: ConfigValue): string | null {
  if (v.type === 'string') return v.value;
  if (v.type === 'integer') return String(v.value);
  return null;
}

/**
 * lighttpd's boolean reading (config-language.md §10.1): enable/enabled/true/1 → true,
 * disable/disabled/false/0 → false (ASCII case-insensitive), an integer is `!= 0`; anything else null.
 */
export function asBoolean(v: ConfigValue): boolean | null {
  if (v.type === 'integer') return v.value !== 0;
  if (v.type !== 'string') return null;
  const s = asciiLower(v.value);
  if (s === 'enable' || s === 'enabled' || s === 'true' || s === '1') return true;
  if (s === 'disable' || s === 'disabled' || s === 'false' || s === '0') return false;
  return null;
}

/**
 * C `strtol(s, &end, 10)` that must consume the whole (non-empty) string: leading white space and a
 * sign are allowed. Null when the text is not such a number. (lighttpd reads numeric strings this way.)
 */
export function parseCLong(s: string): number | null {
  const m = /^[ \t\n\v\f\r]*([+-]?[0-9]+)$/.exec(s);
  return m ? Number(m[1]) : null;
}

/**
 * An unsigned integer in `0 … max` as lighttpd reads numeric keys: an integer value as is, or a string
 * that is a complete decimal number in range (so `server.port = env.PORT` works). Null when neither.
 */
export function asUnsigned(v: ConfigValue, max: number): number | null {
  if (v.type === 'integer') return v.value;
  if (v.type !== 'string') return null;
  const n = parseCLong(v.value);
  return n !== null && n >= 0 && n <= max ? n : null;
}

/** The plain strings of a list without keys (`( "a", "b" )`); null if any element has a key or is not a string. */
export function asStringList(v: ConfigValue): string[] | null {
  if (v.type !== 'array') return null;
  const out: string[] = [];
  for (const item of v.items) {
    if (item.key !== null || item.value.type !== 'string') return null;
    out.push(item.value.value);
  }
  return out;
}

/** The pairs of a `( "k" => "v", … )` list; null if an element has no key or a non-string value. */
export function asStringMap(v: ConfigValue): [string, string][] | null {
  if (v.type !== 'array') return null;
  const out: [string, string][] = [];
  for (const item of v.items) {
    if (item.key === null || item.value.type !== 'string') return null;
    out.push([item.key, item.value.value]);
  }
  return out;
}
