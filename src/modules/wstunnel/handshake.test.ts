import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkOrigin, checkVersion, hasToken, headerTokens, isValidKey, isWebSocketUpgrade, negotiateSubprotocol, switchingHeaders, switchingProtocols } from './handshake.js';
import { incompleteUtf8Tail } from './utf8.js';

test('upgrade detection: tokens, case, h2c, method and version', () => {
  const h = { upgrade: 'WebSocket', connection: 'keep-alive, Upgrade' };
  const map = (o: Record<string, string>): Map<string, string> => new Map(Object.entries(o));
  assert.equal(isWebSocketUpgrade('GET', 'HTTP/1.1', map(h)), true);
  assert.equal(isWebSocketUpgrade('POST', 'HTTP/1.1', map(h)), false);
  assert.equal(isWebSocketUpgrade('GET', 'HTTP/1.0', map(h)), false);
  assert.equal(isWebSocketUpgrade('GET', 'HTTP/1.1', map({ ...h, upgrade: 'h2c, websocket' })), false);
  assert.equal(isWebSocketUpgrade('GET', 'HTTP/1.1', map({ ...h, connection: 'keep-alive' })), false);
  assert.equal(isWebSocketUpgrade('GET', 'HTTP/1.1', map({ connection: 'upgrade' })), false);
  assert.deepEqual(headerTokens(' a ,b, c,,'), ['a', 'b', 'c']);
  assert.equal(hasToken(' keep-alive ,\tUpgrade\t', 'upgrade'), true);
  assert.equal(hasToken('upgrades, xupgrade', 'upgrade'), false);
  assert.equal(hasToken('', 'upgrade'), false);
  assert.equal(hasToken(undefined, 'upgrade'), false);
});

test('version: decimal prefix ≥ 8', () => {
  assert.deepEqual(checkVersion('13'), { ok: true, version: 13 });
  assert.deepEqual(checkVersion('13abc'), { ok: true, version: 13 });
  assert.equal(checkVersion('7').ok, false);
  assert.equal(checkVersion(undefined).ok, false);
  assert.equal(checkVersion('abc').ok, false);
});

test('origin suffix rule', () => {
  assert.equal(checkOrigin([], new Map()), null);
  assert.equal(checkOrigin(['example.com'], new Map())?.status, 400);
  assert.equal(checkOrigin(['example.com'], new Map([['origin', 'http://www.example.com']])), null);
  assert.equal(checkOrigin(['example.com'], new Map([['origin', 'http://example.com']]))?.status, 403);
  assert.equal(checkOrigin(['example.com'], new Map([['sec-websocket-origin', 'a.example.com']])), null);
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
  assert.equal(incompleteUtf8Tail(Buffer.from([0x61, 0xe2, 0x82, 0x61]), 3), 2, 'only the first n bytes count');
});

test('key check and the 101 (RFC 6455 §4.2.2 sample key)', () => {
  assert.equal(isValidKey('dGhlIHNhbXBsZSBub25jZQ=='), true);
  assert.equal(isValidKey('x'), false);
  assert.equal(isValidKey(undefined), false);
  // lighttpd's header order (wstunnel.md §4.5); the Date line is the engine's current second
  const head = switchingProtocols('dGhlIHNhbXBsZSBub25jZQ==', 'binary', 'lighttpd/1.4.69');
  assert.match(
    head,
    /^HTTP\/1\.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=\r\nSec-WebSocket-Protocol: binary\r\nConnection: upgrade\r\nDate: [A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT\r\nServer: lighttpd\/1\.4\.69\r\n\r\n$/,
  );
  const bare = switchingProtocols('dGhlIHNhbXBsZSBub25jZQ==', null, '');
  assert.ok(!bare.includes('Sec-WebSocket-Protocol'));
  assert.ok(!bare.includes('Server:'), 'an empty server.tag sends no Server header');
  // the same headers as pairs, for a head the core builds (response-start hooks loaded)
  assert.deepEqual(switchingHeaders('dGhlIHNhbXBsZSBub25jZQ==', 'binary'), [
    ['Upgrade', 'websocket'],
    ['Sec-WebSocket-Accept', 's3pPLMBiTxaQ9kYGzzhZRbK+xOo='],
    ['Sec-WebSocket-Protocol', 'binary'],
  ]);
  assert.equal(switchingHeaders('dGhlIHNhbXBsZSBub25jZQ==', null).length, 2);
});
