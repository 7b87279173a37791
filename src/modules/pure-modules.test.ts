import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapAlias } from './alias.js';
import { isAccessAllowed } from './access.js';
import { formatListingDate, formatListingSize, renderListing } from './dirlisting-html.js';

test('alias: byte prefix, first match, traversal guard (http-core.md §9.2)', () => {
  const a: [string, string][] = [
    ['/al2', '/srv/alias2'],
    ['/x', '/srv/x/'],
    ['/js/', '/usr/share/javascript/'],
  ];
  assert.equal(mapAlias(a, '/al2y.txt'), '/srv/alias2y.txt');
  assert.equal(mapAlias(a, '/al2/f'), '/srv/alias2/f');
  assert.equal(mapAlias(a, '/x../etc'), 403);
  assert.equal(mapAlias(a, '/x..'), 403);
  assert.equal(mapAlias(a, '/x.'), 403);
  assert.equal(mapAlias(a, '/x.y'), '/srv/x/.y');
  assert.equal(mapAlias(a, '/js/a.js'), '/usr/share/javascript/a.js');
  assert.equal(mapAlias(a, '/js'), null);
  assert.equal(mapAlias(a, '/other'), null);
});

test('access: suffix deny, allow overrides deny, "" matches all', () => {
  assert.equal(isAccessAllowed({ deny: ['~', '.inc'], allow: [] }, '/a.inc'), false);
  assert.equal(isAccessAllowed({ deny: ['~', '.inc'], allow: [] }, '/a.txt~'), false);
  assert.equal(isAccessAllowed({ deny: ['~', '.inc'], allow: [] }, '/a.INC'), true);
  assert.equal(isAccessAllowed({ deny: [''], allow: [] }, '/x'), false);
  assert.equal(isAccessAllowed({ deny: ['.txt'], allow: ['.txt'] }, '/a.txt'), true);
  assert.equal(isAccessAllowed({ deny: [], allow: ['.html'] }, '/a.txt'), false);
  assert.equal(isAccessAllowed({ deny: [], allow: [] }, '/a'), true);
});

test('dir listing formatting', () => {
  assert.equal(formatListingDate(new Date(Date.UTC(2026, 10, 22, 13, 39, 26))), '2026-Nov-22 13:39:26');
  assert.equal(formatListingSize(100), '0.1K');
  assert.equal(formatListingSize(0), '0.0K');
  assert.equal(formatListingSize(20 * 1024 * 1024), '20.0M');
  const html = renderListing('/sub/', [
    { name: 'a b.txt', isDir: false, mtime: new Date(0), size: 12, type: 'text/plain' },
    { name: 'zdir', isDir: true, mtime: new Date(0), size: 0, type: 'Directory' },
    { name: '<x>', isDir: false, mtime: new Date(0), size: 1, type: 'text/plain' },
  ], { encoding: '', footer: 'F', externalCss: '', externalJs: '' });
  assert.match(html, /<title>Index of \/sub\/<\/title>/);
  assert.match(html, /href="a%20b.txt"/);
  assert.match(html, /href="\.\.\/"/);
  assert.ok(html.indexOf('zdir') < html.indexOf('a b.txt'), 'directories first');
  assert.ok(!html.includes('<x>'), 'names are escaped');
});
