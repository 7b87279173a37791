import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRangeSet, planRange, multipartLength, partHeader, MULTIPART_END, type RangeInput } from './range.js';

const base: RangeInput = { method: 'GET', protocol: 'HTTP/1.1', range: undefined, ifRange: undefined, etag: '"1"', lastModified: 'LM', length: 36 };

function plan(range: string, extra: Partial<RangeInput> = {}): ReturnType<typeof planRange> {
  return planRange({ ...base, range, ...extra });
}

test('transcript T3 ranges on a 36-byte file', () => {
  assert.deepEqual(plan('bytes=0-4'), { kind: 'ranges', ranges: [{ start: 0, end: 4 }] });
  assert.deepEqual(plan('bytes=-3'), { kind: 'ranges', ranges: [{ start: 33, end: 35 }] });
  assert.deepEqual(plan('bytes=30-100'), { kind: 'ranges', ranges: [{ start: 30, end: 35 }] });
  assert.deepEqual(plan('bytes=0-2,4-6'), { kind: 'ranges', ranges: [{ start: 0, end: 6 }] });
  assert.deepEqual(plan('bytes=0-2,90-95'), { kind: 'ranges', ranges: [{ start: 0, end: 2 }] });
  assert.deepEqual(plan('bytes=0-0,-1'), { kind: 'ranges', ranges: [{ start: 0, end: 35 }] });
  assert.deepEqual(plan('bytes=36-'), { kind: 'unsatisfiable' });
  assert.deepEqual(plan('bytes=10-5'), { kind: 'unsatisfiable' });
  assert.deepEqual(plan('bytes=abc'), { kind: 'unsatisfiable' });
  assert.deepEqual(plan('items=0-3'), { kind: 'full' });
  assert.deepEqual(plan('bytes=0-3', { protocol: 'HTTP/1.0' }), { kind: 'full' });
  assert.deepEqual(plan('bytes=0-3', { method: 'HEAD' }), { kind: 'full' });
  assert.deepEqual(plan('BYTES=0-3'), { kind: 'ranges', ranges: [{ start: 0, end: 3 }] });
});

test('spaces, -0, open end, suffix larger than the file', () => {
  assert.deepEqual(parseRangeSet(' 1 - 2 , 5-', 36), [{ start: 1, end: 35 }]);
  assert.deepEqual(parseRangeSet('-0', 36), []);
  assert.deepEqual(parseRangeSet('-100', 36), [{ start: 0, end: 35 }]);
  assert.deepEqual(parseRangeSet('5-abc', 36), []);
  assert.deepEqual(parseRangeSet('0-1,500-501,-2', 1000), [
    { start: 0, end: 1 },
    { start: 500, end: 501 },
    { start: 998, end: 999 },
  ]);
});

test('at most 10 ranges are considered', () => {
  const many = Array.from({ length: 15 }, (_v, i) => `${i * 200}-${i * 200}`).join(',');
  assert.equal(parseRangeSet(many, 10000).length, 10);
});

test('If-Range: exact ETag or exact Last-Modified, else full', () => {
  assert.equal(plan('bytes=0-1', { ifRange: '"1"' }).kind, 'ranges');
  assert.equal(plan('bytes=0-1', { ifRange: '"2"' }).kind, 'full');
  assert.equal(plan('bytes=0-1', { ifRange: 'LM' }).kind, 'ranges');
  assert.equal(plan('bytes=0-1', { ifRange: 'other' }).kind, 'full');
  assert.equal(plan('bytes=0-1', { ifRange: '"1"', etag: null }).kind, 'full');
});

test('multipart length matches transcript T3 (309 bytes)', () => {
  const ranges = parseRangeSet('0-1,500-501,-2', 1000);
  assert.equal(multipartLength('text/plain;charset=utf-8', ranges, 1000), 309);
  const first = ranges[0];
  assert.ok(first);
  assert.ok(partHeader('t', first, 1000, true).startsWith('--fkj49sn38dcn3\r\n'));
  assert.equal(MULTIPART_END, '\r\n--fkj49sn38dcn3--\r\n');
});
