import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BadResponseError, bodyFraming, findHeadEnd, parseResponseHead } from './response-head.js';

test('status line must be HTTP/1.0 or 1.1 with a 3-digit status ≥ 100', () => {
  assert.equal(parseResponseHead('HTTP/1.1 599 Whatever').status, 599);
  assert.equal(parseResponseHead('HTTP/1.0 200').status, 200);
  for (const bad of ['HTTP/1.1 99 Low', 'SSH-2.0-OpenSSH', 'HTTP/2 200', 'HTTP/1.1 2000 X', '', 'HTTP/1.1  200']) {
    assert.throws(() => parseResponseHead(bad), BadResponseError, bad);
  }
});

test('Connection, Transfer-Encoding, HTTP2-Settings and malformed lines are dropped; the rest passes', () => {
  const h = parseResponseHead(
    [
      'HTTP/1.1 200 OK',
      'Connection: keep-alive, X-Foo',
      'Keep-Alive: timeout=5',
      'X-Foo: 1',
      'X-Bad : 1',
      'no colon here',
      'HTTP2-Settings: AAA',
      'Status: 404 Not Found',
      'Server: backend',
      'Content-Type: application/javascript; charset=utf-8',
      'Content-Length: 11',
      'Content-Length: 12',
    ].join('\r\n'),
  );
  assert.deepEqual(h.headers, [
    ['Keep-Alive', 'timeout=5'],
    ['X-Foo', '1'],
    ['Status', '404 Not Found'],
    ['Server', 'backend'],
    ['Content-Type', 'text/javascript; charset=utf-8'],
    ['Content-Length', '11'],
  ]);
  assert.equal(h.contentLength, 11);
  assert.deepEqual(bodyFraming(h, 'GET'), { kind: 'length', length: 11 });
  assert.deepEqual(bodyFraming(h, 'HEAD'), { kind: 'none' });
});

test('chunked wins over Content-Length, which is removed', () => {
  const h = parseResponseHead('HTTP/1.1 200 OK\nContent-Length: 5\nTransfer-Encoding: chunked');
  assert.equal(h.chunked, true);
  assert.equal(h.contentLength, null);
  assert.deepEqual(h.headers, []);
  assert.deepEqual(bodyFraming(h, 'GET'), { kind: 'chunked' });
});

test('204/304 have no body; no length means read until EOF; Upgrade is noticed', () => {
  assert.deepEqual(bodyFraming(parseResponseHead('HTTP/1.1 204 No Content'), 'GET'), { kind: 'none' });
  assert.deepEqual(bodyFraming(parseResponseHead('HTTP/1.1 304 NM'), 'GET'), { kind: 'none' });
  assert.deepEqual(bodyFraming(parseResponseHead('HTTP/1.0 200 OK'), 'GET'), { kind: 'eof' });
  assert.equal(parseResponseHead('HTTP/1.1 101 Switching\r\nUpgrade: websocket').hasUpgrade, true);
});

test('findHeadEnd accepts CRLF and bare LF heads', () => {
  assert.equal(findHeadEnd(Buffer.from('HTTP/1.1 200 OK\r\nA: b\r\n\r\nbody')), 25);
  assert.equal(findHeadEnd(Buffer.from('HTTP/1.1 200 OK\nA: b\n\nbody')), 22);
  assert.equal(findHeadEnd(Buffer.from('HTTP/1.1 200 OK\r\nA: b\r\n')), -1);
});

test('keep-alive: HTTP/1.1 unless Connection lists close; HTTP/1.0 never; the Keep-Alive timeout is read', () => {
  const h = (text: string): [boolean, number | null] => {
    const r = parseResponseHead(text);
    return [r.keepAlive, r.keepAliveMs];
  };
  assert.deepEqual(h('HTTP/1.1 200 OK\r\nKeep-Alive: timeout=5\r\nContent-Length: 0'), [true, 5000]);
  assert.deepEqual(h('HTTP/1.1 200 OK\r\nKeep-Alive: max=100, timeout=2'), [true, 2000]);
  assert.deepEqual(h('HTTP/1.1 200 OK\r\nConnection: close'), [false, null]);
  assert.deepEqual(h('HTTP/1.1 200 OK\r\nConnection: Upgrade, Close'), [false, null]);
  assert.deepEqual(h('HTTP/1.1 200 OK\r\nConnection: closed'), [true, null]);
  assert.deepEqual(h('HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5'), [false, 5000]);
  // the Keep-Alive header itself still reaches the client (lighttpd forwards it)
  assert.deepEqual(parseResponseHead('HTTP/1.1 200 OK\r\nKeep-Alive: timeout=5').headers, [['Keep-Alive', 'timeout=5']]);
});
