import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NO_HEADER_OPTS, type ProxyHeaderOpts } from './options.js';
import { mapSetCookie, mapUri, newRemapState, type RemapCtx } from './remap.js';
import { remapResponseHeaders } from './response-head.js';

const opts: ProxyHeaderOpts = {
  ...NO_HEADER_OPTS,
  httpsRemap: true,
  mapUrlpath: [['/pub/', '/app/'], ['/pub', '/app']],
  mapHostRequest: [['-', 'backend.internal:8080'], ['front.example', 'back.example']],
  mapHostResponse: [['backend.internal:8080', '-'], ['backend.internal', 'front.example']],
};

function ctx(scheme: 'http' | 'https' = 'http'): RemapCtx {
  return { opts, clientHost: 'www.front', clientScheme: scheme, state: { urlpath: ['/pub/', '/app/'], forwardedHost: 'backend.internal:8080' } };
}

test('response headers are mapped back as lighttpd does (observed, proxy.md §3)', () => {
  const out = remapResponseHeaders(
    [
      ['Location', 'http://backend.internal:8080/app/next?x=1'],
      ['Content-Location', '/app/cl'],
      ['Set-Cookie', 'a=1; Domain=backend.internal; Path=/app/; HttpOnly'],
      ['Set-Cookie', 'b=2; path=/app/sub'],
      ['X-Other', '/app/untouched'],
    ],
    ctx(),
  );
  assert.deepEqual(out, [
    ['Location', 'http://www.front/pub/next?x=1'],
    ['Content-Location', '/pub/cl'],
    ['Set-Cookie', 'a=1; Domain=front.example; Path=/pub/; HttpOnly'],
    ['Set-Cookie', 'b=2; path=/pub/sub'],
    ['X-Other', '/app/untouched'],
  ]);
});

test('https-remap swaps the scheme only for https clients', () => {
  assert.equal(mapUri('http://backend.internal:8080/app/a', ctx('https'), 'response'), 'https://www.front/pub/a');
  assert.equal(mapUri('http://backend.internal:8080/app/a', ctx('http'), 'response'), 'http://www.front/pub/a');
  const rc: RemapCtx = { opts, clientHost: 'www.front', clientScheme: 'https', state: newRemapState() };
  assert.equal(mapUri('https://front.example/pub/q', rc, 'request'), 'http://backend.internal:8080/app/q');
});

test('Set-Cookie Domain keeps a leading dot; unknown hosts are left alone', () => {
  assert.equal(mapSetCookie('a=1; domain=.backend.internal', ctx()), 'a=1; domain=.front.example');
  assert.equal(mapSetCookie('a=1; Domain=elsewhere; Path=/x', ctx()), 'a=1; Domain=elsewhere; Path=/x');
});

test('without map options nothing is rewritten', () => {
  const rc: RemapCtx = { opts: NO_HEADER_OPTS, clientHost: 'h', clientScheme: 'http', state: newRemapState() };
  assert.deepEqual(remapResponseHeaders([['Location', '/app/x']], rc), [['Location', '/app/x']]);
});

test('map-host-request: an empty value leaves the host and stops; "-" value is the client Host', () => {
  const o: ProxyHeaderOpts = { ...NO_HEADER_OPTS, mapHostRequest: [['a.example', ''], ['-', 'z']] };
  const rc: RemapCtx = { opts: o, clientHost: 'a.example', clientScheme: 'http', state: newRemapState() };
  assert.equal(mapUri('http://a.example/x', rc, 'request'), 'http://a.example/x');
  const o2: ProxyHeaderOpts = { ...NO_HEADER_OPTS, mapHostRequest: [['b.example', '-']] };
  const rc2: RemapCtx = { opts: o2, clientHost: 'c.example', clientScheme: 'http', state: newRemapState() };
  assert.equal(mapUri('http://B.example/x', rc2, 'request'), 'http://c.example/x');
});
