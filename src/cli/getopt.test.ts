import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIdleTimeout, scanOptions, type ScanItem } from './getopt.js';

const opts = (argv: string[]): string[] =>
  scanOptions(argv, 'tswstunnel').map((it: ScanItem) => (it.kind === 'error' ? `!${it.message}` : `${it.letter}${it.arg === undefined ? '' : `=${it.arg}`}`));

test('bundled flags and attached arguments, as getopt("f:m:i:hvVD1pt")', () => {
  assert.deepEqual(opts(['-tt', '-Dp']), ['t', 't', 'D', 'p']);
  assert.deepEqual(opts(['-ft.conf']), ['f=t.conf']);
  assert.deepEqual(opts(['-pf', 'x.conf']), ['p', 'f=x.conf']);
  assert.deepEqual(opts(['-Dtf-']), ['D', 't', 'f=-']);
  assert.deepEqual(opts(['-i', '10', '-m', '/nonexistent']), ['i=10', 'm=/nonexistent']);
});

test('an option argument may start with a dash, and "-f -" means stdin', () => {
  assert.deepEqual(opts(['-f', '-']), ['f=-']);
  assert.deepEqual(opts(['-f', '-t']), ['f=-t']);
});

test('non-option words are skipped anywhere (GNU permutation); "--" ends the options', () => {
  assert.deepEqual(opts(['-t', '-f', 'x.conf', 'junk', '-p']), ['t', 'f=x.conf', 'p']);
  assert.deepEqual(opts(['-t', '--', '-p']), ['t']);
  assert.deepEqual(opts(['-', '-t']), ['t']);
});

test('errors come at the place getopt reports them, after the options before them', () => {
  assert.deepEqual(opts(['-t', '-x', '-p']), ['t', "!tswstunnel: invalid option -- 'x'"]);
  assert.deepEqual(opts(['-tx']), ['t', "!tswstunnel: invalid option -- 'x'"]);
  assert.deepEqual(opts(['-t', '-f']), ['t', "!tswstunnel: option requires an argument -- 'f'"]);
  assert.deepEqual(opts(['--help']), ["!tswstunnel: invalid option -- '-'"]);
  assert.deepEqual(opts(['-:']), ["!tswstunnel: invalid option -- ':'"]);
});

test('-i follows C strtol(…, 0): decimal, 0x hex, leading-0 octal, blanks and sign first', () => {
  assert.equal(parseIdleTimeout('10'), 10);
  assert.equal(parseIdleTimeout('0x1f'), 31);
  assert.equal(parseIdleTimeout('010'), 8);
  assert.equal(parseIdleTimeout(' 5'), 5);
  assert.equal(parseIdleTimeout('+7'), 7);
  assert.equal(parseIdleTimeout('-0'), 0);
  assert.equal(parseIdleTimeout('0'), 0);
  assert.equal(parseIdleTimeout('99999999999999999999'), 2 ** 31 - 1);
});

test('-i rejects what lighttpd rejects: empty, trailing junk, negative, bad octal', () => {
  for (const bad of ['', '5x', '5 ', '-1', '08', '0x', 'abc', ' ']) assert.equal(parseIdleTimeout(bad), null, bad);
});
