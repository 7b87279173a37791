import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileMimeTable, lookupMime, builtinMime } from './mime.js';

test('fewer than 16 entries: first suffix in config order wins', () => {
  const t = compileMimeTable([
    ['.gz', 'A'],
    ['.tar.gz', 'B'],
    ['README', 'R'],
  ]);
  assert.equal(lookupMime(t, '/x/a.tar.gz'), 'A');
  assert.equal(lookupMime(t, '/x/NOTREADME'), 'R');
  assert.equal(lookupMime(t, '/x/A.GZ'), 'A');
  assert.equal(lookupMime(t, '/x/a.txt'), null);
});

test('16 or more entries: basename, longest extension, bare extension, then ""', () => {
  const pairs: [string, string][] = [
    ['.gz', 'A'],
    ['.tar.gz', 'B'],
    ['Makefile', 'M'],
    ['txt', 'T'],
    ['', 'D'],
  ];
  for (let i = 0; i < 13; i++) pairs.push([`.e${i}`, `E${i}`]);
  const t = compileMimeTable(pairs);
  assert.equal(lookupMime(t, '/x/a.tar.gz'), 'B');
  assert.equal(lookupMime(t, '/x/b.gz'), 'A');
  assert.equal(lookupMime(t, '/x/Makefile'), 'M');
  assert.equal(lookupMime(t, '/x/a.txt'), 'T');
  assert.equal(lookupMime(t, '/x/a.none'), 'D');
  assert.equal(lookupMime(t, '/x/.gz'), 'A', 'exact basename');
  assert.equal(lookupMime(t, '/x/.e1x'), 'D', 'a leading dot is not an extension');
});

test('.js => application/javascript becomes text/javascript', () => {
  assert.equal(lookupMime(compileMimeTable([['.js', 'application/javascript']]), '/a.js'), 'text/javascript');
});

test('built-in table', () => {
  assert.equal(builtinMime('/app/ui.js'), 'text/javascript');
  assert.equal(builtinMime('/a.css'), 'text/css;charset=utf-8');
  assert.equal(builtinMime('/a.html'), 'text/html');
  assert.equal(builtinMime('/a.svg'), 'image/svg+xml');
  assert.equal(builtinMime('/README'), 'application/octet-stream');
});
