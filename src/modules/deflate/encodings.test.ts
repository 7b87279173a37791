import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acceptedCodings, allowedFromList, chooseEncoding, BR, DEFLATE, GZIP, X_GZIP } from './encodings.js';

test('Accept-Encoding: tokens as lighttpd scans them, q-values and case ignored as it does', () => {
  assert.equal(acceptedCodings('gzip, deflate, br, zstd'), GZIP | DEFLATE | BR);
  assert.equal(acceptedCodings('gzip;q=0'), GZIP);
  assert.equal(acceptedCodings('GZIP'), 0);
  assert.equal(acceptedCodings('x-gzip ,deflate;q=0.5, identity, *'), X_GZIP | DEFLATE);
  assert.equal(acceptedCodings(''), 0);
  assert.equal(acceptedCodings('gzipx, brotli'), 0);
});

test('allowed-encodings: substrings, order kept, empty list means every available coding', () => {
  assert.deepEqual(allowedFromList(['brotli', 'gzip', 'deflate']), [BR, GZIP | X_GZIP, DEFLATE]);
  assert.deepEqual(allowedFromList(['x-gzip']), [GZIP | X_GZIP]);
  assert.deepEqual(allowedFromList(['zstd', 'bzip2']), []);
  assert.deepEqual(allowedFromList([]), [BR, GZIP | X_GZIP | DEFLATE]);
});

test('choice: the first allowed entry the client shares, br > gzip > x-gzip > deflate inside it', () => {
  const all = allowedFromList([]);
  assert.equal(chooseEncoding('gzip, deflate, br', all), 'br');
  assert.equal(chooseEncoding('deflate, x-gzip', all), 'x-gzip');
  assert.equal(chooseEncoding('deflate', all), 'deflate');
  assert.equal(chooseEncoding('gzip, br', allowedFromList(['gzip', 'br'])), 'gzip');
  assert.equal(chooseEncoding('deflate, gzip', allowedFromList(['deflate', 'gzip'])), 'deflate');
  assert.equal(chooseEncoding('compress, identity', all), null);
  assert.equal(chooseEncoding('br', allowedFromList(['gzip'])), null);
});
