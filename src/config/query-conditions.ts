/**
 * `$HTTP["querystring"]` conditions, finished once the whole config is read (lighttpd 1.4.69
 * configfile.c config_burl_normalize_cond, then config_pcre_keyvalue): with url-normalize on, the value
 * or pattern is URL-normalised like the query it is compared with (`%2f` → `%2F`, non-ASCII bytes
 * percent-encoded); with `"url-normalize" => "disable"` it stays as written (its UTF-8 bytes, one char
 * each, like the raw query). Patterns are compiled only then, from the final text. `-p` prints the
 * condition as written either way.
 */
import type { EvalContext, MutableBlock } from './eval-context.js';
import { normalizeRuleKey } from '../http/subst.js';
import { configBytes } from './config-bytes.js';
import { compileConditionRegex } from './regex.js';
import { urlNormalizeEnabled } from './url-normalize.js';

/** Normalises (when url-normalize is on) and compiles every query-string condition in place. */
export function finishQueryConditions(blocks: readonly MutableBlock[], ctx: EvalContext): void {
  const global = blocks[0];
  if (global === undefined) return;
  const normalize = urlNormalizeEnabled(global);
  for (const block of blocks) {
    const c = block.condition;
    if (c === null || c.field !== 'querystring') continue;
    const value = normalize ? normalizeRuleKey(c.value) : configBytes(c.value);
    let regex: RegExp | null = null;
    if (c.op === '=~' || c.op === '!~') {
      const compiled = compileConditionRegex(value);
      if (!compiled.ok) {
        // a plain else repeats the pattern of the member before it, which reported it already
        if (!block.isPlainElse) ctx.report('error', 'TSW_CONFIG_BAD_REGEX', `${compiled.message} in ${c.text}`, c.loc ?? null);
        continue;
      }
      regex = compiled.regex;
    }
    block.condition = { ...c, value, regex };
  }
}
