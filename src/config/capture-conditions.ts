/**
 * Conditions of blocks whose url.redirect / url.rewrite* values use `%N`: lighttpd 1.4.69 turns their
 * `==`, `=^` and `=$` back into regexes at startup (configfile.c config_finalize), so that `%0`–`%9` have
 * something to refer to. The value is not escaped: `== "a.b"` becomes `^a.b$` and also matches `axb`;
 * a host `==` loses its port tolerance and a remote-ip `==` its CIDR test (the address is compared as
 * text). `!=` is left alone. `-p` still prints the condition as written (config-language.md §6.4, §6.8).
 */
import type { ConfigValue } from './tree.js';
import type { EvalContext, MutableBlock } from './eval-context.js';
import { compileConditionRegex } from './regex.js';

// lighttpd mod_redirect / mod_rewrite: a '%' followed by a digit or '{' (after skipping "%%" pairs)
const CAPTURE_REF = /(?:^|[^%])(?:%%)*%[0-9{]/;

function valueUsesCaptures(v: ConfigValue): boolean {
  if (v.type === 'string') return CAPTURE_REF.test(v.value);
  if (v.type === 'array') return v.items.some((i) => valueUsesCaptures(i.value));
  return false;
}

/** Whether the block's own url.redirect / url.rewrite* values refer to its condition's captures. */
export function blockUsesCaptures(block: Pick<MutableBlock, 'entries'>): boolean {
  return block.entries.some((e) => /^url\.(redirect|rewrite)/i.test(e.key) && valueUsesCaptures(e.value));
}

/** The regex lighttpd makes of a simplified condition value (no escaping, only `\` before a leading `.` of a suffix). */
export function captureRegexSource(op: '==' | '=^' | '=$', value: string): string {
  if (op === '==') return `^${value}$`;
  if (op === '=^') return `^${value}`;
  return value.startsWith('.') ? `\\${value}$` : `${value}$`;
}

/**
 * Rewrites the conditions of capture-using blocks in place, once after the whole config is read; a value that
 * does not compile as a regex is an error, as in lighttpd. A `$SERVER["socket"] ==` block keeps its listener
 * meaning and is left alone.
 */
export function convertCaptureConditions(blocks: readonly MutableBlock[], ctx: EvalContext): void {
  for (const block of blocks) {
    const c = block.condition;
    if (c === null || block.isPlainElse) continue;
    if (c.op !== '==' && c.op !== '=^' && c.op !== '=$') continue;
    if (c.field === 'socket' && c.op === '==') continue;
    if (!blockUsesCaptures(block)) continue;
    const source = captureRegexSource(c.op, c.value);
    const compiled = compileConditionRegex(source);
    if (!compiled.ok) {
      ctx.report('error', 'TSW_CONFIG_BAD_REGEX', `${compiled.message} in ${c.text} (its block uses %N, so lighttpd matches the value as a regex)`, c.loc ?? null);
      continue;
    }
    block.condition = { ...c, op: '=~', value: source, regex: compiled.regex };
  }
}
