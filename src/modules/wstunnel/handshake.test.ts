import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkOrigin, checkVersion, headerTokens, isWebSocketUpgrade, negotiateSubprotocol } from './handshake.js';
import { decodeBase64Strict, incompleteUtf8Tail, splitUtf8 } from './utf8.js';

test('upgrade detection: tokens, case, h2c, method and version', () => {
  const h = { upgrade: 'WebSocket', connection: 'keep-alive, Upgrade' };
  assert.equal(isWebSocketUpgrade('GET', '1.1', h), true);
  assert.equal(isWebSocketUpgrade('POST', '1.1', h), false);
  assert.equal(isWebSocketUpgrade('GET', '1.0', h), false);
  assert.equal(isWebSocketUpgrade('GET', '1.1', { ...h, upgrade: 'h2c, websocket' }), false);
  assert.equal(isWebSocketUpgrade('GET', '1.1', { ...h, connection: 'keep-alive' }), false);
  assert.deepEqual(headerTokens([' a ,b', 'c']), ['a', 'b', 'c']);
});

test('version: decimal prefix ≥ 8', () => {
  assert.deepEqual(checkVersion('13'), { ok: true, version: 13 });
  assert.deepEqual(checkVersion('13abc'), { ok: true, version: 13 });
  assert.equal(checkVersion('7').ok, false);
  assert.equal(checkVersion(undefined).ok, false);
  assert.equal(checkVersion('abc').ok, false);
});

test('origin suffix rule', () => {
  assert.equal(checkOrigin([], {}), null);
  assert.equal(checkOrigin(['example.com'], {})?.status, 400);
  assert.equal(checkOrigin(['example.com'], { origin: 'http://www.example.com' }), null);
  assert.equal(checkOrigin(['example.com'], { origin: 'http://example.com' })?.status, 403);
});

test('sub-protocol rule: binary preferred, base64 next, never unrequested', () => {
  assert.deepEqual(negotiateSubprotocol(undefined, 'binary'), { protocol: null, encoding: 'binary' });
  assert.deepEqual(negotiateSubprotocol('base64, BINARY', 'text'), { protocol: 'BINARY', encoding: 'binary' });
  assert.deepEqual(negotiateSubprotocol('base64', 'binary'), { protocol: 'base64', encoding: 'base64' });
  assert.deepEqual(negotiateSubprotocol('chat', 'text'), { protocol: null, encoding: 'text' });
});

test('UTF-8 tails: 1–3 bytes of an unfinished character are held back, nothing else', () => {
  const e = Buffer.from('😀'); // f0 9f 98 80
  assert.equal(incompleteUtf8Tail(e), 0);
  assert.equal(incompleteUtf8Tail(e.subarray(0, 1)), 1);
  assert.equal(incompleteUtf8Tail(e.subarray(0, 3)), 3);
  assert.equal(incompleteUtf8Tail(Buffer.from([0x61, 0xc3])), 1);
  assert.equal(incompleteUtf8Tail(Buffer.from('é')), 0);
  assert.equal(incompleteUtf8Tail(Buffer.from([0x61, 0xff])), 0, 'an invalid byte is not held');
  assert.equal(incompleteUtf8Tail(Buffer.from([0x80, 0x80, 0x80, 0x80])), 0);
  const [a, b] = splitUtf8(Buffer.from([0x61, 0xe2, 0x82]));
  assert.deepEqual([...a], [0x61]);
  assert.deepEqual([...b], [0xe2, 0x82]);
});

test('strict base64', () => {
  assert.deepEqual(decodeBase64Strict('aGk='), Buffer.from('hi'));
  assert.deepEqual(decodeBase64Strict('aG k=\n'), Buffer.from('hi'));
  assert.equal(decodeBase64Strict('aGk'), null);
  assert.equal(decodeBase64Strict('a*k='), null);
});
