import { test } from 'node:test';
import assert from 'node:assert/strict';
import { median, ratio, summarize } from '../../bench/stats.js';
import { formatNumber, formatRatio, formatSummary, markdownTable } from '../../bench/table.js';

test('median of odd and even counts, unsorted input', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([7]), 7);
  assert.throws(() => median([]), RangeError);
});

test('summarize ignores non-finite values and reports the spread', () => {
  assert.deepEqual(summarize([10, Number.NaN, 30, 20]), { median: 20, min: 10, max: 30, n: 3 });
  assert.equal(summarize([Number.NaN]), undefined);
  assert.equal(summarize([]), undefined);
});

test('ratio is undefined for missing operands or a zero divisor', () => {
  assert.equal(ratio(6, 3), 2);
  assert.equal(ratio(undefined, 3), undefined);
  assert.equal(ratio(1, 0), undefined);
});

test('numbers are formatted per unit', () => {
  assert.equal(formatNumber(53684.3, 'count/s'), '53,684');
  assert.equal(formatNumber(1655.5, 'us'), '1,656');
  assert.equal(formatNumber(127.04, 'us'), '127');
  assert.equal(formatNumber(98.55, 'MB/s'), '98.5');
  assert.equal(formatNumber(4.5, 'KiB'), '4.50');
});

test('a summary shows its spread unless there is none', () => {
  assert.equal(formatSummary({ median: 20, min: 10, max: 30, n: 3 }, 'count/s'), '20 (10–30)');
  assert.equal(formatSummary({ median: 20, min: 20, max: 20, n: 3 }, 'count/s'), '20');
  assert.equal(formatSummary({ median: 20, min: 10, max: 30, n: 1 }, 'count/s'), '20');
  assert.equal(formatSummary(undefined, 'count/s'), '—');
  assert.equal(formatRatio(0.456), '0.46×');
  assert.equal(formatRatio(12.34), '12.3×');
  assert.equal(formatRatio(16.5 / 29122), '0.00057×');
  assert.equal(formatRatio(0.05), '0.05×');
  assert.equal(formatRatio(undefined), '—');
});

test('markdown table escapes pipes', () => {
  assert.equal(markdownTable(['a', 'b'], [['1|2', '3']]), '| a | b |\n|---|---|\n| 1\\|2 | 3 |');
});
