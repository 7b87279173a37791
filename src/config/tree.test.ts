import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asciiEqualsIgnoreCase, asciiLower, findEntry, type ConfigBlock } from './tree.js';

test('asciiLower folds only A-Z', () => {
  assert.equal(asciiLower('Server.PORT'), 'server.port');
  assert.equal(asciiLower('ÄÖ'), 'ÄÖ');
});

test('findEntry compares keys ASCII case-insensitively', () => {
  const block: ConfigBlock = {
    id: 0, parent: null, children: [], condition: null, isPlainElse: false, elsePrev: null, elseNext: null,
    entries: [{ key: 'SERVER.port', value: { type: 'integer', value: 80 } }],
  };
  assert.equal(findEntry(block, 'server.PORT')?.value.type, 'integer');
  assert.equal(findEntry(block, 'server.bind'), undefined);
});

test('asciiEqualsIgnoreCase folds only A-Z and compares lengths first', () => {
  assert.ok(asciiEqualsIgnoreCase('Server.PORT', 'server.port'));
  assert.ok(!asciiEqualsIgnoreCase('server.port', 'server.ports'));
  assert.ok(!asciiEqualsIgnoreCase('Ä', 'ä'));
  assert.ok(!asciiEqualsIgnoreCase('[', '{')); // 0x5b vs 0x7b: not letters
  assert.equal(asciiLower('already.lower'), 'already.lower');
});
