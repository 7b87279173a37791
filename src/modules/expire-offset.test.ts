import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExpireOffset } from './expire-offset.js';

function seconds(text: string): number {
  const r = parseExpireOffset(text);
  assert.ok(r.ok, `${text}: ${r.ok ? '' : r.detail}`);
  return r.offset.seconds;
}

function detail(text: string): string {
  const r = parseExpireOffset(text);
  assert.ok(!r.ok, `${text} should not parse`);
  return r.detail;
}

test('expire values: bases, optional plus, units singular or plural, sums', () => {
  assert.deepEqual(parseExpireOffset('access plus 1 hours'), { ok: true, offset: { base: 'access', seconds: 3600 } });
  assert.deepEqual(parseExpireOffset('now 2 minutes'), { ok: true, offset: { base: 'access', seconds: 120 } });
  assert.deepEqual(parseExpireOffset('modification plus 1 day'), { ok: true, offset: { base: 'modification', seconds: 86400 } });
  assert.equal(seconds('access 1 years'), 360 * 86400);
  assert.equal(seconds('access 1 month'), 30 * 86400);
  assert.equal(seconds('access 2 weeks 3 days 4 hours 5 minutes 6 seconds'), 2 * 604800 + 3 * 86400 + 4 * 3600 + 5 * 60 + 6);
  assert.equal(seconds('access 1 hours '), 3600);
  assert.equal(seconds('access -5 seconds'), -5);
  assert.equal(seconds('access 0 seconds'), 0);
});

test('expire values: numbers as C strtol into an int, 32-bit products', () => {
  assert.equal(seconds('access +7 second'), 7);
  // 100 * 31104000 does not fit a C int: lighttpd's product wraps
  assert.equal(seconds('access 100 years'), (100 * 31104000) - 2 ** 32);
  assert.equal(seconds('access 4294967297 seconds'), 1);
});

test('expire values: lighttpd\'s messages for bad strings', () => {
  assert.equal(detail(''), 'mod_expire empty string');
  assert.equal(detail('access'), 'invalid <base>: access');
  assert.equal(detail('Access 1 hours'), 'invalid <base>: Access 1 hours');
  assert.equal(detail('access plus 1'), 'missing space after <num>: 1');
  assert.equal(detail('access '), 'missing space after <num>: ');
  assert.equal(detail('modification 1x hours'), 'missing <type> after <num>: 1x hours');
  assert.equal(detail('access 1 foo'), 'unknown type: foo');
  assert.equal(detail('access 1 hours 2'), 'missing space after <num>: 2');
  // after a number lighttpd goes on from the first space, so a double space shifts everything
  assert.equal(detail('access  1 hours'), 'unknown type: 1 hours');
  assert.equal(detail('access 1  hours'), 'unknown type:  hours');
  assert.equal(detail('access 1 s'), 'unknown type: s');
  assert.equal(detail('access 0x10 seconds'), 'missing <type> after <num>: 0x10 seconds');
  assert.equal(detail('access 1 '), 'unknown type: ');
});
