/**
 * Compiling lighttpd's PCRE2 patterns of url.rewrite* / url.redirect keys and `dir-listing.exclude` as
 * JavaScript RegExps, with the config reader's PCRE translation (src/config/pcre.ts: inline flags,
 * `\A \z`, PCRE's `$` and `.`, POSIX classes, …) in `u` mode, as PCRE2's UTF mode. lighttpd caps these
 * at 19 capture groups ("Too many captures in regex"). What JavaScript cannot express is an error.
 */
import { translatePcre } from '../config/pcre.js';
import { countCaptures } from '../config/regex.js';

/** A compiled pattern, or the reason it failed. */
export type PcreResult = { readonly ok: true; readonly regex: RegExp } | { readonly ok: false; readonly message: string };

/** Compiles a PCRE pattern string into a RegExp (never throws). */
export function compilePcre(pattern: string): PcreResult {
  if (countCaptures(pattern) > 19) return { ok: false, message: 'Too many captures in regex' };
  const t = translatePcre(pattern);
  if (!t.ok) return { ok: false, message: `uses ${t.feature}, which JavaScript regular expressions cannot express` };
  try {
    return { ok: true, regex: new RegExp(t.source, `${t.flags}u`) };
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
}
