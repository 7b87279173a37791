import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, renameSync, unlinkSync, utimesSync, statSync, symlinkSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lookupPath, readSmallFile, statCacheSize, parseStatCacheEngine, REVALIDATE_MS, type FileEntry } from './stat-cache.js';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsw-statcache-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function entry(r: FileEntry | string): FileEntry {
  if (typeof r === 'string') throw new Error(`lookup failed: ${r}`);
  return r;
}

/** The file's content through the entry (kept or read now). */
function readAt(e: FileEntry): string {
  const data = readSmallFile(e, true);
  if (typeof data === 'string') throw new Error(`read failed: ${data}`);
  return data.toString();
}

test('server.stat-cache-engine values', () => {
  assert.equal(parseStatCacheEngine('disable'), 'disable');
  assert.equal(parseStatCacheEngine('none'), 'disable');
  assert.equal(parseStatCacheEngine('simple'), 'simple');
  assert.equal(parseStatCacheEngine('inotify'), 'simple');
  assert.equal(parseStatCacheEngine(''), 'simple');
});

test('simple: a stat is reused for less than 1 s, then done again; a change is seen at the next check', (t) => {
  const dir = tempDir(t);
  const f = join(dir, 'a.txt');
  writeFileSync(f, 'one');
  const t0 = Math.ceil(performance.now());
  const e = entry(lookupPath(f, 'simple', t0));
  assert.equal(e.size, 3);
  writeFileSync(f, 'three');
  assert.equal(entry(lookupPath(f, 'simple', t0 + REVALIDATE_MS - 1)).size, 3, 'within the bound the cached stat may be served');
  const again = entry(lookupPath(f, 'simple', t0 + REVALIDATE_MS));
  assert.equal(again, e, 'the same entry, refreshed');
  assert.equal(again.size, 5);
});

test('simple: a removed file is a miss after the bound; failed stats are never cached', (t) => {
  const dir = tempDir(t);
  const f = join(dir, 'gone.txt');
  assert.equal(lookupPath(f, 'simple'), 'ENOENT');
  writeFileSync(f, 'here');
  const t0 = Math.ceil(performance.now());
  assert.equal(entry(lookupPath(f, 'simple', t0)).size, 4, 'a file that appears is seen at once');
  unlinkSync(f);
  assert.equal(lookupPath(f, 'simple', t0 + REVALIDATE_MS), 'ENOENT');
  assert.equal(lookupPath(join(f, 'x'), 'simple'), 'ENOENT');
  writeFileSync(f, 'x');
  assert.equal(lookupPath(join(f, 'x'), 'simple'), 'ENOTDIR');
});

test('disable: every lookup stats again and nothing is kept', (t) => {
  const dir = tempDir(t);
  const f = join(dir, 'd.txt');
  writeFileSync(f, 'one');
  const before = statCacheSize().entries;
  const t0 = Math.ceil(performance.now());
  assert.equal(entry(lookupPath(f, 'disable', t0)).size, 3);
  writeFileSync(f, 'three');
  assert.equal(entry(lookupPath(f, 'disable', t0 + 1)).size, 5);
  assert.equal(statCacheSize().entries, before);
});

test('kept content follows the file: rewritten in place with the old size and mtime, renamed over, removed', (t) => {
  const dir = tempDir(t);
  const f = join(dir, 'c.txt');
  writeFileSync(f, 'AAAA');
  const old = new Date(Date.now() - 60_000);
  utimesSync(f, old, old);
  const t0 = Math.ceil(performance.now());
  const e = entry(lookupPath(f, 'simple', t0));
  assert.equal(readAt(e), 'AAAA');
  assert.equal(e.content, null, 'the ctime is recent (utimes changed it): not kept yet');
  // as if the ctime were old: kept from now on
  e.keepContent(Buffer.from('AAAA'), Number(e.stats.ctimeMs) + 2000);
  assert.equal(readAt(e), 'AAAA');
  // same size, mtime put back: only the ctime tells the change
  writeFileSync(f, 'BBBB');
  utimesSync(f, old, old);
  assert.equal(readAt(entry(lookupPath(f, 'simple', t0 + REVALIDATE_MS - 1))), 'AAAA', 'within the bound the kept content may be served');
  // (reading through open() refreshed the entry, so the bound counts from the last real check)
  const t1 = Math.ceil(e.checkedAt) + REVALIDATE_MS;
  assert.equal(readAt(entry(lookupPath(f, 'simple', t1))), 'BBBB');
  const moved = join(dir, 'new.txt');
  writeFileSync(moved, 'CCCCCC');
  renameSync(moved, f);
  const t2 = Math.ceil(e.checkedAt) + REVALIDATE_MS;
  assert.equal(readAt(entry(lookupPath(f, 'simple', t2))), 'CCCCCC');
  unlinkSync(f);
  assert.equal(lookupPath(f, 'simple', Math.ceil(e.checkedAt) + REVALIDATE_MS), 'ENOENT');
});

