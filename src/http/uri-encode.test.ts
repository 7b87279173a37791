import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeRelUri } from './uri-encode.js';

test('encodeRelUri re-encodes like ENCODING_REL_URI', () => {
  assert.equal(encodeRelUri('/a b/€'), '/a%20b/%E2%82%AC');
  assert.equal(encodeRelUri("/x!()*-._~/y"), '/x!()*-._~/y');
  assert.equal(encodeRelUri("/a&b=c?d'e,f;g:h@i$j+k%l#m"), '/a%26b%3Dc%3Fd%27e%2Cf%3Bg%3Ah%40i%24j%2Bk%25l%23m');
});
