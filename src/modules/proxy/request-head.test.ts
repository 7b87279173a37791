import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildRequestHead, type ClientHead, type HeadOpts } from './request-head.js';
import { NO_HEADER_OPTS } from './options.js';

function client(over: Partial<ClientHead> & { rawHeaders: readonly string[] }): ClientHead {
  const i = over.rawHeaders.findIndex((n, k) => k % 2 === 0 && n.toLowerCase() === 'host');
  return {
    method: 'GET',
    target: '/',
    httpVersion: '1.1',
    remoteAddr: '127.0.0.1',
    localAddr: '127.0.0.1',
    localPort: 18175,
    scheme: 'http',
    socketScheme: 'http',
    host: i >= 0 ? (over.rawHeaders[i + 1] ?? null) : null,
    remoteUser: null,
    bodyLength: 0,
    ...over,
  };
}

const plain: HeadOpts = { header: NO_HEADER_OPTS, forwarded: null, replaceHost: null };

test('plain curl request matches the observed lighttpd head (proxy.md §2.2)', () => {
  const h = buildRequestHead(
    client({
      target: '/plain/path?q=1',
      rawHeaders: [
        'Host', '127.0.0.1:18175', 'User-Agent', 'curl/7.88.1', 'Accept', '*/*',
        'X-Forwarded-For', '10.0.0.1, 10.0.0.2', 'Proxy-Connection', 'keep-alive', 'Proxy', 'evil',
        'Keep-Alive', '300', 'TE', 'trailers', 'X-Custom', '1', 'Cookie', 'c=1',
      ],
    }),
    plain,
  );
  assert.equal(
    h.text,
    [
      'GET /plain/path?q=1 HTTP/1.1',
      'Host: 127.0.0.1:18175',
      'User-Agent: curl/7.88.1',
      'Accept: */*',
      'X-Forwarded-For: 10.0.0.1, 10.0.0.2, 127.0.0.1',
      'Keep-Alive: 300',
      'TE: trailers',
      'X-Custom: 1',
      'Cookie: c=1',
      'X-Host: 127.0.0.1:18175',
      'X-Forwarded-Host: 127.0.0.1:18175',
      'X-Forwarded-Proto: http',
      'Connection: close',
      '',
      '',
    ].join('\r\n'),
  );
  assert.equal(h.chunked, false);
  assert.equal(h.upgrade, false);
});

const wsHeaders = [
  'Host', '127.0.0.1:18175', 'Connection', 'Upgrade', 'Upgrade', 'websocket',
  'Sec-WebSocket-Key', '0vyjyT5jHwACFWAwMuVMvQ==', 'Sec-WebSocket-Version', '13',
];

test('a WebSocket handshake with "upgrade" enabled keeps Upgrade and sends Connection: close, upgrade', () => {
  const h = buildRequestHead(client({ target: '/up/ws', rawHeaders: wsHeaders }), {
    ...plain,
    header: { ...NO_HEADER_OPTS, upgrade: true },
  });
  assert.equal(
    h.text,
    'GET /up/ws HTTP/1.1\r\nHost: 127.0.0.1:18175\r\nUpgrade: websocket\r\nSec-WebSocket-Key: 0vyjyT5jHwACFWAwMuVMvQ==\r\n' +
      'Sec-WebSocket-Version: 13\r\nX-Forwarded-For: 127.0.0.1\r\nX-Host: 127.0.0.1:18175\r\nX-Forwarded-Host: 127.0.0.1:18175\r\n' +
      'X-Forwarded-Proto: http\r\nConnection: close, upgrade\r\n\r\n',
  );
  assert.equal(h.upgrade, true);
});

test('without "upgrade" the Upgrade header is dropped and Connection is close', () => {
  const h = buildRequestHead(client({ rawHeaders: wsHeaders }), plain);
  assert.doesNotMatch(h.text, /^Upgrade:/m);
  assert.match(h.text, /\r\nConnection: close\r\n\r\n$/);
  assert.equal(h.upgrade, false);
});

test('force-http10 sends HTTP/1.0, drops TE and Upgrade', () => {
  const h = buildRequestHead(client({ rawHeaders: [...wsHeaders, 'TE', 'trailers'] }), {
    ...plain,
    header: { ...NO_HEADER_OPTS, upgrade: true, forceHttp10: true },
  });
  assert.match(h.text, /^GET \/ HTTP\/1\.0\r\n/);
  assert.doesNotMatch(h.text, /^(Upgrade|TE):/im);
  assert.match(h.text, /\r\nConnection: close\r\n\r\n$/);
});

test('an HTTP/1.0 client without Host gets no Host, X-Host or X-Forwarded-Host, and HTTP/1.0 upstream', () => {
  const h = buildRequestHead(client({ httpVersion: '1.0', host: null, target: '/nohost', rawHeaders: ['TE', 'trailers'] }), plain);
  assert.equal(h.text, 'GET /nohost HTTP/1.0\r\nX-Forwarded-For: 127.0.0.1\r\nX-Forwarded-Proto: http\r\nConnection: close\r\n\r\n');
});

