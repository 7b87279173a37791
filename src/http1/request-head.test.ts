import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HeadReader } from './head-reader.js';
import { hasToken, parseRequestHead, type RequestHead } from './request-head.js';

function parse(raw: string, headerStrict = true): RequestHead {
  const scan = new HeadReader(65535).feed(Buffer.from(raw, 'latin1'));
  assert.equal(scan.kind, 'head', JSON.stringify(raw));
  if (scan.kind !== 'head') throw new Error('unreachable');
  return parseRequestHead(scan.text, scan.lineStarts, scan.headLength, { headerStrict });
}

function answer(raw: string, headerStrict = true): string {
  const h = parse(raw, headerStrict);
  return `${h.status} ${h.version ?? '-'}`;
}

test('request lines as lighttpd 1.4.69 answers them (http-core.md T5)', () => {
  const cases: [string, string][] = [
    ['GET /hello.txt HTTP/1.1\r\nHost: a\r\n\r\n', '0 1.1'],
    ['GET /hello.txt HTTP/1.0\r\n\r\n', '0 1.0'],
    ['GET /hello.txt HTTP/1.1\nHost: a\n\n', '400 -'],
    ['GET /hello.txt HTTP/2.0\r\n\r\n', '505 -'],
    ['GET /hello.txt HTTP/1.2\r\n\r\n', '505 -'],
    ['GET /hello.txt http/1.1\r\nHost: a\r\n\r\n', '400 -'],
    ['FOO /hello.txt HTTP/1.0\r\n\r\n', '501 1.0'],
    ['get /hello.txt HTTP/1.1\r\n\r\n', '501 1.1'],
    [' /hello.txt HTTP/1.1\r\n\r\n', '501 1.1'],
    ['GET  /hello.txt HTTP/1.0\r\n\r\n', '400 1.0'],
    ['GET hello.txt HTTP/1.0\r\n\r\n', '400 1.0'],
    ['GET * HTTP/1.0\r\n\r\n', '400 1.0'],
    ['OPTIONS * HTTP/1.0\r\n\r\n', '0 1.0'],
    ['CONNECT 127.0.0.1:1 HTTP/1.1\r\nHost: x\r\n\r\n', '0 1.1'],
    ['CONNECT example.com:1 HTTP/1.1\r\nHost: x\r\n\r\n', '400 1.1'],
    ['GET / HTTP/1.0\r\n\r\n', '0 1.0'],
    ['GET /x HTTP/1.\r\n\r\n', '505 -'],
    ['GET HTTP/1.0\r\n\r\n', '400 1.0'],
    ['GET HTTP/1.0\r\n\r\n'.replace(' ', ''), '400 -'],
  ];
  for (const [raw, want] of cases) assert.equal(answer(raw), want, JSON.stringify(raw));
});

test('the target keeps raw spaces and a second space before the version (lighttpd parses from both ends)', () => {
  assert.equal(parse('GET /a b.txt HTTP/1.0\r\n\r\n').target, '/a b.txt');
  assert.equal(parse('GET /hello.txt  HTTP/1.0\r\n\r\n').target, '/hello.txt ');
});

test('absolute-form: the authority becomes Host (lower-cased) and the target its path part', () => {
  const h = parse('GET http://Example.COM/x?y HTTP/1.1\r\n\r\n');
  assert.equal(h.status, 0);
  assert.equal(h.target, '/x?y');
  assert.equal(h.host, 'example.com');
  assert.equal(h.headers.get('host'), 'example.com');
  assert.equal(parse('GET http://example.com/ HTTP/1.1\r\nHost: EXAMPLE.com\r\n\r\n').status, 0);
  assert.equal(parse('GET http://example.com/ HTTP/1.1\r\nHost: other\r\n\r\n').status, 400);
  assert.equal(parse('GET http:/// HTTP/1.1\r\n\r\n').status, 400);
  assert.equal(parse('GET http://example.com HTTP/1.1\r\n\r\n').status, 400);
});

test('header lines: whitespace before the colon, missing colon, bad name characters, controls in values', () => {
  const base = 'GET / HTTP/1.1\r\nHost: a\r\n';
  assert.equal(parse(`${base}X-Foo : b\r\n\r\n`).status, 400);
  assert.equal(parse(`${base}X-Foo\r\n\r\n`).status, 400);
  assert.equal(parse(`${base}: b\r\n\r\n`).status, 400);
  assert.equal(parse(`${base}X(Foo): b\r\n\r\n`).status, 400);
  assert.equal(parse(`${base}X\x7fFoo: b\r\n\r\n`).status, 400);
  assert.equal(parse(`${base}X-Foo: a\x01b\r\n\r\n`).status, 400);
  assert.equal(parse(`${base}X-Foo: a\x7fb\r\n\r\n`).status, 400);
  assert.equal(parse(`${base}X-Foo: a\tb\xffc\r\n\r\n`).headers.get('x-foo'), 'a\tb\xffc');
  assert.equal(parse(`${base}x_foo.bar~1: ok\r\n\r\n`).headers.get('x_foo.bar~1'), 'ok');
  assert.equal(parse(`${base}X-Foo: a\nX-Bar: b\r\n\r\n`).status, 400);
});

