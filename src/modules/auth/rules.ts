/**
 * `auth.require = ( "<url-prefix>" => ( "method" => …, "realm" => …, "require" => …, … ), … )`
 * (http-core.md §11.1): the checks lighttpd 1.4.69 makes at startup, with its error texts.
 */
import type { ConfigValue } from '../../config/tree.js';
import { parseDigestAlgorithms, type DigestAlgorithm } from './digest-algorithm.js';
import { parseRequire, type RequireRule } from './require-rule.js';
import { configBytes } from '../../config/config-bytes.js';

/** The authentication schemes lighttpd offers. */
export type AuthMethod = 'basic' | 'digest' | 'extern';

/** One compiled rule. */
export interface AuthRule {
  /** Byte prefix of the decoded path that selects the rule; `""` matches every path. */
  readonly prefix: string;
  readonly method: AuthMethod;
  /** As bytes, one char each (latin1), like header values and user files. */
  readonly realm: string;
  readonly require: RequireRule;
  /** Digest algorithms offered, in lighttpd's order (MD5 when none given). */
  readonly algorithms: readonly DigestAlgorithm[];
  /** `nonce_secret`, or null. */
  readonly nonceSecret: string | null;
  readonly userhash: boolean;
}

/** The rules, or the first error; warnings (`host=`) either way. */
export interface RulesParse {
  readonly rules: readonly AuthRule[] | null;
  readonly error: string | null;
  readonly warnings: readonly string[];
}

const FORM = 'auth.require = ( "..." => ( ...';
const OPTIONS = new Set(['method', 'realm', 'require', 'algorithm', 'nonce_secret', 'nonce-secret', 'userhash']);


function isTrue(v: string): boolean {
  return ['enable', 'enabled', 'true', '1'].includes(v.toLowerCase());
}

function fail(error: string, warnings: readonly string[]): RulesParse {
  return { rules: null, error, warnings };
}

/** Parses the auth.require value. */
export function parseRules(value: ConfigValue): RulesParse {
  const warnings: string[] = [];
  if (value.type !== 'array' || value.items.some((i) => i.key === null || i.value.type !== 'array')) {
    return fail('auth.require should have been a list of key => list like auth.require = ( "..." => ( "..." => "..." ) )', warnings);
  }
  const rules: AuthRule[] = [];
  for (const item of value.items) {
    if (item.value.type !== 'array' || item.key === null) continue;
    if (item.value.items.some((o) => o.key === null)) {
      return fail('unexpected value for auth.require; expected auth.require = ( "urlpath" => ( "option" => "value" ) )', warnings);
    }
    const opts = new Map<string, string>();
    for (const o of item.value.items) {
      const key = o.key ?? '';
      if (o.value.type !== 'string') return fail(`a string was expected for: ${FORM}, -> "${key}" <- => "..." ) )`, warnings);
      if (!OPTIONS.has(key)) return fail(`the field is unknown in: ${FORM}, -> "${key}" <- => "..." ) )`, warnings);
      opts.set(key === 'nonce-secret' ? 'nonce_secret' : key, o.value.value);
    }
    const method = opts.get('method') ?? '';
    if (method.trim() === '') return fail(`the method field is missing or blank in: ${FORM}, "method" => "..." ) )`, warnings);
    if (method !== 'basic' && method !== 'digest' && method !== 'extern') {
      return fail(`unknown method ${method} (e.g. "basic", "digest" or "extern") in ${FORM}, "method" => "...") )`, warnings);
    }
    const realm = opts.get('realm');
    if (realm === undefined) return fail(`the realm field is missing in: ${FORM}, "realm" => "..." ) )`, warnings);
    const requireField = opts.get('require') ?? '';
    if (requireField.trim() === '') return fail(`the require field is missing or blank in: ${FORM}, "require" => "..." ) )`, warnings);
    const algorithms = parseDigestAlgorithms(opts.get('algorithm') ?? '');
    if (algorithms === null) return fail(`invalid algorithm in: ${FORM}, "algorithm" => "..." ) )`, warnings);
    const req = parseRequire(requireField);
    if ('error' in req) return fail(req.error, warnings);
    warnings.push(...req.warnings);
    const userhash = opts.get('userhash');
    rules.push({ prefix: item.key, method, realm: configBytes(realm), require: { ...req.rule, users: req.rule.users.map(configBytes) }, algorithms, nonceSecret: opts.get('nonce_secret') ?? null, userhash: userhash !== undefined && isTrue(userhash) });
  }
  return { rules, error: null, warnings };
}

/**
 * The first rule (config order) whose prefix starts the path; bytes compare case-sensitively, or ASCII
 * case-insensitively with `server.force-lowercase-filenames`.
 */
export function ruleFor(rules: readonly AuthRule[], path: string, lowercase: boolean): AuthRule | undefined {
  if (!lowercase) return rules.find((r) => path.startsWith(r.prefix));
  const p = path.toLowerCase();
  return rules.find((r) => p.startsWith(r.prefix.toLowerCase()));
}
