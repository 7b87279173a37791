import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseHost, stripPort } from './host.js';

test('Host normalisation with host-strict (http-core.md §3.4)', () => {
  const cases: [string, string | null][] = [
    ['Example.COM:80', 'example.com'],
    ['example.com:8080', 'example.com:8080'],
    ['example.com.', 'example.com'],
    ['example.com:', 'example.com'],
    ['[0:0::1]:18204', '[::1]:18204'],
    ['127.000.0.1', '127.0.0.1'],
    ['a_b.com', null],
    ['a.com:99999', null],
    ['a.com:0', null],
    ['1.2.3', null],
    ['0x7f.1', null],
    ['-a.com', null],
    ['a..com', null],
    ['a.-b.com', null],
    ['[zz]', null],
    ['x'.repeat(1024), null],
  ];
  for (const [h, want] of cases) assert.equal(normaliseHost(h, 'http'), want, h);
  assert.equal(normaliseHost('a.com:443', 'https'), 'a.com');
  assert.equal(normaliseHost('a.com:80', 'https'), 'a.com:80');
});

test('stripPort', () => {
  assert.equal(stripPort('a.com:8080'), 'a.com');
  assert.equal(stripPort('[::1]:80'), '[::1]');
  assert.equal(stripPort('a.com'), 'a.com');
});

test('remembered answers stay per scheme and survive the memo filling up', () => {
  for (let round = 0; round < 2; round++) {
    assert.equal(normaliseHost('b.com:443', 'https'), 'b.com');
    assert.equal(normaliseHost('b.com:443', 'http'), 'b.com:443');
    assert.equal(normaliseHost('b.com:80', 'http'), 'b.com');
    assert.equal(normaliseHost('bad_host', 'http'), null);
  }
  for (let i = 0; i < 600; i++) assert.equal(normaliseHost(`h${i}.example:${1000 + i}`, 'http'), `h${i}.example:${1000 + i}`);
  assert.equal(normaliseHost('B.com:443', 'https'), 'b.com');
  assert.equal(normaliseHost('bad_host', 'http'), null);
});
