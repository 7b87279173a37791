import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeValue, parseFormat } from './format.js';
import { strftime } from './strftime.js';

test('format parsing: text, specifiers with arguments, %% and backslash escapes', () => {
  const f = parseFormat('%h\\t%{User-Agent}i %>s %%');
  assert.deepEqual(f, [
    { kind: 'spec', spec: 'h', arg: '' },
    { kind: 'text', text: '\t' },
    { kind: 'spec', spec: 'i', arg: 'User-Agent' },
    { kind: 'text', text: ' ' },
    { kind: 'spec', spec: 's', arg: '' },
    { kind: 'text', text: ' %' },
  ]);
});

test('format errors as lighttpd words them', () => {
  assert.throws(() => parseFormat('%Z'), /must be followed by a valid format-specifier/);
  assert.throws(() => parseFormat('%t %{%s}t'), /twice/);
  assert.throws(() => parseFormat('%{bogus}t'), /invalid format/);
  assert.doesNotThrow(() => parseFormat('%t %{msec_frac}t %{begin:usec}t'));
});

test('escaping: \\xHH outside printable ASCII, quotes and backslashes, short forms', () => {
  assert.equal(escapeValue('a"b\\c\x01\xff\t', false), 'a\\"b\\\\c\\x01\\xFF\\t');
  assert.equal(escapeValue('\x01', true), '\\u0001');
  assert.equal(escapeValue('\xc3\xa9\x1b', false), '\\xC3\\xA9\\x1B', 'upper-case hex, as lighttpd');
  assert.equal(escapeValue('\xfe', true), '\\u00FE');
});

test('strftime in local time', () => {
  const d = new Date(2026, 10, 5, 7, 8, 9);
  assert.equal(strftime('%Y-%m-%d %H:%M:%S %b %a %e|%j', d), '2026-11-05 07:08:09 Nov Thu  5|309');
});
