import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asciiLower, findEntry, type ConfigBlock } from './tree.js';

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
