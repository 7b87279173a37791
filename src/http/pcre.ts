/**
 * Compiling lighttpd's PCRE2 patterns (url.rewrite*, url.redirect keys) as JavaScript RegExps.
 *
 * lighttpd compiles with PCRE2 in UTF mode. JavaScript's `u` flag is the closest match but refuses some
 * escapes PCRE accepts (`\-` outside a class, `\_`), so a pattern that fails with `u` is retried without
 * it. A leading `(?i)` / `(?s)` / `(?m)` / `(?x)`-free flag group is turned into RegExp flags, since Node 20
 * has no inline modifiers. lighttpd caps captures at 19 ("Too many captures in regex").
 */

/** A compiled pattern, or the reason it failed. */
export type PcreResult = { readonly ok: true; readonly regex: RegExp } | { readonly ok: false; readonly message: string };

/** Compiles a PCRE pattern string into a RegExp (never throws). */
export function compilePcre(pattern: string): PcreResult {
  let body = pattern;
  let flags = '';
  const lead = /^\(\?([imsx]+)\)/.exec(body);
  if (lead?.[1] !== undefined && !lead[1].includes('x')) {
    flags = [...new Set(lead[1])].join('');
    body = body.slice(lead[0].length);
  }
  let regex: RegExp;
  try {
    regex = new RegExp(body, flags + 'u');
  } catch {
    try {
      regex = new RegExp(body, flags);
    } catch (e) {
      return { ok: false, message: e instanceof Error ? e.message : String(e) };
    }
  }
  if (countCaptures(regex) > 19) return { ok: false, message: 'Too many captures in regex' };
  return { ok: true, regex };
}

/** Number of capture groups a RegExp has. */
function countCaptures(re: RegExp): number {
  const m = new RegExp(`${re.source}|`, re.flags).exec('');
  return m ? m.length - 1 : 0;
}
