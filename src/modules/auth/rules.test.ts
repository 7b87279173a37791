import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigArrayItem, ConfigValue } from '../../config/tree.js';
import { parseRules, ruleFor } from './rules.js';
import { parseDigestAlgorithms } from './digest-algorithm.js';

const str = (value: string): ConfigValue => ({ type: 'string', value });
const item = (key: string | null, value: ConfigValue): ConfigArrayItem => ({ key, value });
const arr = (...items: ConfigArrayItem[]): ConfigValue => ({ type: 'array', items });
const rule = (prefix: string, opts: Record<string, string>): ConfigArrayItem => item(prefix, arr(...Object.entries(opts).map(([k, v]) => item(k, str(v)))));

test('auth.require: rules in config order with method, realm, require and digest options', () => {
  const p = parseRules(arr(rule('/a/', { method: 'basic', realm: '', require: 'user=x|user=y|group=g' }), rule('', { method: 'digest', realm: 'R', require: 'valid-user', algorithm: 'MD5|sha-256-sess', 'nonce-secret': 's', userhash: 'enable' })));
  assert.equal(p.error, null);
  const [a, b] = p.rules ?? [];
  assert.deepEqual(a?.require, { validUser: false, users: ['x', 'y'], groups: ['g'], hosts: [] });
  assert.equal(a?.realm, '');
  assert.deepEqual(b?.algorithms, ['SHA-256', 'MD5']);
  assert.equal(b?.nonceSecret, 's');
  assert.equal(b?.userhash, true);
  assert.equal(ruleFor(p.rules ?? [], '/a/x', false), a);
  assert.equal(ruleFor(p.rules ?? [], '/A/x', false), b, 'case-sensitive: falls to the "" rule');
  assert.equal(ruleFor(p.rules ?? [], '/A/x', true), a, 'force-lowercase-filenames');
});

test('auth.require: lighttpd 1.4.69 startup errors', () => {
  const cases: [ConfigValue, RegExp][] = [
    [str('x'), /auth\.require should have been a list of key => list/],
    [arr(item('/', str('basic'))), /should have been a list of key => list/],
    [arr(item('/', arr(item(null, str('basic'))))), /unexpected value for auth\.require/],
    [arr(rule('/', { realm: 'R', require: 'valid-user' })), /the method field is missing or blank/],
    [arr(rule('/', { method: 'foo', realm: 'R', require: 'valid-user' })), /^unknown method foo \(e\.g\. "basic", "digest" or "extern"\)/],
    [arr(rule('/', { method: 'Basic', realm: 'R', require: 'valid-user' })), /^unknown method Basic/],
    [arr(rule('/', { method: 'basic', require: 'valid-user' })), /the realm field is missing/],
    [arr(rule('/', { method: 'basic', realm: 'R', require: ' ' })), /the require field is missing or blank/],
    [arr(rule('/', { method: 'basic', realm: 'R', require: 'valid-user', x: 'y' })), /the field is unknown in: .*-> "x" <-/],
    [arr(rule('/', { method: 'basic', realm: 'R', require: 'user' })), /missing '='.*error near: user/],
    [arr(rule('/', { method: 'basic', realm: 'R', require: 'user=' })), /missing token after '='/],
    [arr(rule('/', { method: 'basic', realm: 'R', require: 'user=a|valid-user=b' })), /valid user can not be combined/],
    [arr(rule('/', { method: 'basic', realm: 'R', require: 'role=a' })), /invalid\/unsupported token/],
    [arr(rule('/', { method: 'digest', realm: 'R', require: 'valid-user', algorithm: 'SHA-1' })), /invalid algorithm/],
  ];
  for (const [value, want] of cases) assert.match(parseRules(value).error ?? '', want);
  const host = parseRules(arr(rule('/', { method: 'basic', realm: 'R', require: 'host=h|user=a' })));
  assert.equal(host.error, null);
  assert.match(host.warnings[0] ?? '', /'host' not implemented; field value: host=h\|user=a/);
});

test('digest algorithms: any case, -sess accepted, fixed order, MD5 when empty', () => {
  assert.deepEqual(parseDigestAlgorithms(''), ['MD5']);
  assert.deepEqual(parseDigestAlgorithms('md5-SESS'), ['MD5']);
  assert.deepEqual(parseDigestAlgorithms('MD5|SHA-512-256|Sha-256'), ['SHA-512-256', 'SHA-256', 'MD5']);
  assert.equal(parseDigestAlgorithms('MD5|'), null);
  assert.equal(parseDigestAlgorithms('sha-1'), null);
});
