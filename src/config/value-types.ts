/**
 * Value type checks for module keys, with lighttpd's rules (config-language.md §10.1): no boolean type
 * (a boolean is one of a few strings, or an integer), integers may be written as decimal strings, and
 * the list types constrain their elements' keys and types.
 */
import type { KeyType } from '../modules/module.js';
import { asciiLower, type ConfigValue } from './tree.js';

const BOOLEAN_WORDS = new Set(['enable', 'enabled', 'true', '1', 'disable', 'disabled', 'false', '0']);

/** What a key of this type should look like, for messages. */
export function describeKeyType(type: KeyType): string {
  switch (type) {
    case 'string':
      return 'a string';
    case 'integer':
      return 'an integer (0 ... 4294967295)';
    case 'short':
      return 'a short integer (0 ... 65535)';
    case 'boolean':
      return 'a boolean ("enable" or "disable")';
    case 'array':
      return 'a list like ( "..." )';
    case 'array-of-strings':
      return 'a list of string values like ( "...", "..." )';
    case 'array-kv-strings':
      return 'a list of key => string values like ( "..." => "..." )';
    case 'array-kv-any':
      return 'a list of key => values like ( "..." => ... )';
    case 'array-kv-array':
      return 'a list of key => list like ( "..." => ( ... ) )';
    default:
      return assertNever(type);
  }
}

/** Short name of a value's type, for messages. */
export function describeValue(v: ConfigValue): string {
  switch (v.type) {
    case 'string':
      return `the string "${v.value}"`;
    case 'integer':
      return `the integer ${v.value}`;
    case 'array':
      return v.items.length === 0 ? 'an empty list' : 'a list';
    default:
      return assertNever(v);
  }
}

function isDecimalInRange(s: string, max: number): boolean {
  return /^[0-9]+$/.test(s) && Number(s) <= max;
}

/** True when `v` is acceptable for a key of type `type` (as lighttpd's config validator decides). */
export function valueHasType(v: ConfigValue, type: KeyType): boolean {
  switch (type) {
    case 'string':
      return v.type === 'string';
    case 'integer':
      return v.type === 'integer' || (v.type === 'string' && isDecimalInRange(v.value, 4294967295));
    case 'short':
      return v.type === 'integer' || (v.type === 'string' && isDecimalInRange(v.value, 65535));
    case 'boolean':
      return v.type === 'integer' || (v.type === 'string' && BOOLEAN_WORDS.has(asciiLower(v.value)));
    case 'array':
      return v.type === 'array';
    case 'array-of-strings':
      return v.type === 'array' && v.items.every((it) => it.key === null && it.value.type === 'string');
    case 'array-kv-strings':
      return v.type === 'array' && v.items.every((it) => it.key !== null && it.value.type === 'string');
    case 'array-kv-any':
      return v.type === 'array' && v.items.every((it) => it.key !== null);
    case 'array-kv-array':
      return v.type === 'array' && v.items.every((it) => it.key !== null && it.value.type === 'array');
    default:
      return assertNever(type);
  }
}

function assertNever(x: never): never {
  throw new Error(`unexpected ${JSON.stringify(x)}`);
}
