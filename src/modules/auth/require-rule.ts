/**
 * The `"require"` field of an auth.require rule (http-core.md §11.1): `valid-user`, or `|`-separated
 * `user=name` / `group=name` / `host=name` tokens. File backends know no groups, and lighttpd does not
 * implement `host=` (a startup warning), so only `valid-user` and `user=` can let anybody in.
 */

/** Who a rule admits. */
export interface RequireRule {
  readonly validUser: boolean;
  readonly users: readonly string[];
  readonly groups: readonly string[];
  readonly hosts: readonly string[];
}

/** The parsed field, or lighttpd's error text; `warnings` for `host=`. */
export type RequireParse = { readonly rule: RequireRule; readonly warnings: readonly string[] } | { readonly error: string };

const EXPECTING = '(expecting "valid-user" or "user=a|user=b|group=g|host=h")';

/** Parses the field as lighttpd 1.4.69 does. */
export function parseRequire(field: string): RequireParse {
  if (field === 'valid-user') return { rule: { validUser: true, users: [], groups: [], hosts: [] }, warnings: [] };
  const users: string[] = [];
  const groups: string[] = [];
  const hosts: string[] = [];
  const warnings: string[] = [];
  let rest = field;
  for (;;) {
    const bar = rest.indexOf('|');
    const token = bar < 0 ? rest : rest.slice(0, bar);
    const eq = token.indexOf('=');
    if (eq < 0) return { error: `error parsing auth.require 'require' field: missing '=' ${EXPECTING}. error value: ${field} error near: ${rest}` };
    if (eq === token.length - 1) {
      return { error: `error parsing auth.require 'require' field: missing token after '=' ${EXPECTING}. error value: ${field} error near: ${rest}` };
    }
    const name = token.slice(0, eq);
    const value = token.slice(eq + 1);
    if (name === 'user') users.push(value);
    else if (name === 'group') groups.push(value);
    else if (name === 'host') {
      hosts.push(value);
      warnings.push(`warning parsing auth.require 'require' field: 'host' not implemented; field value: ${field}`);
    } else if (name === 'valid-user') {
      return { error: `error parsing auth.require 'require' field: valid user can not be combined with other require rules ${EXPECTING}. error value: ${field}` };
    } else {
      return { error: `error parsing auth.require 'require' field: invalid/unsupported token ${EXPECTING}. error value: ${field} error near: ${rest}` };
    }
    if (bar < 0 || bar === rest.length - 1) break;
    rest = rest.slice(bar + 1);
  }
  return { rule: { validUser: false, users, groups, hosts }, warnings };
}

/** Whether an authenticated user passes the rule (file backends have no groups; hosts are not checked). */
export function admits(rule: RequireRule, user: string): boolean {
  return rule.validUser || rule.users.includes(user);
}
