/**
 * mod_access: `url.access-deny` / `url.access-allow` (lighttpd src/mod_access.c, http-core.md §9.1).
 *
 * Both are plain, case-sensitive suffix matches on the decoded path (`""` matches everything). A
 * non-empty allow list takes precedence: a path matching none of it is denied and the deny list is not
 * looked at. Checked at uri-clean and again at subrequest-start (after mod_indexfile appended the index
 * name). Denied → 403 (and a gateway's claim is dropped). With `server.force-lowercase-filenames` lighttpd
 * compares case-insensitively; tswstunnel always compares case-sensitively (docs/compat.md).
 */
import type { HttpResponse } from '../http1/response.js';
import type { DiagnosticSink } from '../diagnostics.js';
import type { BlockValues, Module, Outcome } from './module.js';
import type { RequestCtx } from '../request/context.js';
import { readStringList } from './values.js';
import { catalogueKeys } from '../config/key-catalogue.js';

/** Effective mod_access settings. */
export interface AccessConf {
  readonly deny: readonly string[];
  readonly allow: readonly string[];
}

/** True when the path may be served. */
export function isAccessAllowed(conf: AccessConf, path: string): boolean {
  if (conf.allow.length > 0) return conf.allow.some((s) => path.endsWith(s));
  return !conf.deny.some((s) => path.endsWith(s));
}

function check(req: RequestCtx, _res: HttpResponse, conf: AccessConf): Outcome {
  if (isAccessAllowed(conf, req.path)) return 'continue';
  req.status = 403;
  delete req.handler;
  return 'handled';
}

/** Creates mod_access. */
export function createAccessModule(): Module<AccessConf> {
  return {
    name: 'mod_access',
    keys: catalogueKeys('mod_access'),
    defaults: { deny: [], allow: [] },
    compile(values: BlockValues, report: DiagnosticSink): Partial<AccessConf> {
      const out: { deny?: string[]; allow?: string[] } = {};
      const deny = values.entries.get('url.access-deny');
      const allow = values.entries.get('url.access-allow');
      if (deny) {
        const v = readStringList(deny, report);
        if (v) out.deny = v;
      }
      if (allow) {
        const v = readStringList(allow, report);
        if (v) out.allow = v;
      }
      return out;
    },
    onUriClean: check,
    onRequest: check,
  };
}
