import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChunkedDecoder, LengthDecoder, type BodyDecoder } from './body-decoder.js';

/** Feeds `parts` until the decoder is done or fails; returns the payload and the bytes left over. */
function run(d: BodyDecoder, parts: readonly (string | Buffer)[]): { payload: string; rest: string } {
  const out: Buffer[] = [];
  let rest = '';
  for (const p of parts) {
    const buf = typeof p === 'string' ? Buffer.from(p, 'latin1') : p;
    if (d.done || d.error) {
      rest += buf.toString('latin1');
      continue;
    }
    const used = d.feed(buf, (c) => out.push(Buffer.from(c)));
    rest += buf.subarray(used).toString('latin1');
  }
  return { payload: Buffer.concat(out).toString('latin1'), rest };
}

test('Content-Length: exactly that many bytes, in any split, the rest is the next request', () => {
  const d = new LengthDecoder(5);
  const r = run(d, ['ab', 'cdeGET']);
  assert.deepEqual(r, { payload: 'abcde', rest: 'GET' });
  assert.equal(d.done, true);
  assert.equal(d.received, 5);
  const zero = new LengthDecoder(0);
  assert.equal(zero.done, true);
});

const CHUNKED = '4\r\nWiki\r\n5;name=val\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nX-Trailer: 1\r\n\r\nNEXT';

test('chunked: sizes in hex, extensions, trailers; every split point gives the same payload and rest', () => {
  const all = Buffer.from(CHUNKED, 'latin1');
  for (let cut = 0; cut <= all.length; cut++) {
    const d = new ChunkedDecoder(0, 8192);
    const r = run(d, [all.subarray(0, cut), all.subarray(cut)]);
    assert.deepEqual(r, { payload: 'Wikipedia in\r\n\r\nchunks.', rest: 'NEXT' }, `cut ${cut}`);
    assert.equal(d.done, true);
  }
  const byByte = new ChunkedDecoder(0, 8192);
  const r = run(byByte, [...all].map((b) => Buffer.from([b])));
  assert.equal(r.payload, 'Wikipedia in\r\n\r\nchunks.');
  assert.equal(r.rest, 'NEXT');
});

test('chunked: lighttpd\'s 400s (bad size, bad char after it, missing CRLF, size line too long)', () => {
  const bad = (body: string): string => {
    const d = new ChunkedDecoder(0, 8192);
    run(d, [body]);
    return d.error ? `${d.error.status} ${d.error.reason}` : 'ok';
  };
  assert.equal(bad('x\r\n'), '400 chunked header invalid chars');
  assert.equal(bad('4x\r\nabcd\r\n0\r\n\r\n'), '400 chunked header invalid chars');
  assert.equal(bad('4\nabcd\r\n0\r\n\r\n'), '400 chunked header invalid chars');
  assert.equal(bad('4 \t;x\r\nabcd\r\n0\r\n\r\n'), 'ok');
  assert.equal(bad('4\r\nabcdX\r\n'), '400 chunked data missing end CRLF');
  assert.equal(bad('4\r\nabcd\rX'), '400 chunked data missing end CRLF');
  assert.equal(bad(`4;${'e'.repeat(1100)}`), '400 chunked header line too long');
  assert.equal(bad(`4;${'e'.repeat(1100)}\r\n`), '400 chunked header line too long');
  assert.equal(bad('fffffffffffffffffff\r\n'), '400 chunked data size too large');
});

test('chunked: server.max-request-size is checked against each announced chunk (413)', () => {
  const d = new ChunkedDecoder(10, 8192);
  const r = run(d, ['6\r\nabcdef\r\n', '5\r\nghijk\r\n0\r\n\r\n']);
  assert.equal(r.payload, 'abcdef');
  assert.deepEqual(d.error, { status: 413, reason: 'request-size too long: 11' });
  const ok = new ChunkedDecoder(10, 8192);
  run(ok, ['6\r\nabcdef\r\n4\r\nghij\r\n0\r\n\r\n']);
  assert.equal(ok.error, null);
  assert.equal(ok.done, true);
});

test('chunked: trailers longer than max-request-field-size are skipped and the connection is not reused', () => {
  const d = new ChunkedDecoder(0, 64);
  const r = run(d, ['1\r\na\r\n0\r\n', `X: ${'t'.repeat(100)}`]);
  assert.equal(r.payload, 'a');
  assert.equal(d.done, true);
  assert.equal(d.reusable, false);
});