test('TE other than trailers and empty values are dropped; Set-Cookie, Expect and Transfer-Encoding too', () => {
  const h = buildRequestHead(
    client({
      method: 'POST',
      bodyLength: null,
      rawHeaders: ['Host', 'h', 'TE', 'gzip', 'X-Empty', '', 'Set-Cookie', 'a=1', 'Transfer-Encoding', 'chunked', 'Expect', '100-continue'],
    }),
    plain,
  );
  assert.doesNotMatch(h.text, /^(TE|X-Empty|Set-Cookie|Expect):/im);
  assert.match(h.text, /\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n$/);
  assert.equal(h.chunked, true);
});

test('a known body length is added when the client sent none; 0 for POST without body', () => {
  const a = buildRequestHead(client({ method: 'POST', bodyLength: 9, rawHeaders: ['Host', 'h'] }), plain);
  assert.match(a.text, /Host: h\r\nContent-Length: 9\r\nX-Forwarded-For: 127\.0\.0\.1\r\n/);
  const b = buildRequestHead(client({ method: 'DELETE', bodyLength: 0, rawHeaders: ['Host', 'h'] }), plain);
  assert.match(b.text, /Content-Length: 0\r\n/);
  const c = buildRequestHead(client({ bodyLength: 0, rawHeaders: ['Host', 'h'] }), plain);
  assert.doesNotMatch(c.text, /Content-Length/);
  const d = buildRequestHead(client({ method: 'PUT', bodyLength: 3, rawHeaders: ['Host', 'h', 'Content-Length', '3'] }), plain);
  assert.equal(d.text.match(/Content-Length/g)?.length, 1);
});

test('client Connection other than close gives "close, te" when TE was forwarded', () => {
  const h = buildRequestHead(client({ rawHeaders: ['Host', 'h', 'Connection', 'TE, keep-alive', 'TE', 'Trailers'] }), plain);
  assert.match(h.text, /\r\nConnection: close, te\r\n\r\n$/);
  const c = buildRequestHead(client({ rawHeaders: ['Host', 'h', 'Connection', 'close', 'TE', 'trailers'] }), plain);
  assert.match(c.text, /\r\nConnection: close\r\n\r\n$/);
});

test('Upgrade without a Connection header, or with h2c, is not forwarded', () => {
  const opts = { ...plain, header: { ...NO_HEADER_OPTS, upgrade: true } };
  assert.doesNotMatch(buildRequestHead(client({ rawHeaders: ['Host', 'h', 'Upgrade', 'websocket'] }), opts).text, /^Upgrade/m);
  assert.doesNotMatch(
    buildRequestHead(client({ rawHeaders: ['Host', 'h', 'Connection', 'upgrade', 'Upgrade', 'h2c'] }), opts).text,
    /^Upgrade/m,
  );
});

test('client X-Host / X-Forwarded-Proto are overwritten in place', () => {
  const h = buildRequestHead(client({ rawHeaders: ['Host', 'h', 'x-host', 'evil', 'X-Forwarded-Proto', 'https', 'A', '1'] }), plain);
  assert.equal(
    h.text,
    'GET / HTTP/1.1\r\nHost: h\r\nx-host: h\r\nX-Forwarded-Proto: http\r\nA: 1\r\nX-Forwarded-For: 127.0.0.1\r\nX-Forwarded-Host: h\r\nConnection: close\r\n\r\n',
  );
});

test('Forwarded with all parameters: appended to the client one, or seeded from X-Forwarded-For', () => {
  const fwd = { for: true, proto: true, host: true, by: true, remoteUser: true };
  const a = buildRequestHead(client({ rawHeaders: ['Host', '127.0.0.1:18175', 'Forwarded', 'for=1.2.3.4'] }), { ...plain, forwarded: fwd });
  assert.match(a.text, /\r\nForwarded: for=1\.2\.3\.4, for=127\.0\.0\.1;by="127\.0\.0\.1:18175";proto=http;host="127\.0\.0\.1:18175"\r\n/);
  const b = buildRequestHead(client({ rawHeaders: ['Host', '127.0.0.1:18175', 'X-Forwarded-For', '10.9.9.9'] }), { ...plain, forwarded: fwd });
  assert.match(
    b.text,
    /X-Forwarded-For: 10\.9\.9\.9, 127\.0\.0\.1\r\nForwarded: for="10\.9\.9\.9", for=127\.0\.0\.1;by="127\.0\.0\.1:18175";proto=http;host="127\.0\.0\.1:18175"\r\n/,
  );
  const none = buildRequestHead(client({ rawHeaders: ['Host', 'h'] }), {
    ...plain,
    forwarded: { for: false, proto: false, host: false, by: false, remoteUser: false },
  });
  assert.doesNotMatch(none.text, /Forwarded:/);
});

