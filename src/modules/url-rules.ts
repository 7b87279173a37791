/**
 * Regex rule lists shared by mod_redirect and mod_rewrite (lighttpd src/keyvalue.c,
 * pcre_keyvalue_buffer_process; http-core.md §9.3–9.4).
 *
 * Rules are `"regex" => "replacement"` pairs tried in list order against the normalised, still encoded
 * target with its query. The first match wins; an empty replacement stops without a result. With
 * url-normalize on (the default), keys and values are normalised at startup as lighttpd does, so that they
 * look like the normalised target (hex upper-cased, non-ASCII bytes percent-encoded); with
 * `"url-normalize" => "disable"` they stay as written (their UTF-8 bytes), as the target does.
 */
import type { DiagnosticSink } from '../diagnostics.js';
import type { ConfigBlock, ConfigEntry } from '../config/tree.js';
import { urlNormalizeEnabled } from '../config/url-normalize.js';
import type { RequestCtx } from '../request/context.js';
import { compilePcre } from '../http/pcre.js';
import { normalizeRuleKey, normalizeRuleValue, substitute, type UrlParts } from '../http/subst.js';
import { configBytes } from '../config/config-bytes.js';
import { readKvStrings } from './values.js';

/** One compiled rule. */
export interface UrlRule {
  readonly regex: RegExp;
  readonly replacement: string;
}

/** A compiled rule list and the config block it came from (whose condition `%N` refers to). */
export interface RuleList {
  readonly rules: readonly UrlRule[];
  readonly blockId: number;
}

/**
 * Compiles one `array-kvstring` rule entry of `block`; a bad regex is a startup error at the entry. Keys and
 * values are normalised when the config leaves url-normalize on (see the file header).
 */
export function compileRuleEntry(e: ConfigEntry, block: ConfigBlock, report: DiagnosticSink): UrlRule[] | undefined {
  const pairs = readKvStrings(e, report);
  if (!pairs) return undefined;
  const normalize = urlNormalizeEnabled(block);
  const rules: UrlRule[] = [];
  for (const [key, value] of pairs) {
    const c = compilePcre(normalize ? normalizeRuleKey(key) : configBytes(key));
    if (!c.ok) {
      const loc = e.value.loc ?? e.loc;
      report.report({
        severity: 'error',
        code: 'TSW_CONFIG_BAD_REGEX',
        message: `pcre-compile failed for ${key} in ${e.key}: ${c.message}`,
        ...(loc ? { loc } : {}),
      });
      return undefined;
    }
    rules.push({ regex: c.regex, replacement: normalize ? normalizeRuleValue(value) : configBytes(value) });
  }
  return rules;
}

/** The outcome of trying a rule list. */
export type RuleOutcome =
  | { readonly kind: 'none' }
  | { readonly kind: 'stop'; readonly index: number }
  | { readonly kind: 'match'; readonly index: number; readonly result: string };

/** `${url.*}` / `${qsa}` inputs of the current request. */
export function urlPartsOf(req: RequestCtx): UrlParts {
  return {
    scheme: req.scheme,
    authority: req.host !== '' ? req.host : req.core.name,
    port: req.localPort,
    target: req.target,
    query: req.target.includes('?') ? req.query : null,
  };
}

/** Tries the rules against `req.target` (see the file header). */
export function applyRules(list: RuleList, req: RequestCtx): RuleOutcome {
  for (const [index, rule] of list.rules.entries()) {
    rule.regex.lastIndex = 0;
    const m = rule.regex.exec(req.target);
    if (!m) continue;
    if (rule.replacement === '') return { kind: 'stop', index };
    const cond = req.captures.get(list.blockId) ?? null;
    return { kind: 'match', index, result: substitute(rule.replacement, { match: [...m], cond, url: urlPartsOf(req) }) };
  }
  return { kind: 'none' };
}
