import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeBase64Loose } from './base64.js';
import { readBasicCredentials } from './basic-credentials.js';

test('lighttpd base64: whitespace skipped, stops at a foreign byte or "=", a lone final char fails', () => {
  assert.equal(decodeBase64Loose('YWJj')?.toString(), 'abc');
  assert.equal(decodeBase64Loose('YW\r\n Jj')?.toString(), 'abc');
  assert.equal(decodeBase64Loose('YWI')?.toString(), 'ab');
  assert.equal(decodeBase64Loose('YQ==junk')?.toString(), 'a');
  assert.equal(decodeBase64Loose('YWJj-_')?.toString(), 'abc');
  assert.equal(decodeBase64Loose('YWJjZ'), null);
  assert.equal(decodeBase64Loose(''), null);
  assert.equal(decodeBase64Loose('!'), null);
  assert.equal(decodeBase64Loose('\xffYWJj'), null);
});

test('Basic credentials: none, bad (with the log text) or user and password', () => {
  assert.deepEqual(readBasicCredentials(undefined), { kind: 'none' });
  assert.deepEqual(readBasicCredentials('Bearer x'), { kind: 'none' });
  assert.deepEqual(readBasicCredentials('Basic'), { kind: 'none' });
  assert.deepEqual(readBasicCredentials(`Basic ${'A'.repeat(1364)}`), { kind: 'none' });
  assert.deepEqual(readBasicCredentials('Basic !'), { kind: 'bad', log: 'decoding base64-string failed !' });
  assert.deepEqual(readBasicCredentials('basic dXNlcg=='), { kind: 'bad', log: "missing ':' in user" });
  assert.deepEqual(readBasicCredentials('BASIC dTpwOnE='), { kind: 'credentials', user: 'u', password: 'p:q' });
  const latin1 = Buffer.from('\u00e9:\u00ff', 'latin1').toString('base64');
  assert.deepEqual(readBasicCredentials(`Basic ${latin1}`), { kind: 'credentials', user: '\u00e9', password: '\u00ff' });
});
