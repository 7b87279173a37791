import { test } from 'node:test';
import assert from 'node:assert/strict';
import { djbHash, pickHostIndex, type BalanceCandidate } from './balance.js';

const req = { path: '/hash/p0', authority: 'h.example', remoteAddr: '127.0.0.1' };
const tcp = (port: number, load = 0, usable = true): BalanceCandidate => ({ load, hashName: '127.0.0.1', port, usable });

test('djb hash is lighttpd’s (h*33) ^ c over bytes', () => {
  assert.equal(djbHash(''), 5381);
  assert.equal(djbHash('a'), ((5381 * 33) ^ 97) >>> 0);
  assert.equal(djbHash('ab'), ((((5381 * 33) ^ 97) * 33) ^ 98) >>> 0);
});

test('fair / least-connection: smallest load, ties to the first listed', () => {
  const hosts = [tcp(1, 1), tcp(2, 0), tcp(3, 0)];
  assert.equal(pickHostIndex(hosts, 'fair', req, -1), 1);
  assert.equal(pickHostIndex([tcp(1), tcp(2), tcp(3)], 'least-connection', req, -1), 0);
  assert.equal(pickHostIndex([tcp(1, 0, false), tcp(2, 5)], 'fair', req, -1), 1);
});

test('round-robin: next after the last used, wrapping, skipping unusable hosts', () => {
  const hosts = [tcp(1), tcp(2), tcp(3)];
  let last = -1;
  const seq: number[] = [];
  for (let i = 0; i < 5; i++) {
    last = pickHostIndex(hosts, 'round-robin', req, last);
    seq.push(last);
  }
  assert.deepEqual(seq, [0, 1, 2, 0, 1]);
  assert.equal(pickHostIndex([tcp(1), tcp(2, 0, false), tcp(3)], 'round-robin', req, 0), 2);
});

test('hash: largest djb(authority, djb(path)) ^ djb(host) wins; same IP always ties to the first', () => {
  const socks = ['/s/u1', '/s/u2', '/s/u3'].map((p) => ({ load: 0, hashName: p, port: 0, usable: true }));
  const base = djbHash(req.authority, djbHash(req.path));
  const scores = socks.map((h) => (base ^ djbHash(h.hashName)) >>> 0);
  assert.equal(pickHostIndex(socks, 'hash', req, -1), scores.indexOf(Math.max(...scores)));
  assert.equal(pickHostIndex([tcp(1), tcp(2), tcp(3)], 'hash', req, -1), 0);
});

test('sticky: client IP hash ^ host hash ^ port (backends.md §6.4: 18108 wins for 127.0.0.1)', () => {
  assert.equal(pickHostIndex([tcp(18102), tcp(18107), tcp(18108)], 'sticky', req, -1), 2);
  assert.equal(pickHostIndex([tcp(18102), tcp(18107), tcp(18108)], 'sticky', { ...req, path: '/other', authority: 'x' }, -1), 2);
});

test('a single host is used without any algorithm, unless it is unusable', () => {
  assert.equal(pickHostIndex([tcp(1, 9)], 'round-robin', req, 0), 0);
  assert.equal(pickHostIndex([tcp(1, 0, false)], 'fair', req, -1), -1);
  assert.equal(pickHostIndex([tcp(1, 0, false), tcp(2, 0, false)], 'hash', req, -1), -1);
});