test('content is kept only when the ctime is more than 1 s old (racy timestamps), and dropped on change', (t) => {
  const dir = tempDir(t);
  const f = join(dir, 'k.txt');
  writeFileSync(f, 'keep me');
  const e = entry(lookupPath(f, 'simple'));
  const ctimeMs = Number(statSync(f, { bigint: true }).ctimeMs);
  const data = Buffer.from('keep me');
  e.keepContent(data, ctimeMs + 500);
  assert.equal(e.content, null, 'too fresh: a second write in the same timestamp tick would go unseen');
  const bytesBefore = statCacheSize().contentBytes;
  e.keepContent(data, ctimeMs + 1500);
  assert.equal(e.content, data);
  assert.equal(statCacheSize().contentBytes, bytesBefore + data.length);
  assert.equal(readSmallFile(e, true), data, 'a kept content is served without reading');
  writeFileSync(f, 'changed!');
  const refreshed = entry(lookupPath(f, 'simple', performance.now() + REVALIDATE_MS));
  assert.equal(refreshed.content, null);
  assert.equal(statCacheSize().contentBytes, bytesBefore);
});

test('derived strings are dropped when the file changes', (t) => {
  const dir = tempDir(t);
  const f = join(dir, 'h.txt');
  writeFileSync(f, 'x');
  const t0 = Math.ceil(performance.now());
  const e = entry(lookupPath(f, 'simple', t0));
  e.setEtag(7, '"1"');
  e.lastModified = 'then';
  e.setType(null, 'text/plain');
  writeFileSync(f, 'xy');
  entry(lookupPath(f, 'simple', t0 + REVALIDATE_MS));
  assert.equal(e.etagFor(7), undefined);
  assert.equal(e.lastModified, null);
  assert.equal(e.typeFor(null), 'text/plain', 'the type depends on the name only');
  assert.equal(e.typeFor({}), undefined, 'another mimetype table');
});

test('stat follows symlinks; a symlink swapped in is seen at the next check', (t) => {
  const dir = tempDir(t);
  const outside = join(dir, 'outside.txt');
  writeFileSync(outside, 'outside!');
  mkdirSync(join(dir, 'root'));
  const f = join(dir, 'root', 'f.txt');
  writeFileSync(f, 'in');
  const t0 = Math.ceil(performance.now());
  assert.equal(entry(lookupPath(f, 'simple', t0)).size, 2);
  unlinkSync(f);
  symlinkSync(outside, f);
  assert.equal(entry(lookupPath(f, 'simple', t0 + REVALIDATE_MS)).size, 8);
  // O_NOFOLLOW when symlinks are not followed: the open itself refuses the link
  assert.equal(readSmallFile(entry(lookupPath(f, 'simple')), false), 'ELOOP');
});

test('entries unused for 2 s are dropped; the cache is bounded', (t) => {
  const dir = tempDir(t);
  const t0 = Math.ceil(performance.now()) + 10_000;
  const f = join(dir, 'old.txt');
  writeFileSync(f, 'o');
  entry(lookupPath(f, 'simple', t0));
  const g = join(dir, 'young.txt');
  writeFileSync(g, 'y');
  entry(lookupPath(g, 'simple', t0 + 2500));
  // everything looked up before t0 + 500 (old.txt and the other tests' entries) is gone
  assert.equal(statCacheSize().entries, 1);
  for (let i = 0; i < 4200; i++) {
    const p = join(dir, `many-${i}`);
    writeFileSync(p, '');
    entry(lookupPath(p, 'simple', t0 + 2600));
  }
  assert.ok(statCacheSize().entries <= 4096, `${statCacheSize().entries} entries`);
});
