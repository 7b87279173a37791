import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostTimes, interleavedRounds, option, roundsPreamble, spread, stealPct } from '../../bench/rounds.js';

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

test('interleavedRounds warms every subject up once, then measures them in turn, round after round', async () => {
  const order: string[] = [];
  const subjects = [
    { name: 'a', rates: [] as number[], cpu: [] as number[] },
    { name: 'b', rates: [] as number[], cpu: [] as number[] },
  ];
  let n = 0;
  const steal = await interleavedRounds(
    subjects,
    2,
    async (s) => order.push(`warm ${s.name}`),
    async (s) => {
      order.push(s.name);
      n++;
      return [n * 10, n];
    },
  );
  assert.deepEqual(order, ['warm a', 'warm b', 'a', 'b', 'a', 'b']);
  assert.deepEqual(subjects[0]?.rates, [10, 30]);
  assert.deepEqual(subjects[1]?.cpu, [2, 4]);
  assert.ok(steal >= 0 && steal <= 100);
  assert.equal(roundsPreamble('m', 'p', 2, 3, 1.25), 'm\np; 2 interleaved rounds of 3 s; host steal during the rounds 1.3 %\n');
});