test('values are trimmed, empty ones dropped, folded lines joined with lighttpd\'s spaces', () => {
  const h = parse('GET / HTTP/1.1\r\nHost: a\r\nX-A:  \t v \t \r\nX-Empty:   \r\nX-Fold: one\r\n  two\r\n\tthree\r\n\r\n');
  assert.equal(h.headers.get('x-a'), 'v');
  assert.equal(h.headers.has('x-empty'), false);
  assert.equal(h.headers.get('x-fold'), 'one    two  \tthree');
  assert.deepEqual(h.rawHeaders, ['Host', 'a', 'X-A', 'v', 'X-Fold', 'one    two  \tthree']);
});

test('repeated headers: joined with ", " (Cookie "; "), Host / Content-Type / If-Modified-Since must repeat identically', () => {
  const h = parse('GET / HTTP/1.1\r\nHost: a\r\nAccept: x\r\nAccept: y\r\nCookie: a=1\r\nCookie: b=2\r\nIf-None-Match: "1"\r\nIf-None-Match: "2"\r\nHost: A\r\n\r\n');
  assert.equal(h.status, 0);
  assert.equal(h.headers.get('accept'), 'x, y');
  assert.equal(h.headers.get('cookie'), 'a=1; b=2');
  assert.equal(h.headers.get('if-none-match'), '"1"');
  assert.equal(h.headers.get('host'), 'a');
  assert.equal(parse('GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n').reason, 'duplicate Host header');
  assert.equal(parse('GET / HTTP/1.1\r\nHost: a\r\nContent-Type: x\r\ncontent-type: X\r\n\r\n').status, 0);
  assert.equal(parse('GET / HTTP/1.1\r\nHost: a\r\nContent-Type: x\r\nContent-Type: y\r\n\r\n').reason, 'duplicate Content-Type header');
  assert.equal(parse('GET / HTTP/1.1\r\nHost: a\r\nIf-Modified-Since: x\r\nIf-Modified-Since: y\r\n\r\n').status, 400);
  assert.equal(parse(`GET / HTTP/1.1\r\nHost: ${'h'.repeat(1024)}\r\n\r\n`).status, 400);
});

test('body framing headers: Content-Length digits only and once; Transfer-Encoding chunked on HTTP/1.1 only', () => {
  const cl = parse('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\n\r\n');
  assert.deepEqual([cl.status, cl.bodyLength, cl.hasContentLength], [0, 12, true]);
  assert.equal(parse('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +1\r\n\r\n').status, 400);
  assert.equal(parse('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1 2\r\n\r\n').status, 400);
  assert.equal(parse('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n').status, 400);
  assert.equal(parse('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n').reason, 'duplicate Content-Length header');
  const te = parse('POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n');
  assert.deepEqual([te.status, te.bodyLength, te.headers.has('transfer-encoding'), te.rawHeaders.includes('Transfer-Encoding')], [0, -1, false, false]);
  assert.equal(parse('POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n').status, 501);
  assert.equal(parse('POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n').status, 400);
  const both = parse('POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n');
  assert.deepEqual([both.status, both.bodyLength, both.hasContentLength], [0, -1, true]);
});

test('keep-alive from the version and Connection tokens', () => {
  assert.equal(parse('GET / HTTP/1.1\r\nHost: a\r\n\r\n').keepAlive, true);
  assert.equal(parse('GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, close\r\n\r\n').keepAlive, false);
  assert.equal(parse('GET / HTTP/1.0\r\n\r\n').keepAlive, false);
  assert.equal(parse('GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n').keepAlive, true);
  assert.equal(hasToken('keep-alive , Upgrade', 'upgrade'), true);
  assert.equal(hasToken('keep-alivex', 'keep-alive'), false);
  assert.equal(hasToken('close;x', 'close'), true);
});

test('without header-strict: bare LF, whitespace before the colon and any target are accepted', () => {
  const h = parse('GET /x HTTP/1.1\nHost: a\nX-Foo : b\n\n', false);
  assert.equal(h.status, 0);
  assert.equal(h.headers.get('x-foo'), 'b');
  assert.equal(parse('GET x HTTP/1.0\r\n\r\n', false).status, 0);
  assert.equal(parse('GET /x HTTP/1.1x\r\nHost: a\r\n\r\n', false).status, 0);
  assert.equal(parse('GET /x HTTP/1.1x\r\nHost: a\r\n\r\n', true).status, 400);
});
