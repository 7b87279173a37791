/**
 * Condition headers: the field table, regex simplification and value checks that lighttpd 1.4.69 does
 * while parsing (config-language.md §6.3–§6.5). Regex compilation is in regex.ts.
 */
import type { CondField, CondOp } from './tree.js';
import { normalizeHost, normalizeRemoteIp } from './host-normalize.js';
import { configBytes } from './config-bytes.js';

/** Fields whose request value is header bytes (one char per byte). */
const BYTE_FIELDS: ReadonlySet<CondField> = new Set<CondField>(['host', 'useragent', 'user-agent', 'referer', 'cookie', 'language', 'header']);

const HTTP_FIELDS: ReadonlyMap<string, CondField> = new Map<string, CondField>([
  ['url', 'url'],
  ['host', 'host'],
  ['referer', 'referer'],
  ['useragent', 'useragent'],
  ['user-agent', 'user-agent'],
  ['language', 'language'],
  ['cookie', 'cookie'],
  ['remoteip', 'remote-ip'],
  ['remote-ip', 'remote-ip'],
  ['querystring', 'querystring'],
  ['query-string', 'querystring'],
  ['request-method', 'request-method'],
  ['scheme', 'scheme'],
]);

/** The field a `$OBJ["tag"]` names (case-sensitive, as in lighttpd), or null if 1.4.69 rejects it. */
export function conditionField(obj: string, tag: string): CondField | null {
  if (obj === 'REQUEST_HEADER') return 'header';
  if (obj === 'SERVER') return tag === 'socket' ? 'socket' : null;
  if (obj === 'HTTP') return HTTP_FIELDS.get(tag) ?? null;
  return null;
}

/** Every field spelling lighttpd 1.4.69 accepts, for "did you mean" hints. */
export const KNOWN_CONDITIONS: readonly string[] = [
  ...[...HTTP_FIELDS.keys()].map((t) => `$HTTP["${t}"]`),
  '$SERVER["socket"]',
  '$REQUEST_HEADER["…"]',
];

const REGEX_CHARS = /[\\^$.|?*+()[\]{}]/;

/**
 * lighttpd's rewrite of trivial `=~` patterns (config-language.md §6.4): `^/a$` → `== "/a"`,
 * `\.php$` → `=$ ".php"`, `/x$` → `=$ "/x"`, `^/ws/` → `=^ "/ws/"`; anything else stays `=~`.
 */
export function simplifyRegex(pattern: string): { op: CondOp; value: string } {
  let op: CondOp;
  let off = 0;
  let len = pattern.length;
  if (len > 0 && pattern.endsWith('$')) {
    op = '=$';
    if (pattern.startsWith('\\.')) off = 2;
    else if (pattern.startsWith('^')) {
      off = 1;
      op = '==';
    }
    len--;
  } else if (pattern.startsWith('^')) {
    off = 1;
    op = '=^';
  } else {
    return { op: '=~', value: pattern };
  }
  if (REGEX_CHARS.test(pattern.slice(off, len))) return { op: '=~', value: pattern };
  // lighttpd removes only the first character, so "\.ext" keeps its '.'
  return { op, value: off ? pattern.slice(1, len) : pattern.slice(0, len) };
}

/** The operator a plain `else` stores: the previous chain member's, negated. */
export function negateOp(op: CondOp): CondOp {
  switch (op) {
    case '==':
      return '!=';
    case '!=':
      return '==';
    case '=~':
      return '!~';
    case '!~':
      return '=~';
    case '=^':
      return '!^';
    case '=$':
      return '!$';
    case '!^':
      return '=^';
    case '!$':
      return '=$';
  }
}

/**
 * Checks (and normalises for runtime use) a condition value as lighttpd does at parse time:
 * host names and sockets must be valid `host[:port]`, remote IPs valid addresses/masks. Plain values
 * (`==`, `!=`, `=^`, `=$`) compared with request header bytes (host, user agent, referer, cookie, language,
 * `$REQUEST_HEADER`) become the bytes of their UTF-8 text, as lighttpd compares them. Query-string values are finished later, once
 * `server.http-parseopts` is known (query-conditions.ts).
 * Returns the value to compare at runtime, or null when lighttpd fails with `invalid IP addr`.
 */
export function checkConditionValue(field: CondField, op: CondOp, value: string): string | null {
  const plain = op === '==' || op === '!=' || op === '=^' || op === '=$';
  if (field === 'host' && plain) {
    const host = normalizeHost(value);
    return host === null ? null : configBytes(host);
  }
  // header values are compared as the request's bytes: a plain value as its UTF-8 bytes too (patterns stay
  // text: lighttpd matches them in UTF-8 mode)
  if (plain && BYTE_FIELDS.has(field)) return configBytes(value);
  if (field === 'remote-ip' && plain) return normalizeRemoteIp(value);
  if (field === 'socket') {
    if (value.startsWith(':') || value.startsWith('[]') || value.startsWith('/') || value.startsWith('\\')) return value;
    return normalizeHost(value);
  }
  return value;
}
