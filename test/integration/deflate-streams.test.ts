/**
 * mod_deflate with streamed bodies: a large file goes through zlib with backpressure (memory stays
 * bounded while the client does not read), deflate.cache-dir keeps and reuses compressed copies under
 * lighttpd's names, proxied bodies are compressed (with or without a length), and WebSocket upgrades
 * through mod_proxy and mod_wstunnel are never touched.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import zlib from 'node:zlib';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { startTestServer } from '../helpers/server.js';
import { decodeBody, httpGet } from '../helpers/http-get.js';
import { startWsBackend } from '../helpers/proxy-backends.js';

const TEXT = 'line of compressible text for mod_deflate\n'.repeat(200);
const BASE = `server.modules = ( "mod_deflate", "mod_proxy", "mod_wstunnel" )
mimetype.assign = ( ".txt" => "text/plain" )
deflate.mimetypes = ( "text/" )
deflate.allowed-encodings = ( "gzip", "br" )
`;

test('a large file is compressed as a stream: bounded memory while the client waits, chunked past 1 MiB, exact bytes', { timeout: 60_000 }, async (t) => {
  // base64 of random bytes: compresses to about 3/4, so the compressed body is far over the 1 MiB hold
  const big = randomBytes(18 * 1024 * 1024).toString('base64');
  const s = await startTestServer(t, BASE, { files: { 'big.txt': big } });
  const before = process.memoryUsage().arrayBuffers;
  const sock = net.connect(s.port, '127.0.0.1');
  t.after(() => sock.destroy());
  await once(sock, 'connect');
  sock.write('GET /big.txt HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n');
  const [first] = (await once(sock, 'data')) as [Buffer];
  sock.pause();
  await new Promise((r) => setTimeout(r, 800));
  const grown = process.memoryUsage().arrayBuffers - before;
  assert.ok(grown < 12 * 1024 * 1024, `memory grew by ${grown} bytes while the client did not read`);
  const chunks: Buffer[] = [first];
  sock.on('data', (d: Buffer) => chunks.push(d));
  sock.resume();
  await once(sock, 'end');
  const raw = Buffer.concat(chunks);
  const headEnd = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, headEnd).toString('latin1');
  assert.match(head, /^HTTP\/1\.1 200/);
  assert.match(head, /\r\nContent-Encoding: gzip/);
  assert.match(head, /\r\nTransfer-Encoding: chunked/);
  assert.doesNotMatch(head, /Content-Length/);
  const parts: Buffer[] = [];
  for (let at = headEnd + 4; ; ) {
    const le = raw.indexOf('\r\n', at);
    const size = parseInt(raw.subarray(at, le).toString('latin1'), 16);
    if (size === 0) break;
    parts.push(raw.subarray(le + 2, le + 2 + size));
    at = le + 2 + size + 2;
  }
  assert.equal(zlib.gunzipSync(Buffer.concat(parts)).toString('latin1'), big);
});

test('deflate.cache-dir: copies named as lighttpd names them, served from the cache afterwards', async (t) => {
  const s = await startTestServer(t, `${BASE}deflate.cache-dir = "@DIR@/cache/"\n`, { files: { 'a.txt': TEXT } });
  const first = await httpGet(s.port, '/a.txt', { 'Accept-Encoding': 'gzip' });
  assert.equal(first.headers['content-encoding'], 'gzip');
  assert.equal(decodeBody('gzip', first.body).toString(), TEXT);
  const etag = String(first.headers.etag);
  const file = `${s.dir}/cache${s.docroot}/a.txt-${etag.slice(1, -1)}`;
  assert.ok(existsSync(file), `${file} missing`);
  assert.ok(etag.endsWith('-gzip"'));
  assert.deepEqual(readFileSync(file), first.body);
  // a changed copy is what the next answer sends: it came from the cache, not from a new compression
  const marked = zlib.gzipSync('from the cache\n');
  writeFileSync(file, marked);
  const again = await httpGet(s.port, '/a.txt', { 'Accept-Encoding': 'gzip' });
  assert.equal(again.headers['content-length'], String(marked.length));
  assert.equal(decodeBody('gzip', again.body).toString(), 'from the cache\n');
  // another coding is another copy
  const br = await httpGet(s.port, '/a.txt', { 'Accept-Encoding': 'br' });
  assert.equal(decodeBody('br', br.body).toString(), TEXT);
  assert.ok(existsSync(`${s.dir}/cache${s.docroot}/a.txt-${String(br.headers.etag).slice(1, -1)}`));
});

/** A backend with text bodies: with a length, chunked in two writes, tiny chunked, already encoded. */
async function textBackend(t: { after(fn: () => Promise<void>): void }): Promise<number> {
  const server = http.createServer((req, res) => {
    res.setHeader('Content-Type', 'text/plain');
    if (req.url === '/p/len') res.end(TEXT);
    else if (req.url === '/p/chunked') {
      res.write(TEXT.slice(0, 1000));
      setTimeout(() => res.end(TEXT.slice(1000)), 20);
    } else if (req.url === '/p/tiny') {
      res.write('ti');
      setTimeout(() => res.end('ny\n'), 20);
    } else {
      res.setHeader('Content-Encoding', 'identity');
      res.end(TEXT);
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

test('proxied bodies: compressed with or without a backend length, tiny and encoded ones left alone', async (t) => {
  const port = await textBackend(t);
  const s = await startTestServer(t, `${BASE}proxy.server = ( "/p/" => ( ( "host" => "127.0.0.1", "port" => ${port} ) ) )\n`);
  for (const path of ['/p/len', '/p/chunked']) {
    const r = await httpGet(s.port, path, { 'Accept-Encoding': 'gzip' });
    assert.equal(r.headers['content-encoding'], 'gzip', path);
    assert.equal(r.headers.vary, 'Accept-Encoding', path);
    assert.equal(Number(r.headers['content-length']), r.body.length, path);
    assert.equal(decodeBody('gzip', r.body).toString(), TEXT, path);
  }
  const tiny = await httpGet(s.port, '/p/tiny', { 'Accept-Encoding': 'gzip' });
  assert.equal(tiny.headers['content-encoding'], undefined);
  assert.equal(tiny.body.toString(), 'tiny\n');
  const enc = await httpGet(s.port, '/p/encoded', { 'Accept-Encoding': 'gzip' });
  assert.equal(enc.headers['content-encoding'], 'identity');
  assert.equal(enc.body.toString(), TEXT);
});

function openWs(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, headers: { 'Accept-Encoding': 'gzip, br' } });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

test('WebSocket through mod_proxy and mod_wstunnel with Accept-Encoding: frames pass unchanged', async (t) => {
  const be = await startWsBackend();
  t.after(() => be.close());
  const tcp = net.createServer((c) => c.pipe(c));
  tcp.listen(0, '127.0.0.1');
  await once(tcp, 'listening');
  t.after(() => new Promise<void>((resolve) => tcp.close(() => resolve())));
  const tcpPort = (tcp.address() as AddressInfo).port;
  const s = await startTestServer(t, `${BASE}deflate.mimetypes := ( "" )
proxy.server = ( "/ws/" => ( ( "host" => "127.0.0.1", "port" => ${be.port} ) ) )
proxy.header = ( "upgrade" => "enable" )
wstunnel.server = ( "/tun/" => ( ( "host" => "127.0.0.1", "port" => ${tcpPort} ) ) )
wstunnel.frame-type = "text"
`);
  const text = TEXT.slice(0, 2000);
  for (const url of [`ws://127.0.0.1:${s.port}/ws/echo`, `ws://127.0.0.1:${s.port}/tun/`]) {
    const ws = await openWs(url);
    t.after(() => ws.terminate());
    const got = once(ws, 'message') as Promise<[WebSocket.RawData, boolean]>;
    ws.send(text);
    const [data] = await got;
    assert.ok(Buffer.isBuffer(data), url);
    assert.equal(data.toString(), text, url);
    ws.close();
  }
});
