/**
 * mod_alias: `alias.url` (lighttpd src/mod_alias.c, http-core.md §9.2).
 *
 * In the physical phase, the path below the document root (= `uri.path`) is matched against the keys
 * as a plain byte prefix, first entry in list order wins (not segment-aware: `/al2` also maps
 * `/al2y.txt`). The prefix is replaced by the value. A key that has an earlier key as its prefix can
 * never match: startup error. Traversal guard: key without trailing `/`, value with one, and the rest
 * of the path starting with `.`/`..` followed by `/` or its end → 403.
 */
import type { HttpResponse } from '../http1/response.js';
import type { DiagnosticSink } from '../diagnostics.js';
import type { BlockValues, Module, Outcome } from './module.js';
import type { RequestCtx } from '../request/context.js';
import { readKvStrings } from './values.js';
import { catalogueKeys } from '../config/key-catalogue.js';

/** Effective mod_alias settings: prefix → directory, in list order. */
export interface AliasConf {
  readonly aliases: readonly (readonly [string, string])[];
}

/** The physical path an alias maps to, 403 for the traversal guard, or null when no key matches. */
export function mapAlias(aliases: AliasConf['aliases'], uri: string): string | 403 | null {
  for (const [key, value] of aliases) {
    if (!uri.startsWith(key)) continue;
    const rest = uri.slice(key.length);
    if (/^\.\.?(\/|$)/.test(rest) && key !== '' && !key.endsWith('/') && value.endsWith('/')) return 403;
    return value + rest;
  }
  return null;
}

function onPhysical(req: RequestCtx, _res: HttpResponse, conf: AliasConf): Outcome {
  if (conf.aliases.length === 0 || req.physicalPath === undefined) return 'continue';
  // lighttpd: below r->physical.basedir (mod_userdir's directory, a vhost's document root, else the core's),
  // without the trailing slashes the physical path was joined without
  const base = (req.basedir ?? req.docRoot ?? req.core.documentRoot ?? '').replace(/\/+$/, '');
  const phys = req.physicalPath;
  if (!phys.startsWith(base)) return 'continue';
  const mapped = mapAlias(conf.aliases, phys.slice(base.length));
  if (mapped === null) return 'continue';
  if (mapped === 403) {
    req.status = 403;
    return 'handled';
  }
  req.physicalPath = mapped;
  return 'continue';
}

/** Creates mod_alias. */
export function createAliasModule(): Module<AliasConf> {
  return {
    name: 'mod_alias',
    keys: catalogueKeys('mod_alias'),
    defaults: { aliases: [] },
    compile(values: BlockValues, report: DiagnosticSink): Partial<AliasConf> {
      const e = values.entries.get('alias.url');
      const pairs = e ? readKvStrings(e, report) : undefined;
      if (!e || !pairs) return {};
      for (let j = 0; j < pairs.length; j++) {
        for (let k = j + 1; k < pairs.length; k++) {
          const prefix = pairs[j]?.[0] ?? '';
          const key = pairs[k]?.[0] ?? '';
          if (key.startsWith(prefix)) {
            const loc = e.value.loc ?? e.loc;
            report.report({
              severity: 'error',
              code: 'TSW_CONFIG_BAD_VALUE',
              message: `alias.url: \`${key}' will never match as \`${prefix}' matched first`,
              ...(loc ? { loc } : {}),
            });
            return {};
          }
        }
      }
      return { aliases: pairs };
    },
    onPhysical,
  };
}
