/**
 * mod_redirect: `url.redirect`, `url.redirect-code` (lighttpd src/mod_redirect.c, http-core.md §9.3).
 *
 * Runs at uri-clean. The rules are tried against the normalised, still encoded target with its query;
 * the first match's replacement (with `$N`, `%N`, `${…}`) goes verbatim into `Location` with status
 * `url.redirect-code` (default 301; values < 100 or >= 1000 become 301). A matching rule with an empty
 * replacement stops without redirecting.
 */
import type { HttpResponse } from '../http1/response.js';
import type { DiagnosticSink } from '../diagnostics.js';
import type { BlockValues, Module, Outcome } from './module.js';
import type { RequestCtx } from '../request/context.js';
import { applyRules, compileRuleEntry, type RuleList } from './url-rules.js';
import { readShort } from './values.js';
import { catalogueKeys } from '../config/key-catalogue.js';

/** Effective mod_redirect settings. */
export interface RedirectConf {
  readonly redirect: RuleList | null;
  readonly code: number;
}

function onUriClean(req: RequestCtx, res: HttpResponse, conf: RedirectConf): Outcome {
  if (!conf.redirect || conf.redirect.rules.length === 0) return 'continue';
  const out = applyRules(conf.redirect, req);
  if (out.kind !== 'match') return 'continue';
  res.setHeader('Location', out.result);
  req.status = conf.code;
  delete req.handler;
  return 'handled';
}

/** Creates mod_redirect. */
export function createRedirectModule(): Module<RedirectConf> {
  return {
    name: 'mod_redirect',
    keys: catalogueKeys('mod_redirect'),
    defaults: { redirect: null, code: 301 },
    compile(values: BlockValues, report: DiagnosticSink): Partial<RedirectConf> {
      const out: { redirect?: RuleList; code?: number } = {};
      const rules = values.entries.get('url.redirect');
      if (rules) {
        const r = compileRuleEntry(rules, values.block, report);
        if (r) out.redirect = { rules: r, blockId: values.block.id };
      }
      const code = values.entries.get('url.redirect-code');
      if (code) {
        const c = readShort(code, report);
        if (c !== undefined) out.code = c < 100 || c >= 1000 ? 301 : c;
      }
      return out;
    },
    onUriClean,
  };
}
