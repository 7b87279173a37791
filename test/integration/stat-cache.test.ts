/**
 * The stat cache through the real server (`server.stat-cache-engine`, src/http/stat-cache.ts): a file
 * that is rewritten, replaced or removed while its stat and content are cached is served correctly —
 * every answer is one whole version with matching headers, and any request sent a full revalidation
 * period after the change gets the new state; with "disable" at once. Path safety holds through the
 * cache: a cached file swapped for a symlink out of the root is refused on the very next request when
 * symlinks are not followed. Plus the paths around it: a FIFO is refused without blocking the server,
 * and ranges / conditionals on a streamed (large) file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { mkdirSync, renameSync, rmSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import path from 'node:path';
import { rawRequest, type RawResponse } from '../helpers/raw-http.js';
import { startTestServer, tempDir } from '../helpers/server.js';
import { REVALIDATE_MS, statCacheSize } from '../../src/http/stat-cache.js';

function get(target: string, ...headers: string[]): string {
  return [`GET ${target} HTTP/1.1`, 'Host: localhost', ...headers, 'Connection: close', '', ''].join('\r\n');
}

async function fetchOne(port: number, target: string, ...headers: string[]): Promise<RawResponse> {
  const r = (await rawRequest(port, get(target, ...headers))).responses[0];
  if (!r) throw new Error(`no response for ${target}`);
  return r;
}

/** What a response says about the file: 404, or the body (checked against Content-Length). */
function version(r: RawResponse): string {
  if (r.status === 404) return '404';
  assert.equal(r.status, 200);
  assert.equal(Number(r.header('content-length')), r.body.length, 'Content-Length describes the body sent');
  return r.body.toString();
}

/**
 * Asks until the answer is `want`. Every answer before must be `old`; an answer to a request sent a
 * full revalidation period after the change must already be `want` (the stat cache's bound).
 */
async function expectWithinBound(port: number, target: string, changedAt: number, old: string, want: string): Promise<void> {
  for (;;) {
    const sentAt = performance.now();
    const got = version(await fetchOne(port, target));
    if (got === want) return;
    assert.equal(got, old, 'an answer is the old or the new version, never a mix');
    assert.ok(sentAt - changedAt < REVALIDATE_MS, `still the old version ${Math.round(sentAt - changedAt)} ms after the change`);
    await delay(25);
  }
}

/** Lets the file's ctime age past 1 s, so the server keeps its content in memory (the racy-timestamp rule). */
function ageCtime(): Promise<void> {
  return delay(REVALIDATE_MS + 100);
}

test('simple: a cached file rewritten in place, replaced and removed is served correctly within the bound', { timeout: 60_000 }, async (t) => {
  const s = await startTestServer(t, 'server.modules = ( "mod_staticfile" )\nmimetype.assign = ( ".txt" => "text/plain" )\n', { files: { 'a.txt': 'AAAA-one\n' } });
  const file = path.join(s.docroot, 'a.txt');
  const old = new Date(Date.now() - 3_600_000);
  utimesSync(file, old, old);
  await ageCtime();
  const kept = statCacheSize().contentBytes;
  assert.equal(version(await fetchOne(s.port, '/a.txt')), 'AAAA-one\n');
  assert.ok(statCacheSize().contentBytes > kept, 'the small file is now kept in memory');
  const etag1 = (await fetchOne(s.port, '/a.txt')).header('etag');

  // same size, mtime put back: only the ctime differs
  writeFileSync(file, 'BBBB-two\n');
  utimesSync(file, old, old);
  await expectWithinBound(s.port, '/a.txt', performance.now(), 'AAAA-one\n', 'BBBB-two\n');
  // (lighttpd's ETag hashes inode, size and mtime: all equal here, so the tag stays the same)

  const next = path.join(s.docroot, 'next.tmp');
  writeFileSync(next, 'CC-three, longer\n');
  renameSync(next, file);
  await expectWithinBound(s.port, '/a.txt', performance.now(), 'BBBB-two\n', 'CC-three, longer\n');
  assert.notEqual((await fetchOne(s.port, '/a.txt')).header('etag'), etag1, 'a new inode and size: a new ETag');

  unlinkSync(file);
  await expectWithinBound(s.port, '/a.txt', performance.now(), 'CC-three, longer\n', '404');
  writeFileSync(file, 'back\n');
  assert.equal(version(await fetchOne(s.port, '/a.txt')), 'back\n', 'a missing file is never cached: it is served as soon as it exists');
});

