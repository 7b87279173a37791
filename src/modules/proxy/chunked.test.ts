import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChunkedDecoder, ChunkedError, encodeChunk, LAST_CHUNK } from './chunked.js';

function decodeAll(pieces: readonly string[]): { body: string; done: boolean; excess: string } {
  const d = new ChunkedDecoder();
  let body = '';
  for (const p of pieces) for (const b of d.feed(Buffer.from(p, 'latin1'))) body += b.toString('latin1');
  return { body, done: d.done, excess: d.excess.toString('latin1') };
}

test('decodes chunks with extensions and trailers, and keeps the excess', () => {
  assert.deepEqual(decodeAll(['5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-T: 1\r\n\r\nNEXT']), { body: 'hello world', done: true, excess: 'NEXT' });
});

test('decodes when fed one byte at a time, upper-case hex and bare LF', () => {
  const text = 'A\r\n0123456789\r\n1\n!\n0\n\n';
  assert.deepEqual(decodeAll([...text]), { body: '0123456789!', done: true, excess: '' });
});

test('not done before the last chunk', () => {
  assert.equal(decodeAll(['3\r\nabc\r\n']).done, false);
});

test('bad framing throws ChunkedError', () => {
  for (const bad of ['zz\r\n', '\r\n', '3\r\nabcX', '1234567890abcdef0\r\n']) {
    assert.throws(() => new ChunkedDecoder().feed(Buffer.from(bad)), ChunkedError, bad);
  }
});

test('encoder round-trips through the decoder', () => {
  const data = Buffer.alloc(70000, 7);
  const framed = Buffer.concat([...encodeChunk(data), ...encodeChunk(Buffer.alloc(0)), LAST_CHUNK]);
  const d = new ChunkedDecoder();
  const out = Buffer.concat(d.feed(framed));
  assert.equal(d.done, true);
  assert.deepEqual(out, data);
});
