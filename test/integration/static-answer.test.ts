/**
 * A static file's 200 headers come from a template kept in its stat-cache entry (src/http/static-answer.ts,
 * src/http1/header-template.ts). Through the real server: repeated answers on one keep-alive connection
 * are the same bytes as the first (Date aside) and as lighttpd's header rules give them; answers whose
 * settings differ by condition (ETags off, another MIME type, setenv response headers) each get their own
 * headers however they interleave; a changed file gets new headers with its new body (within the stat
 * cache's bound, at once with "disable"); conditional and range requests after cached answers still
 * answer 304 / 206 right.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { utimesSync, writeFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import path from 'node:path';
import { rawRequest, type RawResponse } from '../helpers/raw-http.js';
import { openRaw } from '../helpers/raw-conn.js';
import { startTestServer } from '../helpers/server.js';
import { REVALIDATE_MS } from '../../src/http/stat-cache.js';

const BODY = `${'static answer '.repeat(70)}\n`;

function get(target: string, ...headers: string[]): string {
  return [`GET ${target} HTTP/1.1`, 'Host: localhost', ...headers, '', ''].join('\r\n');
}

/** The head without its Date line, and the body. */
function shape(r: RawResponse): string {
  const head = [r.statusLine, ...r.headerList.filter(([k]) => k !== 'Date').map(([k, v]) => `${k}: ${v}`)].join('\n');
  return `${head}\n\n${r.body.toString('latin1')}`;
}

async function one(port: number, request: string): Promise<RawResponse> {
  const r = (await rawRequest(port, request, { expect: 1 })).responses[0];
  if (!r) throw new Error('no response');
  return r;
}

/** Lets the file's ctime age past 1 s, so its content is kept in memory (the racy-timestamp rule). */
function ageCtime(): Promise<void> {
  return delay(REVALIDATE_MS + 100);
}

test('repeated answers on one keep-alive connection are the same bytes; HEAD, HTTP/1.0 and close vary only what they must', { timeout: 30_000 }, async (t) => {
  const s = await startTestServer(t, 'server.modules = ( "mod_staticfile" )\nmimetype.assign = ( ".html" => "text/html" )\n', { files: { 'f.html': BODY } });
  await ageCtime();
  const n = 6;
  const x = await rawRequest(s.port, get('/f.html').repeat(n), { expect: n });
  assert.equal(x.responses.length, n);
  const first = x.responses[0];
  assert.ok(first);
  assert.deepEqual(
    first.headerList.map(([k]) => k),
    ['Content-Type', 'ETag', 'Last-Modified', 'Content-Length', 'Accept-Ranges', 'Date', 'Server'],
  );
  assert.equal(first.body.toString('latin1'), BODY);
  assert.equal(first.header('content-length'), String(BODY.length));
  for (const r of x.responses) assert.equal(shape(r), shape(first));
  assert.equal(x.closed, false);

  const head = (await rawRequest(s.port, 'HEAD /f.html HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n', { head: [true] })).responses[0];
  assert.ok(head);
  assert.equal(head.header('content-length'), String(BODY.length), 'HEAD announces the length');
  assert.equal(head.body.length, 0);
  assert.equal(head.header('connection'), 'close');

  const v10 = await rawRequest(s.port, 'GET /f.html HTTP/1.0\r\nConnection: keep-alive\r\n\r\n', { expect: 1 });
  assert.equal(v10.responses[0]?.header('connection'), 'keep-alive');
  assert.equal(v10.responses[0]?.header('accept-ranges'), undefined, 'no Accept-Ranges for HTTP/1.0 (lighttpd)');
  assert.equal(v10.responses[0]?.body.toString('latin1'), BODY);
  // and the HTTP/1.1 answer after it is the first one again
  assert.equal(shape(await one(s.port, get('/f.html'))), shape(first));
});

test('answers whose settings differ by condition each get their own headers, however they interleave', { timeout: 30_000 }, async (t) => {
  const conf = [
    'server.modules = ( "mod_setenv", "mod_staticfile" )',
    'mimetype.assign = ( ".html" => "text/html" )',
    '$HTTP["querystring"] == "noetag" { static-file.etags = "disable" }',
    '$HTTP["querystring"] == "type" { mimetype.assign = ( ".html" => "text/x-other" ) }',
    '$HTTP["querystring"] == "hdr" { setenv.add-response-header = ( "X-Extra" => "1" ) setenv.set-response-header = ( "Content-Type" => "text/over" ) }',
    '$HTTP["querystring"] == "norange" { server.range-requests = "disable" }',
    '',
  ].join('\n');
  const s = await startTestServer(t, conf, { files: { 'f.html': BODY } });
  await ageCtime();
  const etag = (await one(s.port, get('/f.html'))).header('etag');
  assert.ok(etag);
  for (let round = 0; round < 3; round++) {
    const plain = await one(s.port, get('/f.html'));
    assert.equal(plain.header('content-type'), 'text/html');
    assert.equal(plain.header('etag'), etag);
    assert.equal(plain.header('x-extra'), undefined);
    assert.equal(plain.header('accept-ranges'), 'bytes');

    const noetag = await one(s.port, get('/f.html?noetag'));
    assert.equal(noetag.header('etag'), undefined);
    assert.ok(noetag.header('last-modified'));

    assert.equal((await one(s.port, get('/f.html?type'))).header('content-type'), 'text/x-other');

    const hdr = await one(s.port, get('/f.html?hdr'));
    assert.equal(hdr.header('content-type'), 'text/over');
    assert.equal(hdr.header('x-extra'), '1');
    assert.equal(hdr.header('etag'), etag);
    assert.equal(hdr.body.toString('latin1'), BODY);

    assert.equal((await one(s.port, get('/f.html?norange'))).header('accept-ranges'), undefined);
  }
});