test('disable: every request sees the file as it is now', async (t) => {
  const s = await startTestServer(t, 'server.modules = ( "mod_staticfile" )\nserver.stat-cache-engine = "disable"\n', { files: { 'a.txt': 'one\n' } });
  const file = path.join(s.docroot, 'a.txt');
  assert.equal(version(await fetchOne(s.port, '/a.txt')), 'one\n');
  writeFileSync(file, 'two, longer\n');
  assert.equal(version(await fetchOne(s.port, '/a.txt')), 'two, longer\n');
  unlinkSync(file);
  assert.equal(version(await fetchOne(s.port, '/a.txt')), '404');
});

test('follow-symlink disable: a cached file or directory swapped for a symlink out of the root is refused at once', { timeout: 30_000 }, async (t) => {
  const dir = tempDir(t, 'tsw-outside-');
  const SECRET = 'SECRET-BEHIND-A-CACHED-NAME';
  writeFileSync(path.join(dir, 'f.txt'), `${SECRET}\n`);
  mkdirSync(path.join(dir, 'd'));
  writeFileSync(path.join(dir, 'd', 'f.txt'), `${SECRET}\n`);
  const s = await startTestServer(t, 'server.modules = ( "mod_indexfile", "mod_staticfile" )\nserver.follow-symlink = "disable"\nindex-file.names = ( "index.txt" )\n', {
    files: { 'f.txt': 'inside\n', 'd/f.txt': 'inside d\n', 'i/index.txt': 'index\n' },
  });
  await ageCtime();
  for (const target of ['/f.txt', '/d/f.txt', '/i/']) {
    assert.equal((await fetchOne(s.port, target)).status, 200, target);
    assert.equal((await fetchOne(s.port, target)).status, 200, `${target} (cached)`);
  }
  unlinkSync(path.join(s.docroot, 'f.txt'));
  symlinkSync(path.join(dir, 'f.txt'), path.join(s.docroot, 'f.txt'));
  rmSync(path.join(s.docroot, 'd'), { recursive: true });
  symlinkSync(path.join(dir, 'd'), path.join(s.docroot, 'd'));
  unlinkSync(path.join(s.docroot, 'i', 'index.txt'));
  symlinkSync(path.join(dir, 'f.txt'), path.join(s.docroot, 'i', 'index.txt'));
  for (const target of ['/f.txt', '/d/f.txt', '/i/', '/i/index.txt']) {
    const r = await fetchOne(s.port, target);
    assert.equal(r.status, 403, `${target} right after the swap`);
    assert.ok(!r.body.toString().includes(SECRET), `${target} leaked`);
  }
});

test('a FIFO in the document root is refused (403) without blocking the server', async (t) => {
  const s = await startTestServer(t, 'server.modules = ( "mod_staticfile" )\n', { files: { 'ok.txt': 'ok\n' } });
  execFileSync('mkfifo', [path.join(s.docroot, 'pipe.txt')]);
  assert.equal((await fetchOne(s.port, '/pipe.txt')).status, 403);
  assert.equal(version(await fetchOne(s.port, '/ok.txt')), 'ok\n');
});

