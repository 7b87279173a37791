import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { tick } from './clock.js';
import { dateLine, headerBlock, type BlockInfo, type HeaderValue } from './header-block.js';

const INFO: BlockInfo = { version: 'HTTP/1.1', status: 200, reason: '', connection: '', framing: '', serverTag: 'tsw/1' };

function lines(entries: [string, HeaderValue][], info: Partial<BlockInfo> = {}): string[] {
  const block = headerBlock(entries.map((e) => e[0]), entries.map((e) => e[0].toLowerCase()), entries.map((e) => e[1]), { ...INFO, ...info });
  assert.ok(block.endsWith('\r\n\r\n'));
  return block.slice(0, -4).split('\r\n');
}

test('lighttpd\'s order: handler headers as set, framing, Connection, Date, Server last', () => {
  const l = lines([['Content-Type', 'text/plain'], ['ETag', '"1"']], { framing: '\r\nContent-Length: 3', connection: 'close' });
  assert.equal(l[0], 'HTTP/1.1 200 OK');
  assert.deepEqual(l.slice(1, 5), ['Content-Type: text/plain', 'ETag: "1"', 'Content-Length: 3', 'Connection: close']);
  assert.match(l[5] ?? '', /^Date: [A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
  assert.equal(l[6], 'Server: tsw/1');
  assert.equal(l.length, 7);
});

test('hidden and empty headers are left out, a list value is one line per item, a handler\'s Connection is replaced', () => {
  const l = lines([
    ['X-Sendfile', '/etc/passwd'],
    ['X-LIGHTTPD-KBytes-per-second', '1'],
    ['X-Sendfile2', 'kept'],
    ['X-Empty', ''],
    ['Set-Cookie', ['a=1', '', 'b=2']],
    ['Connection', 'keep-alive'],
    ['Content-Length', 0],
  ]);
  assert.deepEqual(l.slice(1, -2), ['X-Sendfile2: kept', 'Set-Cookie: a=1', 'Set-Cookie: b=2', 'Content-Length: 0']);
});

test('status line: the version given, lighttpd\'s reason unless one is set; Date and Server only when not set', () => {
  assert.equal(lines([], { version: 'HTTP/1.0', status: 431 })[0], 'HTTP/1.0 431 Request Header Fields Too Large');
  assert.equal(lines([], { status: 599, reason: 'Odd' })[0], 'HTTP/1.1 599 Odd');
  assert.deepEqual(lines([['Date', 'x'], ['Server', 'y']], { serverTag: 'tsw/1' }).slice(1), ['Date: x', 'Server: y']);
  assert.ok(!lines([], { serverTag: '' }).some((x) => x.startsWith('Server:')));
  assert.equal(lines([], { version: 'HTTP/1.0', connection: 'keep-alive' })[1], 'Connection: keep-alive');
});

const dateOf = (ms: number): string => `\r\nDate: ${new Date(Math.floor(ms / 1000) * 1000).toUTCString()}`;

test('the Date line is the current second as IMF-fixdate', () => {
  tick(); // as the engine does when a request's bytes arrive
  const before = Date.now();
  const line = dateLine();
  assert.ok([dateOf(before), dateOf(Date.now())].includes(line), line);
});

test('the Date line moves to the next second once the engine clock passes it (the wall clock is not read per response)', async () => {
  tick();
  const first = dateLine();
  assert.equal(dateLine(), first);
  // wait into the next wall-clock second, then a read ticks the engine clock
  await delay(1005 - (Date.now() % 1000));
  tick();
  const before = Date.now();
  const next = dateLine();
  assert.notEqual(next, first);
  assert.ok([dateOf(before), dateOf(Date.now())].includes(next), next);
});
