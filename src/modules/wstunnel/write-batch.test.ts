import { test } from 'node:test';
import assert from 'node:assert/strict';
import { atEndOfTurn } from './write-batch.js';

test('atEndOfTurn: runs each function once, in order, after the current turn; later calls get a new turn', async () => {
  const seen: string[] = [];
  atEndOfTurn(() => seen.push('a'));
  atEndOfTurn(() => seen.push('b'));
  process.nextTick(() => seen.push('tick'));
  assert.equal(seen.length, 0, 'nothing ran yet');
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(seen, ['tick', 'a', 'b']);
  atEndOfTurn(() => seen.push('c'));
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(seen, ['tick', 'a', 'b', 'c']);
});
