/**
 * mod_deflate on real sockets: each coding decompresses to the file's bytes, the headers lighttpd 1.4.69
 * sends (Content-Encoding, Vary, ETag suffix, new Content-Length), and what stays untouched (HEAD,
 * small bodies, other types, no allowed-encodings, Range answered in full when compressing).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from '../helpers/server.js';
import { decodeBody, httpGet } from '../helpers/http-get.js';
import { rawRequest } from '../helpers/raw-http.js';

const TEXT = 'line of compressible text for mod_deflate\n'.repeat(200);
const FILES = { 'a.txt': TEXT, 'tiny.txt': 'tiny\n', 'p.png': TEXT, 'page.html': `<p>${TEXT}</p>`, 'app.js': `var s = ${JSON.stringify(TEXT)};\n` };
const CONFIG = `server.modules = ( "mod_deflate" )
mimetype.assign = ( ".txt" => "text/plain", ".html" => "text/html", ".png" => "image/png", ".js" => "application/javascript" )
deflate.mimetypes = ( "text/", "application/javascript" )
deflate.allowed-encodings = ( "br", "gzip", "deflate" )
$HTTP["url"] =^ "/off/" { deflate.mimetypes = () }
`;

test('each coding decompresses to the file, with lighttpd\'s headers', async (t) => {
  const s = await startTestServer(t, CONFIG, { files: FILES });
  const plain = await httpGet(s.port, '/a.txt');
  const etag = String(plain.headers.etag);
  assert.match(etag, /^"\d+"$/);
  for (const [ae, label] of [['gzip', 'gzip'], ['deflate', 'deflate'], ['br', 'br'], ['x-gzip', 'x-gzip'], ['gzip, deflate, br, zstd', 'br'], ['gzip;q=0', 'gzip']] as const) {
    const r = await httpGet(s.port, '/a.txt', { 'Accept-Encoding': ae });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-encoding'], label, ae);
    assert.equal(r.headers.vary, 'Accept-Encoding');
    assert.equal(r.headers.etag, `${etag.slice(0, -1)}-${label}"`);
    assert.equal(Number(r.headers['content-length']), r.body.length);
    assert.ok(r.body.length < TEXT.length / 4);
    assert.equal(r.headers['accept-ranges'], undefined);
    assert.equal(decodeBody(label, r.body).toString(), TEXT);
  }
  // lighttpd rewrites application/javascript to text/javascript in both mimetype.assign and deflate.mimetypes
  const js = await httpGet(s.port, '/app.js', { 'Accept-Encoding': 'gzip' });
  assert.equal(js.headers['content-type'], 'text/javascript');
  assert.equal(js.headers['content-encoding'], 'gzip');
});

test('left alone: HEAD, small bodies, other types, switched off, unknown codings, no Accept-Encoding', async (t) => {
  const s = await startTestServer(t, CONFIG, { files: { ...FILES, 'off/a.txt': TEXT } });
  const gz = { 'Accept-Encoding': 'gzip' };
  const head = await httpGet(s.port, '/a.txt', gz, 'HEAD');
  assert.equal(head.headers['content-encoding'], undefined);
  assert.equal(head.headers['content-length'], String(TEXT.length));
  assert.equal(head.headers.vary, undefined);
  const cases: [string, Record<string, string>, string][] = [
    ['/tiny.txt', gz, FILES['tiny.txt']],
    ['/p.png', gz, TEXT],
    ['/off/a.txt', gz, TEXT],
    ['/a.txt', { 'Accept-Encoding': 'zstd, compress, identity, GZIP' }, TEXT],
    ['/a.txt', {}, TEXT],
  ];
  for (const [path, headers, body] of cases) {
    const r = await httpGet(s.port, path, headers);
    assert.equal(r.status, 200, path);
    assert.equal(r.headers['content-encoding'], undefined, path);
    assert.equal(r.headers.vary, undefined, path);
    assert.equal(r.body.toString(), body, path);
  }
});

test('lighttpd 1.4.69 compresses nothing without deflate.allowed-encodings', async (t) => {
  const s = await startTestServer(t, 'server.modules = ( "mod_deflate" )\nmimetype.assign = ( ".txt" => "text/plain" )\ndeflate.mimetypes = ( "text/" )\n', { files: FILES });
  const r = await httpGet(s.port, '/a.txt', { 'Accept-Encoding': 'gzip' });
  assert.equal(r.headers['content-encoding'], undefined);
  assert.equal(r.body.toString(), TEXT);
});

test('Range is ignored when the answer is compressed (200, whole body); honoured otherwise', async (t) => {
  const s = await startTestServer(t, CONFIG, { files: FILES });
  const r = await httpGet(s.port, '/a.txt', { 'Accept-Encoding': 'gzip', Range: 'bytes=0-9' });
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-range'], undefined);
  assert.equal(decodeBody('gzip', r.body).toString(), TEXT);
  const plain = await httpGet(s.port, '/a.txt', { Range: 'bytes=0-9' });
  assert.equal(plain.status, 206);
  const png = await httpGet(s.port, '/p.png', { 'Accept-Encoding': 'gzip', Range: 'bytes=0-9' });
  assert.equal(png.status, 206);
  assert.equal(png.body.length, 10);
});

test('If-None-Match with the compressed ETag: 304 for GET, 412 for POST; error pages compressed', async (t) => {
  const s = await startTestServer(t, CONFIG, { files: FILES });
  const first = await httpGet(s.port, '/a.txt', { 'Accept-Encoding': 'gzip' });
  const etag = String(first.headers.etag);
  const nm = await httpGet(s.port, '/a.txt', { 'Accept-Encoding': 'gzip', 'If-None-Match': etag });
  assert.equal(nm.status, 304);
  assert.equal(nm.headers.etag, etag);
  assert.equal(nm.headers['content-length'], undefined);
  assert.equal(nm.headers['content-encoding'], undefined);
  const post = await httpGet(s.port, '/a.txt', { 'Accept-Encoding': 'gzip', 'If-None-Match': etag, 'Content-Length': '0' }, 'POST');
  assert.equal(post.status, 412);
  assert.equal(post.headers['content-length'], '0');
  assert.equal(post.headers.vary, 'Accept-Encoding');
  const other = await httpGet(s.port, '/a.txt', { 'Accept-Encoding': 'br', 'If-None-Match': etag });
  assert.equal(other.status, 200);
  assert.equal(other.headers['content-encoding'], 'br');
  const missing = await httpGet(s.port, '/missing.txt', { 'Accept-Encoding': 'gzip' });
  assert.equal(missing.status, 404);
  assert.equal(missing.headers['content-encoding'], 'gzip');
  assert.match(decodeBody('gzip', missing.body).toString(), /404 Not Found/);
});

test('keep-alive and pipelining: compressed answers (whole, streamed, cached) come back in order', async (t) => {
  const s = await startTestServer(t, `${CONFIG}deflate.cache-dir = "@DIR@/cache"\n`, { files: { ...FILES, 'big.txt': TEXT.repeat(400) } });
  const one = (path: string, coding: string, last = false): string => `GET ${path} HTTP/1.1\r\nHost: x\r\nAccept-Encoding: ${coding}\r\n${last ? 'Connection: close\r\n' : ''}\r\n`;
  const ex = await rawRequest(s.port, one('/a.txt', 'gzip') + one('/big.txt', 'br') + one('/page.html', 'deflate') + one('/a.txt', 'gzip', true), { expect: 4, timeoutMs: 10_000 });
  assert.deepEqual(ex.responses.map((r) => [r.status, r.header('content-encoding')]), [[200, 'gzip'], [200, 'br'], [200, 'deflate'], [200, 'gzip']]);
  const bodies = ex.responses.map((r) => decodeBody(r.header('content-encoding'), r.body).toString());
  assert.deepEqual(bodies, [TEXT, TEXT.repeat(400), FILES['page.html'], TEXT]);
  assert.ok(ex.responses.every((r) => r.header('content-length') !== undefined));
});
