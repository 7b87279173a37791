import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planFds, waitRoom } from './fd-plan.js';

test('planFds: lighttpd 1.4.69 defaults (limit, at most 4096; a third as connections)', () => {
  assert.deepEqual(planFds(0, 0, 20000), { maxFds: 4096, maxConnections: 1365, notes: [] });
  assert.deepEqual(planFds(0, 0, null), { maxFds: 4096, maxConnections: 1365, notes: [] });
  assert.deepEqual(planFds(0, 0, 64), { maxFds: 64, maxConnections: 21, notes: [] });
  assert.deepEqual(planFds(0, 0, 20), { maxFds: 32, maxConnections: 10, notes: [] });
});

test('planFds: server.max-fds below the limit is used, above it reduced with a line', () => {
  assert.deepEqual(planFds(100, 0, 20000), { maxFds: 100, maxConnections: 33, notes: [] });
  const p = planFds(1000, 0, 64);
  assert.equal(p.maxFds, 64);
  assert.deepEqual(p.notes.map((n) => n.ref), ['server.c.1530']);
});

test("planFds: server.max-connections above fds/2 is halved with lighttpd's line", () => {
  assert.deepEqual(planFds(0, 40, 64).notes, [{ ref: 'server.c.1761', text: "can't have more connections than fds/2: 40 64" }]);
  assert.equal(planFds(0, 40, 64).maxConnections, 32);
  assert.equal(planFds(0, 32, 64).maxConnections, 32);
});

test('planFds: connections lowered to what fits beside the descriptors in use; waitRoom', () => {
  const p = planFds(0, 0, 64, 24);
  assert.equal(p.maxConnections, 16);
  assert.equal(p.notes[0]?.ref, 'server.c.1770');
  assert.equal(waitRoom(p, 24, 1), 8);
  assert.equal(waitRoom(p, 24, 2), 4);
  assert.equal(waitRoom(planFds(0, 0, 20000, 24), 24, 1), 4096 - 24 - 2730);
  assert.equal(waitRoom(p, null, 1), Number.POSITIVE_INFINITY);
});
