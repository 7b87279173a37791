/**
 * mod_rewrite: `url.rewrite-once`, `url.rewrite-final`, `url.rewrite` (all three mean "once" in 1.4.69),
 * `url.rewrite-repeat`, `url.rewrite-if-not-file`, `url.rewrite-repeat-if-not-file`
 * (lighttpd src/mod_rewrite.c, http-core.md §9.4).
 *
 * Per config block the once-lists are joined (once, final, rewrite) before the repeat list; the whole
 * list of the last matching block applies. A rewrite restarts the request with the new target; one from a
 * "once" rule ends rewriting for this request, one from a "repeat" rule lets the rules run again. A
 * result that does not start with `/` drops the connection (the core does that when the restart's target
 * is unusable), as does a loop of more than 100 passes. The if-not-file lists run in the physical phase
 * unless the physical path is a regular file (directories count as "not a file") or a gateway claimed
 * the request.
 */
import { stat } from 'node:fs/promises';
import type { HttpResponse } from '../http1/response.js';
import type { DiagnosticSink } from '../diagnostics.js';
import type { BlockValues, Module, ModuleEnv, Outcome } from './module.js';
import type { RequestCtx } from '../request/context.js';
import { applyRules, compileRuleEntry, type RuleList, type UrlRule } from './url-rules.js';
import { catalogueKeys } from '../config/key-catalogue.js';

/** A block's joined rule list; rules before `repeatFrom` are "once" rules. */
export interface RewriteList extends RuleList {
  readonly repeatFrom: number;
}

/** Effective mod_rewrite settings. */
export interface RewriteConf {
  readonly rewrite: RewriteList | null;
  readonly rewriteNotFile: RewriteList | null;
}

/** Per-request state across restarts (lighttpd keeps it in plugin_ctx until the request ends). */
interface RewriteState {
  passes: number;
  finished: boolean;
}

const ONCE_KEYS = ['url.rewrite-once', 'url.rewrite-final', 'url.rewrite'] as const;

function joinLists(values: BlockValues, report: DiagnosticSink, once: readonly string[], repeat: string): RewriteList | undefined {
  const rules: UrlRule[] = [];
  let seen = false;
  for (const k of once) {
    const e = values.entries.get(k);
    if (!e) continue;
    seen = true;
    rules.push(...(compileRuleEntry(e, values.block, report) ?? []));
  }
  const repeatFrom = rules.length;
  const r = values.entries.get(repeat);
  if (r) {
    seen = true;
    rules.push(...(compileRuleEntry(r, values.block, report) ?? []));
  }
  return seen ? { rules, repeatFrom, blockId: values.block.id } : undefined;
}

/** Creates mod_rewrite. */
export function createRewriteModule(): Module<RewriteConf> {
  const states = new WeakMap<RequestCtx, RewriteState>();
  let log: (m: string) => void = () => undefined;

  function process(req: RequestCtx, list: RewriteList): Outcome {
    const st = states.get(req);
    if (st) {
      st.passes += 1;
      if (st.passes > 100) {
        log(`mod_rewrite: ENDLESS LOOP IN rewrite-rule DETECTED ... aborting request (${req.target})`);
        req.raw.io.destroy();
        return 'handled';
      }
      if (st.finished) return 'continue';
    }
    const out = applyRules(list, req);
    if (out.kind !== 'match') return 'continue';
    if (!out.result.startsWith('/')) {
      log(`mod_rewrite: invalid result (not beginning with '/') while processing uri: ${req.target}`);
    }
    const state = st ?? { passes: 0, finished: false };
    states.set(req, state);
    if (out.index < list.repeatFrom) state.finished = true;
    req.target = out.result;
    return 'restart';
  }

  return {
    name: 'mod_rewrite',
    keys: catalogueKeys('mod_rewrite'),
    defaults: { rewrite: null, rewriteNotFile: null },
    compile(values: BlockValues, report: DiagnosticSink): Partial<RewriteConf> {
      const out: { rewrite?: RewriteList; rewriteNotFile?: RewriteList } = {};
      const main = joinLists(values, report, ONCE_KEYS, 'url.rewrite-repeat');
      if (main) out.rewrite = main;
      const nf = joinLists(values, report, ['url.rewrite-if-not-file'], 'url.rewrite-repeat-if-not-file');
      if (nf) out.rewriteNotFile = nf;
      return out;
    },
    init(env: ModuleEnv): void {
      log = (m) => env.log(m);
    },
    onUriRaw(req: RequestCtx, _res: HttpResponse, conf: RewriteConf): Outcome {
      if (!conf.rewrite || conf.rewrite.rules.length === 0) return 'continue';
      return process(req, conf.rewrite);
    },
    async onPhysical(req: RequestCtx, _res: HttpResponse, conf: RewriteConf): Promise<Outcome> {
      if (req.handler || !conf.rewriteNotFile || conf.rewriteNotFile.rules.length === 0) return 'continue';
      const st = await stat(req.physicalPath ?? '').catch(() => null);
      if (st?.isFile()) return 'continue';
      return process(req, conf.rewriteNotFile);
    },
  };
}