test('a large (streamed) file: full body, HEAD, 304, single range, multi-range and If-Range', async (t) => {
  const size = 300 * 1024 + 7;
  const data = Buffer.alloc(size);
  for (let i = 0; i < size; i++) data[i] = (i * 7 + (i >> 10)) & 0xff;
  const s = await startTestServer(t, 'server.modules = ( "mod_staticfile" )\nmimetype.assign = ( ".bin" => "application/x-test" )\n');
  writeFileSync(path.join(s.docroot, 'big.bin'), data);
  const full = await fetchOne(s.port, '/big.bin');
  assert.equal(full.status, 200);
  assert.ok(full.body.equals(data), 'the whole file arrives');
  const etag = full.header('etag') ?? '';
  const lastModified = full.header('last-modified') ?? '';
  assert.ok(etag !== '' && lastModified !== '');

  const head = (await rawRequest(s.port, `HEAD /big.bin HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`, { head: [true] })).responses[0];
  assert.equal(head?.header('content-length'), String(size));
  assert.equal(head?.body.length, 0);

  assert.equal((await fetchOne(s.port, '/big.bin', `If-None-Match: ${etag}`)).status, 304);
  assert.equal((await fetchOne(s.port, '/big.bin', `If-Modified-Since: ${lastModified}`)).status, 304);

  const one = await fetchOne(s.port, '/big.bin', 'Range: bytes=100000-250000');
  assert.equal(one.status, 206);
  assert.equal(one.header('content-range'), `bytes 100000-250000/${size}`);
  assert.ok(one.body.equals(data.subarray(100000, 250001)));

  const multi = await fetchOne(s.port, '/big.bin', 'Range: bytes=0-9,200000-200099,-5');
  assert.equal(multi.status, 206);
  assert.equal(Number(multi.header('content-length')), multi.body.length);
  const boundary = /boundary=(\S+)/.exec(multi.header('content-type') ?? '')?.[1] ?? '';
  const parts = multi.body.toString('latin1').split(`--${boundary}`).slice(1, -1);
  assert.equal(parts.length, 3);
  const want: [number, number][] = [[0, 9], [200000, 200099], [size - 5, size - 1]];
  parts.forEach((p, i) => {
    const [from, to] = want[i] ?? [0, 0];
    assert.match(p, new RegExp(`Content-Range: bytes ${from}-${to}/${size}`));
    const body = Buffer.from(p.slice(p.indexOf('\r\n\r\n') + 4).replace(/\r\n$/, ''), 'latin1');
    assert.ok(body.equals(data.subarray(from, to + 1)), `part ${i}`);
  });

  assert.equal((await fetchOne(s.port, '/big.bin', 'Range: bytes=10-19', `If-Range: ${etag}`)).status, 206);
  assert.equal((await fetchOne(s.port, '/big.bin', 'Range: bytes=10-19', 'If-Range: "other"')).status, 200);
  assert.equal((await fetchOne(s.port, '/big.bin', `Range: bytes=${size}-`)).status, 416);
});

test('a streamed file arrives intact through a paused client and in parallel (read buffers are reused only when done)', { timeout: 60_000 }, async (t) => {
  const size = 8 * 1024 * 1024 + 123;
  const data = Buffer.alloc(size);
  // every 64 KiB chunk differs, so a buffer reused too early would show up as wrong bytes
  for (let i = 0; i < size; i++) data[i] = ((i >> 16) * 13 + i) & 0xff;
  const s = await startTestServer(t, 'server.modules = ( "mod_staticfile" )\nmimetype.assign = ( ".bin" => "application/x-test" )\n');
  writeFileSync(path.join(s.docroot, 'p.bin'), data);
  const want = createHash('sha256').update(data).digest('hex');
  const download = (pauseMs: number): Promise<string> =>
    new Promise((resolve, reject) => {
      const sock = connect(s.port, '127.0.0.1');
      const chunks: Buffer[] = [];
      sock.on('data', (d: Buffer) => chunks.push(d));
      sock.on('error', reject);
      sock.on('end', () => {
        const all = Buffer.concat(chunks);
        resolve(createHash('sha256').update(all.subarray(all.indexOf('\r\n\r\n') + 4)).digest('hex'));
      });
      sock.write(get('/p.bin'));
      if (pauseMs > 0) {
        sock.pause();
        setTimeout(() => sock.resume(), pauseMs);
      }
    });
  const results = await Promise.all([download(300), download(0), download(100), download(0)]);
  for (const r of results) assert.equal(r, want);
});