test('replace-http-host sends the label as Host; X-Host keeps the client Host', () => {
  const h = buildRequestHead(client({ rawHeaders: ['Host', 'www.front'], host: 'www.front' }), { ...plain, replaceHost: 'backend.label:8080' });
  assert.match(h.text, /^GET \/ HTTP\/1\.1\r\nHost: backend\.label:8080\r\n/);
  assert.match(h.text, /X-Host: www\.front\r\nX-Forwarded-Host: www\.front\r\n/);
});

test('map-urlpath / map-host-request rewrite target, Host, Destination and Content-Location (observed)', () => {
  const header = {
    ...NO_HEADER_OPTS,
    httpsRemap: true,
    mapUrlpath: [['/pub/', '/app/'], ['/pub', '/app']] as const,
    mapHostRequest: [['-', 'backend.internal:8080'], ['front.example', 'back.example']] as const,
    mapHostResponse: [['backend.internal:8080', '-'], ['backend.internal', 'front.example']] as const,
  };
  const h = buildRequestHead(
    client({
      target: '/pub/x?y=/pub/z',
      host: 'www.front',
      rawHeaders: ['Host', 'www.front', 'Destination', 'http://www.front/pub/dest', 'Content-Location', '/pub/cl'],
    }),
    { ...plain, header },
  );
  assert.equal(
    h.text,
    'GET /app/x?y=/pub/z HTTP/1.1\r\nHost: backend.internal:8080\r\nDestination: http://backend.internal:8080/app/dest\r\n' +
      'Content-Location: /app/cl\r\nX-Forwarded-For: 127.0.0.1\r\nX-Host: www.front\r\nX-Forwarded-Host: www.front\r\n' +
      'X-Forwarded-Proto: http\r\nConnection: close\r\n\r\n',
  );
  assert.deepEqual(h.remap, { urlpath: ['/pub/', '/app/'], forwardedHost: 'backend.internal:8080' });
});

test('duplicate request headers are joined (Cookie with "; ")', () => {
  const h = buildRequestHead(client({ rawHeaders: ['Host', 'h', 'Accept', 'a', 'Cookie', 'x=1', 'accept', 'b', 'Cookie', 'y=2'] }), plain);
  assert.match(h.text, /\r\nAccept: a, b\r\nCookie: x=1; y=2\r\n/);
});

test('keepAlive: Connection keep-alive where lighttpd says close; never for HTTP/1.0 requests or forwarded Upgrades', () => {
  const ka: HeadOpts = { ...plain, keepAlive: true };
  const conn = (h: { text: string }): string | undefined => /\r\nConnection: ([^\r]*)\r\n/.exec(h.text)?.[1];
  const a = buildRequestHead(client({ rawHeaders: ['Host', 'h'] }), ka);
  assert.equal(conn(a), 'keep-alive');
  assert.equal(a.keepAlive, true);
  const te = buildRequestHead(client({ rawHeaders: ['Host', 'h', 'TE', 'trailers', 'Connection', 'TE'] }), ka);
  assert.equal(conn(te), 'keep-alive, te');
  const noHost = buildRequestHead(client({ httpVersion: '1.0', rawHeaders: [] }), ka);
  assert.match(noHost.text, /^GET \/ HTTP\/1\.0\r\n/);
  assert.equal(conn(noHost), 'close');
  assert.equal(noHost.keepAlive, false);
  const forced = buildRequestHead(client({ rawHeaders: ['Host', 'h'] }), { ...ka, header: { ...NO_HEADER_OPTS, forceHttp10: true } });
  assert.equal([conn(forced), forced.keepAlive].join(), 'close,false');
  const up = buildRequestHead(client({ rawHeaders: ['Host', 'h', 'Upgrade', 'websocket', 'Connection', 'Upgrade'] }), { ...ka, header: { ...NO_HEADER_OPTS, upgrade: true } });
  assert.equal([conn(up), up.keepAlive].join(), 'close, upgrade,false');
  assert.equal(buildRequestHead(client({ rawHeaders: ['Host', 'h'] }), plain).keepAlive, false);
});

test('headers changed after arrival (mod_setenv): current values in arrival order, removed ones dropped, added ones last as spelled', () => {
  const h = buildRequestHead(
    client({
      rawHeaders: ['Host', 'h', 'User-Agent', 'ua', 'Accept', 'a', 'X-Custom', '1', 'Cookie', 'c=1'],
      headers: new Map([
        ['host', 'h'],
        ['accept', 'a, extra'],
        ['x-custom', 'replaced'],
        ['cookie', 'c=1; c=2'],
        ['x-added', '1'],
        ['x-set', 'v'],
      ]),
      addedNames: new Map([['x-added', 'X-Added']]),
    }),
    plain,
  );
  assert.deepEqual(h.text.split('\r\n').slice(1, 7), ['Host: h', 'Accept: a, extra', 'X-Custom: replaced', 'Cookie: c=1; c=2', 'X-Added: 1', 'X-Set: v']);
});
