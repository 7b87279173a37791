import { test } from 'node:test';
import assert from 'node:assert/strict';
import { etagMatches, computeEtag } from './etag.js';
import { evaluateConditional, type ConditionalInput } from './conditional.js';
import { parseHttpDate, formatHttpDate } from './http-date.js';
import type { BigIntStats } from 'node:fs';

test('etagMatches: lists, weak tags, *', () => {
  assert.ok(etagMatches('"123"', '"123"', true));
  assert.ok(etagMatches('"123"', 'W/"123"', true));
  assert.ok(!etagMatches('"123"', 'W/"123"', false));
  assert.ok(etagMatches('"123"', '"x", "123"', true));
  assert.ok(etagMatches('"123"', '*', false));
  assert.ok(etagMatches('"123"', '"x", *', true));
  assert.ok(!etagMatches('"123"', '"1234"', true));
  assert.ok(!etagMatches('"123"', '"nope"', true));
});

test('computeEtag: dekhash over little-endian words, seeded with the length', () => {
  const st = { ino: 1n, size: 12n, mtimeNs: 1_700_000_000_123_456_789n } as unknown as BigIntStats;
  const all = computeEtag(st, { inode: true, size: true, mtime: true });
  assert.match(all ?? '', /^"\d+"$/);
  assert.equal(computeEtag(st, { inode: false, size: false, mtime: false }), null);
  // recomputed by hand for the size word only: h starts at 8, bytes 12,0,0,0,0,0,0,0
  let h = 8;
  for (const b of [12, 0, 0, 0, 0, 0, 0, 0]) h = ((h << 5) ^ (h >>> 27) ^ b) >>> 0;
  assert.equal(computeEtag(st, { inode: false, size: true, mtime: false }), `"${h}"`);
});

const lm = 'Sun, 22 Nov 2026 13:39:26 GMT';
const mtime = Date.UTC(2026, 10, 22, 13, 39, 26) / 1000;
const cond = (o: Partial<ConditionalInput>): ReturnType<typeof evaluateConditional> =>
  evaluateConditional({ method: 'GET', ifNoneMatch: undefined, ifModifiedSince: undefined, hasRange: false, etag: '"7"', lastModified: lm, mtime, ...o });

test('conditional matrix of transcript T2', () => {
  assert.equal(cond({ ifNoneMatch: '"7"' }), 304);
  assert.equal(cond({ ifNoneMatch: 'W/"7"' }), 304);
  assert.equal(cond({ ifNoneMatch: '"x", "7"' }), 304);
  assert.equal(cond({ ifNoneMatch: '*' }), 304);
  assert.equal(cond({ ifNoneMatch: '"nope"', ifModifiedSince: lm }), 'proceed');
  assert.equal(cond({ ifModifiedSince: lm }), 304);
  assert.equal(cond({ ifModifiedSince: 'Mon, 23 Nov 2026 00:00:00 GMT' }), 304);
  assert.equal(cond({ ifModifiedSince: 'Sunday, 22-Nov-26 13:39:26 GMT' }), 304);
  assert.equal(cond({ ifModifiedSince: 'Sun Nov 22 13:39:26 2026' }), 304);
  assert.equal(cond({ ifModifiedSince: 'Sun, 22 Nov 2026 13:39:25 GMT' }), 'proceed');
  assert.equal(cond({ ifModifiedSince: 'garbage' }), 'proceed');
  assert.equal(cond({ method: 'POST', ifNoneMatch: '"7"' }), 412);
  assert.equal(cond({ method: 'POST', ifModifiedSince: lm }), 'proceed');
  assert.equal(cond({ ifNoneMatch: 'W/"7"', hasRange: true }), 'proceed');
});

test('http dates', () => {
  assert.equal(formatHttpDate(mtime), lm);
  assert.equal(parseHttpDate(lm), mtime);
  assert.equal(parseHttpDate('Sun Nov  2 01:02:03 2026'), Date.UTC(2026, 10, 2, 1, 2, 3) / 1000);
  assert.equal(parseHttpDate('Sun, 22 Foo 2026 13:39:26 GMT'), null);
});
