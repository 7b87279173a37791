import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CondField, ConfigBlock } from '../config/tree.js';
import { dependentBlockIds } from './match.js';

function block(id: number, parent: ConfigBlock | null, field: CondField | null): ConfigBlock {
  const b: ConfigBlock = {
    id,
    parent,
    children: [],
    condition: field === null ? null : { object: 'HTTP', tag: field, field, op: '==', value: 'x', text: '', regex: null },
    isPlainElse: false,
    elsePrev: null,
    elseNext: null,
    entries: [],
  };
  parent?.children.push(b);
  return b;
}

test('dependentBlockIds: blocks testing the field, their nested blocks and the rest of their else chain', () => {
  const root = block(0, null, null);
  const url = block(1, root, 'url');
  const ipInUrl = block(2, url, 'remote-ip');
  block(3, ipInUrl, 'host');
  const ip = block(4, root, 'remote-ip');
  const elseHost = block(5, root, 'host');
  ip.elseNext = elseHost;
  elseHost.elsePrev = ip;
  const nestedInElse = block(6, elseHost, 'url');
  block(7, root, 'scheme');
  assert.deepEqual(dependentBlockIds(root, 'remote-ip'), [2, 3, 4, 5, 6]);
  assert.deepEqual(dependentBlockIds(root, 'scheme'), [7]);
  assert.deepEqual(dependentBlockIds(root, 'socket'), []);
  assert.equal(nestedInElse.parent, elseHost);
});
