/**
 * Small typed readers for config values (lighttpd's generic value rules, config-keys-1.4.69.md legend):
 * strings, integers (a complete decimal string is accepted), booleans (enable/disable/true/false/1/0),
 * lists. A wrong type is reported once with the value's location and the default is used.
 */
import type { DiagnosticSink } from '../diagnostics.js';
import type { ConfigEntry, ConfigValue } from '../config/tree.js';

function bad(report: DiagnosticSink, e: ConfigEntry, what: string): void {
  const loc = e.value.loc ?? e.loc;
  report.report({
    severity: 'error',
    code: 'TSW_CONFIG_BAD_VALUE',
    message: `${e.key} should have been ${what}`,
    ...(loc ? { loc } : {}),
  });
}

/** A string value, or undefined (reported) for another type. */
export function readString(e: ConfigEntry, report: DiagnosticSink): string | undefined {
  if (e.value.type === 'string') return e.value.value;
  if (e.value.type === 'integer') return String(e.value.value);
  bad(report, e, `a string like ${e.key} = "..."`);
  return undefined;
}

/** A non-negative integer within max; decimal strings are accepted. */
export function readInt(e: ConfigEntry, report: DiagnosticSink, max = 4294967295): number | undefined {
  const v = e.value;
  if (v.type === 'integer' && v.value >= 0) return max === 65535 ? v.value & 0xffff : Math.min(v.value, max);
  if (v.type === 'string' && /^[0-9]+$/.test(v.value) && Number(v.value) <= max) return Number(v.value);
  bad(report, e, `an integer in the range 0 ... ${max}`);
  return undefined;
}

/** Parses lighttpd's boolean spellings; undefined when the text is none of them. */
export function parseBool(v: ConfigValue): boolean | undefined {
  if (v.type === 'integer') return v.value !== 0;
  if (v.type !== 'string') return undefined;
  const s = v.value.toLowerCase();
  if (s === 'enable' || s === 'enabled' || s === 'true' || s === '1') return true;
  if (s === 'disable' || s === 'disabled' || s === 'false' || s === '0') return false;
  return undefined;
}

/** A boolean ("enable"/"disable", …). */
export function readBool(e: ConfigEntry, report: DiagnosticSink): boolean | undefined {
  const b = parseBool(e.value);
  if (b === undefined) bad(report, e, 'a boolean "(enable|disable)"');
  return b;
}

/** A list of plain strings (a single string counts as a one-element list). */
export function readStringList(e: ConfigEntry, report: DiagnosticSink): string[] | undefined {
  if (e.value.type === 'string') return [e.value.value];
  if (e.value.type !== 'array') {
    bad(report, e, `a list like ${e.key} = ( "..." )`);
    return undefined;
  }
  const out: string[] = [];
  for (const item of e.value.items) {
    if (item.value.type !== 'string') {
      bad(report, e, `a list of string values like ${e.key} = ( "..." )`);
      return undefined;
    }
    out.push(item.value.value);
  }
  return out;
}

/** A list of `"key" => value` pairs (keys as written). */
export function readKeyValues(e: ConfigEntry, report: DiagnosticSink): [string, ConfigValue][] | undefined {
  if (e.value.type !== 'array' || e.value.items.some((i) => i.key === null)) {
    bad(report, e, `a list of key => values like ${e.key} = ( "..." => "..." )`);
    return undefined;
  }
  return e.value.items.map((i) => [i.key ?? '', i.value]);
}

/** The string elements of any value, keys ignored (used to scan extension/prefix lists). */
export function stringsIn(v: ConfigValue): string[] {
  if (v.type === 'string') return [v.value];
  if (v.type === 'integer') return [];
  return v.items.flatMap((i) => stringsIn(i.value));
}
