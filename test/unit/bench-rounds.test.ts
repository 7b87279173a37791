import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostTimes, option, spread, stealPct } from '../../bench/rounds.js';

test('option takes a positive number after its flag, else the fallback', () => {
  assert.equal(option(['--rounds', '7'], '--rounds', 5), 7);
  assert.equal(option(['--rounds', '0'], '--rounds', 5), 5);
  assert.equal(option(['--rounds', 'x'], '--rounds', 5), 5);
  assert.equal(option(['--rounds'], '--rounds', 5), 5);
  assert.equal(option(['--seconds', '2.5'], '--rounds', 5), 5);
  assert.equal(option(['--seconds', '2.5'], '--seconds', 3), 2.5);
});

test('spread prints the median with the min–max range', () => {
  assert.equal(spread([3, 1, 2], 0), '2 (1–3)');
  assert.equal(spread([10.04, 9.6, 12.25, 11], 2), '10.52 (9.60–12.25)');
});

test('stealPct is steal over all CPU time between two readings', () => {
  assert.equal(stealPct([10, 1000], [30, 2000]), 2);
  assert.equal(stealPct([5, 100], [5, 100]), 0);
  const [steal, total] = hostTimes();
  assert.ok(Number.isFinite(steal) && steal >= 0 && total > 0 && steal <= total);
});