test('conditional and range requests after cached answers: 304 and 206 as before', { timeout: 30_000 }, async (t) => {
  const s = await startTestServer(t, 'server.modules = ( "mod_staticfile" )\nmimetype.assign = ( ".html" => "text/html" )\n', { files: { 'f.html': BODY } });
  await ageCtime();
  let etag = '';
  for (let i = 0; i < 3; i++) etag = (await one(s.port, get('/f.html'))).header('etag') ?? '';
  const lm = (await one(s.port, get('/f.html'))).header('last-modified') ?? '';
  const inm = await one(s.port, get('/f.html', `If-None-Match: ${etag}`));
  assert.equal(inm.status, 304);
  assert.equal(inm.body.length, 0);
  assert.equal(inm.header('etag'), etag);
  assert.equal(inm.header('content-length'), undefined);
  assert.equal((await one(s.port, get('/f.html', `If-Modified-Since: ${lm}`))).status, 304);
  assert.equal((await one(s.port, get('/f.html', 'If-None-Match: "other"'))).status, 200);
  const part = await one(s.port, get('/f.html', 'Range: bytes=2-5'));
  assert.equal(part.status, 206);
  assert.equal(part.header('content-range'), `bytes 2-5/${BODY.length}`);
  assert.equal(part.body.toString('latin1'), BODY.slice(2, 6));
  assert.equal((await one(s.port, get('/f.html'))).status, 200, 'and a plain GET afterwards is a 200 again');
});

for (const engine of ['simple', 'disable'] as const) {
  test(`${engine}: a changed file gets new headers with its new body`, { timeout: 30_000 }, async (t) => {
    const s = await startTestServer(t, `server.modules = ( "mod_staticfile" )\nserver.stat-cache-engine = "${engine}"\nmimetype.assign = ( ".html" => "text/html" )\n`, { files: { 'f.html': BODY } });
    const file = path.join(s.docroot, 'f.html');
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(file, old, old);
    await ageCtime();
    const before = await one(s.port, get('/f.html'));
    await one(s.port, get('/f.html'));
    const next = `${BODY}more\n`;
    writeFileSync(file, next);
    const changedAt = performance.now();
    for (;;) {
      const sentAt = performance.now();
      const r = await one(s.port, get('/f.html'));
      // every answer is one whole version: its headers describe its body
      assert.equal(Number(r.header('content-length')), r.body.length);
      if (r.body.toString('latin1') === next) {
        assert.notEqual(r.header('etag'), before.header('etag'));
        assert.notEqual(r.header('last-modified'), before.header('last-modified'));
        break;
      }
      assert.equal(shape(r), shape(before));
      assert.ok(engine === 'simple' && sentAt - changedAt < REVALIDATE_MS, `still the old answer ${Math.round(sentAt - changedAt)} ms after the change (${engine})`);
      await delay(25);
    }
  });
}

test('pipelined answers to a client that reads late arrive whole and in order (writes the kernel takes only in part)', { timeout: 30_000 }, async (t) => {
  // 12 KiB answers are written straight to the socket handle (src/http1/socket-io.ts); 1,500 of them
  // (18 MB) overfill the loopback buffers while the client does not read, so some complete asynchronously
  const big = `${'0123456789abcdef'.repeat(768)}`;
  const conf = 'server.modules = ( "mod_staticfile" )\nmimetype.assign = ( ".html" => "text/html" )\nserver.max-keep-alive-requests = 10000\n';
  const s = await startTestServer(t, conf, { files: { 'f.html': BODY, 'g.html': big } });
  await ageCtime();
  const c = await openRaw(t, s.port, { read: false });
  const n = 1500;
  const target = (i: number): string => (i % 3 === 2 ? '/f.html' : `/g.html?${i}`);
  const request = Array.from({ length: n }, (_, i) => (i === n - 1 ? get(target(i), 'Connection: close') : get(target(i)))).join('');
  c.write(request);
  await delay(500);
  const chunks: Buffer[] = [];
  c.socket.on('data', (d: Buffer) => chunks.push(d));
  c.socket.resume();
  assert.ok(await c.waitClosed(20_000), 'the server closes after the last answer');
  const answers = Buffer.concat(chunks).toString('latin1').split('HTTP/1.1 200 OK\r\n').slice(1);
  assert.equal(answers.length, n);
  answers.forEach((a, i) => {
    const body = a.slice(a.indexOf('\r\n\r\n') + 4);
    assert.equal(body, i % 3 === 2 ? BODY : big, `answer ${i}`);
  });
});
