/**
 * mod_proxy end to end: the real server (in-process, port 0) in front of real backends — a recording
 * Node HTTP app on TCP and on a unix socket — exercising each proxy.* key and proxy.header option.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startTestServer, tempDir } from '../helpers/server.js';
import { rawRequest } from '../helpers/raw-http.js';
import { rawHeader, startHttpBackend, type Backend, type Recorded } from '../helpers/proxy-backends.js';

async function backend(t: { after(fn: () => Promise<void>): void }, socketPath?: string): Promise<Backend> {
  const b = await startHttpBackend(socketPath);
  t.after(() => b.close());
  return b;
}

function hostLine(b: Backend): string {
  return `( "host" => "127.0.0.1", "port" => ${b.port} )`;
}

function names(rec: Recorded): string[] {
  return rec.rawHeaders.filter((_, i) => i % 2 === 0);
}

function last(b: Backend): Recorded {
  const r = b.requests.at(-1);
  assert.ok(r, 'the backend received no request');
  return r;
}

test('plain GET: the backend sees the rewritten head, the client gets status, headers and body', async (t) => {
  const be = await backend(t);
  const srv = await startTestServer(t, `server.modules += ( "mod_proxy" )\nproxy.server = ( "/app/" => ( ${hostLine(be)} ) )\n`);
  const r = await rawRequest(
    srv.port,
    'GET /app/x?q=1 HTTP/1.1\r\nHost: front.example\r\nX-Forwarded-For: 10.0.0.1\r\nProxy: evil\r\nTE: trailers\r\nKeep-Alive: 300\r\nConnection: close\r\n\r\n',
  );
  const res = r.responses[0];
  assert.equal(res?.status, 200);
  assert.equal(res.header('content-type'), 'application/json');
  const seen = JSON.parse(res.body.toString()) as Recorded;
  assert.equal(seen.url, '/app/x?q=1');
  assert.deepEqual(names(last(be)), ['Host', 'X-Forwarded-For', 'TE', 'Keep-Alive', 'X-Host', 'X-Forwarded-Host', 'X-Forwarded-Proto', 'Connection']);
  assert.equal(rawHeader(last(be), 'x-forwarded-for'), '10.0.0.1, 127.0.0.1');
  // lighttpd sends close; tswstunnel keeps backend connections alive (docs/compat.md)
  assert.equal(rawHeader(last(be), 'connection'), 'keep-alive');
  // a path no key matches is not proxied
  const other = await rawRequest(srv.port, 'GET /elsewhere HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n');
  assert.equal(other.responses[0]?.status, 404);
  assert.equal(be.requests.length, 1);
});

test('unix-socket backend ("socket" and a "host" that is a path)', async (t) => {
  const dir = tempDir(t, 'tsw-proxy-');
  const sock = join(dir, 'app.sock');
  const be = await backend(t, sock);
  const srv = await startTestServer(
    t,
    `server.modules += ( "mod_proxy" )\nproxy.server = ( "/s/" => ( ( "socket" => "${sock}" ) ), "/h/" => ( ( "host" => "${sock}" ) ) )\n`,
  );
  for (const p of ['/s/a', '/h/b']) {
    const r = await rawRequest(srv.port, `GET ${p} HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n`);
    assert.equal(r.responses[0]?.status, 200, p);
    assert.equal(last(be).url, p);
  }
});

test('bodies: Content-Length upload, small chunked upload gets a Content-Length, large one stays chunked', async (t) => {
  const be = await backend(t);
  const srv = await startTestServer(t, `server.modules += ( "mod_proxy" )\nproxy.server = ( "" => ( ${hostLine(be)} ) )\n`);
  const plain = await fetch(`${srv.base}/up`, { method: 'POST', body: 'x'.repeat(100000) });
  assert.equal(plain.status, 200);
  assert.equal(last(be).bodyBytes, 100000);
  assert.equal(rawHeader(last(be), 'content-length'), '100000');

  const r = await rawRequest(srv.port, 'POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n4\r\nabcd\r\n5\r\nefghi\r\n0\r\n\r\n');
  assert.equal(r.responses[0]?.status, 200);
  assert.equal(rawHeader(last(be), 'content-length'), '9');
  assert.equal(rawHeader(last(be), 'transfer-encoding'), undefined);
  assert.equal(last(be).bodyBytes, 9);

  const big = new ReadableStream<Uint8Array>({
    start(c) {
      for (let i = 0; i < 40; i++) c.enqueue(new Uint8Array(16384).fill(98));
      c.close();
    },
  });
  const init: RequestInit & { duplex: 'half' } = { method: 'POST', body: big, duplex: 'half' };
  const streamed = await fetch(`${srv.base}/big-up`, init);
  assert.equal(streamed.status, 200);
  assert.equal(last(be).bodyBytes, 40 * 16384);
  assert.equal(rawHeader(last(be), 'transfer-encoding'), 'chunked');
});

test('responses: chunked and close-delimited bodies, 204, unknown status, javascript type rewrite', async (t) => {
  const be = await backend(t);
  const srv = await startTestServer(t, `server.modules += ( "mod_proxy" )\nproxy.server = ( "" => ( ${hostLine(be)} ) )\n`);
  const c = await fetch(`${srv.base}/chunked`);
  assert.equal(await c.text(), 'hello chunked world');
  const big = await fetch(`${srv.base}/big?bytes=3000000&cl=1`);
  assert.equal(big.headers.get('content-length'), '3000000');
  assert.equal((await big.arrayBuffer()).byteLength, 3000000);
  const none = await fetch(`${srv.base}/204`);
  assert.equal(none.status, 204);
  const r = await rawRequest(srv.port, 'GET /status?code=599&h=Content-Type:application/javascript;%20charset=utf-8 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n');
  assert.equal(r.responses[0]?.statusLine, 'HTTP/1.1 599 ');
  assert.equal(r.responses[0]?.header('content-type'), 'text/javascript; charset=utf-8');
});

test('proxy.forwarded and proxy.replace-http-host', async (t) => {
  const be = await backend(t);
  const srv = await startTestServer(
    t,
    `server.modules += ( "mod_proxy" )
proxy.server = ( "" => ( "backend.label:8080" => ( "host" => "127.0.0.1", "port" => ${be.port} ) ) )
proxy.forwarded = ( "for" => 1, "proto" => "enable", "host" => 1, "by" => 1 )
proxy.replace-http-host = "enable"
`,
  );
  await rawRequest(srv.port, 'GET / HTTP/1.1\r\nHost: www.front\r\nForwarded: for=1.2.3.4\r\nConnection: close\r\n\r\n');
  const rec = last(be);
  assert.equal(rawHeader(rec, 'host'), 'backend.label:8080');
  assert.equal(rawHeader(rec, 'x-host'), 'www.front');
  assert.equal(rawHeader(rec, 'forwarded'), `for=1.2.3.4, for=127.0.0.1;by="127.0.0.1:${srv.port}";proto=http;host="www.front"`);
});

test('proxy.header map-urlpath / map-host-request / map-host-response (observed transcript)', async (t) => {
  const be = await backend(t);
  const srv = await startTestServer(
    t,
    `server.modules += ( "mod_proxy" )
proxy.server = ( "/pub/" => ( ${hostLine(be)} ) )
proxy.header = (
  "map-urlpath" => ( "/pub/" => "/app/", "/pub" => "/app" ),
  "map-host-request" => ( "-" => "backend.internal:8080", "front.example" => "back.example" ),
  "map-host-response" => ( "backend.internal:8080" => "-", "backend.internal" => "front.example" ),
  "https-remap" => "enable" )
`,
  );
  const q = [
    'h=Location:http://backend.internal:8080/app/next?x=1',
    'h=Set-Cookie:a=1;%20Domain=backend.internal;%20Path=/app/;%20HttpOnly',
    'h=Set-Cookie:b=2;%20path=/app/sub',
    'code=302',
  ].join('&');
  const r = await rawRequest(
    srv.port,
    `GET /pub/x?${q} HTTP/1.1\r\nHost: www.front\r\nDestination: http://www.front/pub/dest\r\nContent-Location: /pub/cl\r\nConnection: close\r\n\r\n`,
  );
  const rec = last(be);
  assert.equal(rec.url, `/app/x?${q}`);
  assert.equal(rawHeader(rec, 'host'), 'backend.internal:8080');
  assert.equal(rawHeader(rec, 'destination'), 'http://backend.internal:8080/app/dest');
  assert.equal(rawHeader(rec, 'content-location'), '/app/cl');
  assert.equal(rawHeader(rec, 'x-host'), 'www.front');
  const res = r.responses[0];
  assert.equal(res?.status, 302);
  assert.equal(res.header('location'), 'http://www.front/pub/next?x=1');
  assert.deepEqual(
    res.headerList.filter(([n]) => n.toLowerCase() === 'set-cookie').map(([, v]) => v),
    ['a=1; Domain=front.example; Path=/pub/; HttpOnly', 'b=2; path=/pub/sub'],
  );
});

test('proxy.header force-http10: HTTP/1.0 upstream, TE dropped; unknown-length body is 411', async (t) => {
  const be = await backend(t);
  const srv = await startTestServer(t, `server.modules += ( "mod_proxy" )\nproxy.server = ( "" => ( ${hostLine(be)} ) )\nproxy.header = ( "force-http10" => "enable" )\n`);
  await rawRequest(srv.port, 'GET /a HTTP/1.1\r\nHost: h\r\nTE: trailers\r\nConnection: TE\r\n\r\n');
  assert.equal(last(be).httpVersion, '1.0');
  assert.equal(rawHeader(last(be), 'te'), undefined);
  assert.equal(rawHeader(last(be), 'connection'), 'close');
  const big = `POST /b HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${'40000\r\n' + 'z'.repeat(0x40000) + '\r\n'}${'40000\r\n' + 'z'.repeat(0x40000) + '\r\n'}0\r\n\r\n`;
  const r = await rawRequest(srv.port, big);
  assert.equal(r.responses[0]?.status, 411);
});

test('proxy.map-extensions and suffix keys (backends.md §1.3)', async (t) => {
  const be = await backend(t);
  const srv = await startTestServer(
    t,
    `server.modules += ( "mod_proxy" )\nproxy.server = ( ".php" => ( ${hostLine(be)} ) )\nproxy.map-extensions = ( ".php3" => ".php", ".inc" => ".nomatch" )\n`,
  );
  const status = async (p: string): Promise<number | undefined> =>
    (await rawRequest(srv.port, `GET ${p} HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n`)).responses[0]?.status;
  assert.equal(await status('/a/b.php'), 200);
  assert.equal(await status('/a/b.php3'), 200);
  assert.equal(await status('/a/b.inc'), 404);
  assert.equal(await status('/a/b.php/extra'), 404);
  assert.deepEqual(
    be.requests.map((r) => r.url),
    ['/a/b.php', '/a/b.php3'],
  );
});

test('proxy.balance round-robin, proxy.debug log lines', async (t) => {
  const a = await backend(t);
  const b = await backend(t);
  const srv = await startTestServer(
    t,
    `server.modules += ( "mod_proxy" )\nproxy.server = ( "" => ( ${hostLine(a)}, ${hostLine(b)} ) )\nproxy.balance = "round-robin"\nproxy.debug = 1\n`,
  );
  for (let i = 0; i < 4; i++) await rawRequest(srv.port, `GET /${i} HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n`);
  assert.deepEqual(a.requests.map((r) => r.url), ['/0', '/2']);
  assert.deepEqual(b.requests.map((r) => r.url), ['/1', '/3']);
  assert.match(srv.stderr(), /gw - found a host 127\.0\.0\.1/);
});
