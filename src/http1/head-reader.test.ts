import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HeadReader, type HeadScan } from './head-reader.js';

const REQ = 'GET /a HTTP/1.1\r\nHost: a\r\nX-Long: ' + 'v'.repeat(40) + '\r\n\r\n';

function head(scan: HeadScan | undefined): Extract<HeadScan, { kind: 'head' }> {
  assert.equal(scan?.kind, 'head');
  if (scan?.kind !== 'head') throw new Error('unreachable');
  return scan;
}

test('a complete head in one chunk: line starts, length, and the bytes after it', () => {
  const r = new HeadReader(8192);
  const h = head(r.feed(Buffer.from(`${REQ}BODY`, 'latin1')));
  assert.equal(h.headLength, REQ.length);
  assert.deepEqual(h.lineStarts, [0, 17, 26, REQ.length - 2]);
  assert.equal(h.rest.toString(), 'BODY');
  assert.equal(h.text.slice(0, h.headLength), REQ);
});

test('every split point (and byte by byte) gives the same head and rest', () => {
  const all = Buffer.from(`${REQ}NEXT`, 'latin1');
  for (let cut = 1; cut < all.length; cut++) {
    const r = new HeadReader(8192);
    const first = r.feed(all.subarray(0, cut));
    if (first.kind === 'head') {
      assert.equal(first.headLength, REQ.length, `cut ${cut}`);
      assert.equal(Buffer.concat([first.rest, all.subarray(cut)]).toString(), 'NEXT', `cut ${cut}`);
      continue;
    }
    assert.equal(first.kind, 'more', `cut ${cut}`);
    const h = head(r.feed(all.subarray(cut)));
    assert.equal(h.headLength, REQ.length, `cut ${cut}`);
    assert.equal(h.text.slice(0, h.headLength), REQ, `cut ${cut}`);
    assert.equal(h.rest.toString(), 'NEXT', `cut ${cut}`);
  }
  const r = new HeadReader(8192);
  let last: HeadScan = { kind: 'more' };
  for (const b of all) {
    last = r.feed(Buffer.from([b]));
    if (last.kind !== 'more') break;
  }
  assert.equal(head(last).headLength, REQ.length);
});

test('bare LF line ends: the head ends at the first empty line (lighttpd), whatever the line endings', () => {
  const h = head(new HeadReader(8192).feed(Buffer.from('GET / HTTP/1.1\nHost: a\n\nrest')));
  assert.equal(h.headLength, 'GET / HTTP/1.1\nHost: a\n\n'.length);
  assert.equal(h.rest.toString(), 'rest');
  const mixed = head(new HeadReader(8192).feed(Buffer.from('GET / HTTP/1.1\r\nHost: a\n\r\nX')));
  assert.equal(mixed.headLength, 'GET / HTTP/1.1\r\nHost: a\n\r\n'.length);
});

test('server.max-request-field-size counts the whole head: max fits, max + 1 is 431 (also before the end arrives)', () => {
  const base = 'GET /?q= HTTP/1.0\r\n\r\n';
  const exact = base.replace('q=', `q=${'a'.repeat(100 - base.length)}`);
  assert.equal(exact.length, 100);
  assert.equal(new HeadReader(100).feed(Buffer.from(exact)).kind, 'head');
  const over = exact.replace('q=', 'q=a');
  const s = new HeadReader(100).feed(Buffer.from(over));
  assert.deepEqual([s.kind, s.kind === 'error' && s.status, s.kind === 'error' && s.cause], ['error', 431, 'oversized']);
  const partial = new HeadReader(100);
  assert.equal(partial.feed(Buffer.from('GET /' + 'a'.repeat(90))).kind, 'more');
  const late = partial.feed(Buffer.from('a'.repeat(20)));
  assert.equal(late.kind === 'error' && late.status, 431);
});

test('8190 header lines are 431 even under the byte limit', () => {
  const lines = 'X:1\r\n'.repeat(8190);
  const s = new HeadReader(65535).feed(Buffer.from(`GET / HTTP/1.0\r\n${lines}\r\n`));
  assert.equal(s.kind === 'error' && s.status, 431);
  const ok = new HeadReader(65535).feed(Buffer.from(`GET / HTTP/1.0\r\n${'X:1\r\n'.repeat(8000)}\r\n`));
  assert.equal(ok.kind, 'head');
});

test('a first byte below 0x20 while the head is incomplete is 400; 0x16 is a TLS ClientHello', () => {
  const tls = new HeadReader(8192).feed(Buffer.from([0x16, 0x03, 0x01, 0x00, 0xa5]));
  assert.deepEqual(tls.kind === 'error' && [tls.status, tls.cause], [400, 'tls']);
  const nul = new HeadReader(8192).feed(Buffer.from('\x00GET'));
  assert.deepEqual(nul.kind === 'error' && [nul.status, nul.cause], [400, 'first-byte']);
  // a complete head is parsed instead (the request line check answers then), as lighttpd does
  assert.equal(new HeadReader(8192).feed(Buffer.from('\x01GET / HTTP/1.0\r\n\r\n')).kind, 'head');
});

test('an empty line first: 400 on a fresh connection, skipped once on a kept-alive one', () => {
  const fresh = new HeadReader(8192).feed(Buffer.from('\r\nGET / HTTP/1.0\r\n\r\n'));
  assert.equal(fresh.kind === 'error' && fresh.status, 400);
  const kept = new HeadReader(8192);
  kept.reset(true);
  const h = head(kept.feed(Buffer.from('\r\nGET / HTTP/1.0\r\n\r\nX')));
  assert.equal(h.text.slice(0, h.headLength), 'GET / HTTP/1.0\r\n\r\n');
  assert.equal(h.rest.toString(), 'X');
  const twice = new HeadReader(8192);
  twice.reset(true);
  const t = twice.feed(Buffer.from('\r\n\r\nGET / HTTP/1.0\r\n\r\n'));
  assert.equal(t.kind === 'error' && t.status, 400);
  const split = new HeadReader(8192);
  split.reset(true);
  assert.equal(split.feed(Buffer.from('\r\n')).kind, 'more');
  assert.equal(head(split.feed(Buffer.from('GET / HTTP/1.0\r\n\r\n'))).headLength, 'GET / HTTP/1.0\r\n\r\n'.length);
});

test('pipelined requests: each head is cut at its own end', () => {
  const two = Buffer.from('GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n');
  const r = new HeadReader(8192);
  const first = head(r.feed(two));
  assert.ok(first.text.startsWith('GET /1'));
  r.reset(true);
  const second = head(r.feed(first.rest));
  assert.ok(second.text.startsWith('GET /2'));
  assert.equal(second.rest.length, 0);
});
