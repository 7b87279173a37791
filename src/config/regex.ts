import { translatePcre } from './pcre.js';

/**
 * Condition regexes: lighttpd compiles `=~`/`!~` patterns with PCRE2; we translate them to JavaScript.
 * (config-language.md §6.6). A pattern JavaScript cannot express is a located error that says so.
 */

/** A compiled pattern, or why it failed. */
export type RegexResult = { readonly ok: true; readonly regex: RegExp; readonly groups: number } | { readonly ok: false; readonly message: string };

/** Counts capturing groups: `(` not escaped, not inside a class, not followed by `?` (except named groups). */
export function countCaptures(pattern: string): number {
  let n = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') i++;
      continue;
    }
    if (c === '(') {
      if (pattern[i + 1] !== '?') n++;
      else if (/^\(\?(P?<[A-Za-z_]|')/.test(pattern.slice(i))) n++;
    }
  }
  return n;
}

/** Compiles a condition's pattern (lighttpd allows at most 9 capture groups: %1 … %9). */
export function compileConditionRegex(pattern: string): RegexResult {
  const groups = countCaptures(pattern);
  if (groups > 9) {
    return { ok: false, message: `too many capture groups (${groups}) in regex "${pattern}": lighttpd allows 9; use (?:...) for groups you do not need` };
  }
  const t = translatePcre(pattern);
  if (!t.ok) {
    return { ok: false, message: `regex "${pattern}" uses ${t.feature}, which JavaScript regular expressions cannot express; please rewrite it` };
  }
  try {
    return { ok: true, regex: new RegExp(t.source, `${t.flags}u`), groups };
  } catch (e) {
    const why = e instanceof Error ? e.message.replace(/^Invalid regular expression: /, '') : String(e);
    return { ok: false, message: `invalid regex "${pattern}": ${why}` };
  }
}
