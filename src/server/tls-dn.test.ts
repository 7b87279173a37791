// Client certificate subjects in lighttpd's environment forms: OpenSSL's one-line print (quoting for
// `,+<>;`, escapes for `"` `\` and control bytes) and the unescaped parts, from node's multi-line subject.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { oneLineDn, subjectEntries } from './tls-dn.js';

test('a plain subject: "SN = value" joined by ", ", parts as written', () => {
  const s = 'C=DE\nO=tsw test\nCN=alice\nemailAddress=alice@example.test';
  assert.equal(oneLineDn(s), 'C = DE, O = tsw test, CN = alice, emailAddress = alice@example.test');
  assert.deepEqual(subjectEntries(s), [
    ['C', 'DE'],
    ['O', 'tsw test'],
    ['CN', 'alice'],
    ['emailAddress', 'alice@example.test'],
  ]);
});

test('escaped values: unescaped in the parts, quoted in the one-line form; UTF-8 kept; cut at 255 bytes', () => {
  const s = 'O=Doe\\, Inc.\nCN=J\\"o\\\\e\nL=Köln';
  assert.deepEqual(subjectEntries(s), [
    ['O', 'Doe, Inc.'],
    ['CN', 'J"o\\e'],
    ['L', 'Köln'],
  ]);
  assert.equal(oneLineDn(s), 'O = "Doe, Inc.", CN = J\\"o\\\\e, L = Köln');
  assert.equal(Buffer.byteLength(oneLineDn(`CN=${'x'.repeat(300)}`)), 255);
});
