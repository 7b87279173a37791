/**
 * Value coercion for backend host options, following lighttpd's generic config validator
 * (config-keys-1.4.69.md type legend): `short` and `int` take an integer or a string of digits,
 * `bool` takes enable/enabled/true/1 or disable/disabled/false/0 (any case) or an integer.
 *
 * Each helper returns `undefined` after reporting an error with the value's own location.
 */
import type { DiagnosticSink, SourceLoc } from '../diagnostics.js';
import type { ConfigArray, ConfigValue } from '../config/tree.js';

/** Where to report, and the location to fall back on when a value carries none. */
export interface ValueContext {
  readonly report: DiagnosticSink;
  readonly loc: SourceLoc | undefined;
}

function fail(ctx: ValueContext, value: ConfigValue, message: string): undefined {
  const loc = value.loc ?? ctx.loc;
  ctx.report.report({ severity: 'error', code: 'TSW_BACKEND_BAD_VALUE', message, ...(loc ? { loc } : {}) });
  return undefined;
}

function typeName(value: ConfigValue): string {
  return value.type === 'array' ? 'an array' : value.type === 'integer' ? 'an integer' : 'a string';
}

/** Reads a number option; `bits` 16 truncates like lighttpd's `short` (70000 → 4464). */
export function toNumber(value: ConfigValue, name: string, kind: 'short' | 'int', ctx: ValueContext): number | undefined {
  let n: number;
  if (value.type === 'integer') {
    n = value.value;
  } else if (value.type === 'string' && /^\s*[0-9]+\s*$/.test(value.value)) {
    n = Number.parseInt(value.value, 10);
  } else {
    return fail(ctx, value, `got ${typeName(value)} but expected ${kind === 'short' ? 'a short' : 'an integer'}: ${name} ${printable(value)}`);
  }
  // lighttpd stores shorts in an unsigned short: the value wraps silently
  return kind === 'short' ? n & 0xffff : n >>> 0;
}

const TRUE_WORDS = new Set(['enable', 'enabled', 'true', 'on', '1']);
const FALSE_WORDS = new Set(['disable', 'disabled', 'false', 'off', '0']);

/** Reads a boolean option. */
export function toBool(value: ConfigValue, name: string, ctx: ValueContext): boolean | undefined {
  if (value.type === 'integer') return value.value !== 0;
  if (value.type === 'string') {
    const w = value.value.toLowerCase();
    if (TRUE_WORDS.has(w)) return true;
    if (FALSE_WORDS.has(w)) return false;
  }
  return fail(ctx, value, `expected "enable" or "disable" for ${name}, got ${printable(value)}`);
}

/** Reads a string option. */
export function toStr(value: ConfigValue, name: string, ctx: ValueContext): string | undefined {
  if (value.type === 'string') return value.value;
  return fail(ctx, value, `got ${typeName(value)} but expected a string: ${name}`);
}

/** Reads a list of plain strings (array-vlist); keys are ignored like lighttpd ignores them. */
export function toStringList(value: ConfigValue, name: string, ctx: ValueContext): string[] | undefined {
  if (value.type === 'string') return [value.value];
  if (value.type !== 'array') return fail(ctx, value, `got ${typeName(value)} but expected a list of strings: ${name}`);
  const out: string[] = [];
  for (const item of value.items) {
    if (item.value.type !== 'string') return fail(ctx, item.value, `${name} should only contain strings`);
    out.push(item.value.value);
  }
  return out;
}

/** Reads a `"key" => "string"` array (array-kvstring) as ordered pairs. */
export function toStringPairs(value: ConfigValue, name: string, ctx: ValueContext): Array<[string, string]> | undefined {
  if (value.type !== 'array') return fail(ctx, value, `got ${typeName(value)} but expected ( "key" => "value", ... ): ${name}`);
  const out: Array<[string, string]> = [];
  for (const item of value.items) {
    if (item.key === null || item.value.type !== 'string') {
      return fail(ctx, item.value, `${name} should be an array of "key" => "value" strings`);
    }
    out.push([item.key, item.value.value]);
  }
  return out;
}

/** A short rendering of a value for messages: strings as written, arrays as `( ... )`. */
export function printable(value: ConfigValue): string {
  if (value.type === 'string') return value.value;
  if (value.type === 'integer') return String(value.value);
  return '( ... )';
}

/** True when every element of the array has a key (lighttpd's array-kvany shape). */
export function isKeyed(value: ConfigArray): boolean {
  return value.items.every((i) => i.key !== null);
}
