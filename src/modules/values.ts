/**
 * Typed readers for module config values, with lighttpd's value rules (config-keys-1.4.69.md legend):
 * booleans (enable/disable/true/false/1/0 or an integer), shorts (a decimal string is accepted),
 * `array-vlist` (plain strings) and `array-kvstring` (`"k" => "string"`). A wrong type is reported with
 * the value's location, in lighttpd's words, and the reader returns undefined (the default stays).
 */
import type { DiagnosticSink } from '../diagnostics.js';
import type { ConfigEntry } from '../config/tree.js';

function bad(report: DiagnosticSink, e: ConfigEntry, what: string): undefined {
  const loc = e.value.loc ?? e.loc;
  report.report({ severity: 'error', code: 'TSW_CONFIG_BAD_VALUE', message: `${e.key} should have been ${what}`, ...(loc ? { loc } : {}) });
  return undefined;
}

/** A boolean value. */
export function readBoolean(e: ConfigEntry, report: DiagnosticSink): boolean | undefined {
  const v = e.value;
  if (v.type === 'integer') return v.value !== 0;
  if (v.type === 'string') {
    const s = v.value.toLowerCase();
    if (s === 'enable' || s === 'enabled' || s === 'true' || s === '1') return true;
    if (s === 'disable' || s === 'disabled' || s === 'false' || s === '0') return false;
  }
  return bad(report, e, 'a boolean "(enable|disable)"');
}

/** A short integer 0..65535 (lighttpd truncates larger integers to 16 bits). */
export function readShort(e: ConfigEntry, report: DiagnosticSink): number | undefined {
  const v = e.value;
  if (v.type === 'integer' && v.value >= 0) return v.value & 0xffff;
  if (v.type === 'string' && /^[0-9]+$/.test(v.value) && Number(v.value) <= 65535) return Number(v.value);
  return bad(report, e, 'a short integer, range 0 ... 65535');
}

/** A list of plain strings (`array-vlist`). */
export function readStringList(e: ConfigEntry, report: DiagnosticSink): string[] | undefined {
  const v = e.value;
  if (v.type !== 'array') return bad(report, e, `a list like ${e.key} = ( "..." )`);
  const out: string[] = [];
  for (const item of v.items) {
    if (item.key !== null || item.value.type !== 'string') return bad(report, e, `a list of string values like ${e.key} = ( "..." )`);
    out.push(item.value.value);
  }
  return out;
}

/** A list of `"key" => "string"` pairs (`array-kvstring`), in order. */
export function readKvStrings(e: ConfigEntry, report: DiagnosticSink): [string, string][] | undefined {
  const v = e.value;
  if (v.type !== 'array') return bad(report, e, `a list like ${e.key} = ( "..." )`);
  const out: [string, string][] = [];
  for (const item of v.items) {
    if (item.key === null || item.value.type !== 'string') {
      return bad(report, e, `a list of key => string values like ${e.key} = ( "..." => "..." )`);
    }
    out.push([item.key, item.value.value]);
  }
  return out;
}
