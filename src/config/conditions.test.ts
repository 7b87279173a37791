import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkConditionValue, conditionField, negateOp, simplifyRegex } from './conditions.js';
import { compileConditionRegex } from './regex.js';

test('field table of 1.4.69 (case-sensitive)', () => {
  assert.equal(conditionField('HTTP', 'remoteip'), 'remote-ip');
  assert.equal(conditionField('HTTP', 'query-string'), 'querystring');
  assert.equal(conditionField('REQUEST_HEADER', 'X-Anything'), 'header');
  assert.equal(conditionField('SERVER', 'socket'), 'socket');
  for (const [o, t] of [['SERVER', 'name'], ['HTTP', 'foo'], ['http', 'url'], ['PHYSICAL', 'path'], ['HTTP', 'URL']] as const) {
    assert.equal(conditionField(o, t), null, `${o}[${t}]`);
  }
});

test('regex simplification (§6.4)', () => {
  assert.deepEqual(simplifyRegex('^/a/b$'), { op: '==', value: '/a/b' });
  assert.deepEqual(simplifyRegex('\\.php$'), { op: '=$', value: '.php' });
  assert.deepEqual(simplifyRegex('/x$'), { op: '=$', value: '/x' });
  assert.deepEqual(simplifyRegex('^/ws/'), { op: '=^', value: '/ws/' });
  assert.deepEqual(simplifyRegex('^/a.b'), { op: '=~', value: '^/a.b' });
  assert.deepEqual(simplifyRegex(''), { op: '=~', value: '' });
  assert.deepEqual(simplifyRegex('^$'), { op: '==', value: '' });
  assert.equal(negateOp('=^'), '!^');
  assert.equal(negateOp('!='), '==');
});

test('host, socket and remote-ip values (§6.5)', () => {
  assert.equal(checkConditionValue('host', '==', 'Example.com:0x50'), 'Example.com:80');
  assert.equal(checkConditionValue('host', '==', 'any text at all'), 'any text at all');
  for (const bad of [':80', 'x:0', 'x:70000', 'x:abc', '[zz]', '[]']) assert.equal(checkConditionValue('host', '==', bad), null, bad);
  assert.equal(checkConditionValue('host', '=~', ':80'), ':80');
  assert.equal(checkConditionValue('socket', '==', ':8080'), ':8080');
  assert.equal(checkConditionValue('socket', '=~', '^:80$'), null);
  assert.equal(checkConditionValue('socket', '==', '[::1]:80'), '[::1]:80');
  assert.equal(checkConditionValue('remote-ip', '==', '10.0.0.0/8'), '10.0.0.0/8');
  assert.equal(checkConditionValue('remote-ip', '==', '2001:DB8::1/64'), '2001:db8::1/64');
  assert.equal(checkConditionValue('remote-ip', '==', '/run/sock'), '/run/sock');
  assert.equal(checkConditionValue('remote-ip', '=^', '10'), null);
  assert.equal(checkConditionValue('remote-ip', '==', '10.0.0.0/99'), '10.0.0.0/99'); // lighttpd quirk: not reported
});

test('PCRE patterns become equivalent JavaScript regexes, or a clear error', () => {
  const re = (p: string): RegExp => {
    const r = compileConditionRegex(p);
    assert.ok(r.ok, r.ok ? '' : r.message);
    return r.regex;
  };
  assert.ok(re('(?i)\\.JPE?G$').test('/x.jpg'));
  assert.ok(re('^/a\\-b\\/c').test('/a-b/c'));
  assert.ok(re('^[[:digit:]]+$').test('123'));
  assert.ok(re('\\Qa.b\\E').test('a.b') && !re('\\Qa.b\\E').test('axb'));
  assert.ok(re('x{').test('x{'));
  assert.ok(re('^/a.b$').test('/a\rb'), 'PCRE . matches \\r');
  assert.ok(re('^/ab$').test('/ab\n') && !re('^/ab$').test('/ab\n\n'), 'PCRE $ matches before a final newline');
  assert.equal(re('^/(a)(?P<n>b)(?P=n)').exec('/abb')?.[2], 'b');
  for (const p of ['x++', '(?>a)', 'a\\Kb', '(?i:a)', '(?(1)a|b)', '(?R)']) {
    const r = compileConditionRegex(p);
    assert.equal(r.ok, false, p);
    if (!r.ok) assert.match(r.message, /JavaScript regular expressions cannot express/);
  }
  const many = compileConditionRegex('(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)');
  assert.ok(!many.ok && /too many capture groups \(10\)/.test(many.message));
  assert.ok(compileConditionRegex('(?:a)(b)(c)(d)(e)(f)(g)(h)(i)(j)').ok);
});
