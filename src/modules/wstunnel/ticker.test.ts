import { test } from 'node:test';
import assert from 'node:assert/strict';
import { secondsBetweenTicks, Ticker } from './ticker.js';

test('a tick a little late counts one second, even across two wall-clock second boundaries', () => {
  assert.equal(secondsBetweenTicks(1000), 1);
  assert.equal(secondsBetweenTicks(1010), 1); // e.g. 10.99 s → 12.00 s
  assert.equal(secondsBetweenTicks(1450), 1);
  assert.equal(secondsBetweenTicks(980), 1); // an early timer still counts
});

test('a loop blocked for seconds counts them all', () => {
  assert.equal(secondsBetweenTicks(1600), 2);
  assert.equal(secondsBetweenTicks(5020), 5);
});

test('members are visited once a second with a counter that only moves forward', async () => {
  const ticker = new Ticker();
  const seen: number[] = [];
  const start = ticker.now;
  const member = { tick: (now: number): void => void seen.push(now) };
  ticker.add(member);
  // the timer is unref'd: this wait keeps the process alive
  await new Promise((r) => setTimeout(r, 2300));
  ticker.delete(member);
  assert.equal(ticker.size, 0);
  assert.ok(seen.length >= 1, `${seen.length} ticks`);
  assert.ok((seen[0] ?? start) > start);
  for (let i = 1; i < seen.length; i++) assert.ok((seen[i] ?? 0) > (seen[i - 1] ?? 0), seen.join(' '));
  assert.equal(ticker.now, seen[seen.length - 1]);
});
