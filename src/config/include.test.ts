// include / include_shell (config-language.md §7) on real temp directories and a real /bin/sh.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorCodes, keysOf, loadFiles, valueOf } from './load-fixture.js';
import { globInclude, includePath } from './include.js';
import { existsSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

test('includes resolve against the main file directory, also from nested includes; ./ is the cwd', () => {
  const r = loadFiles({
    'etc/main.conf': 'include "conf.d/a.conf"\ninclude "./top.conf"\n',
    'etc/conf.d/a.conf': 'a = 1\ninclude "conf.d/b.conf"\n',
    'etc/conf.d/b.conf': 'b = a + 1\n',
    'top.conf': 't = 1\n',
  }, 'etc/main.conf');
  assert.deepEqual(errorCodes(r), []);
  assert.deepEqual(keysOf(r.tree?.global), ['var.a', 'var.b', 'var.t']);
  assert.equal(includePath('/etc/x/', 'a.conf'), '/etc/x/a.conf');
  assert.equal(includePath('/etc/x/', '../a.conf'), '../a.conf');
  assert.equal(includePath('', 'a.conf'), 'a.conf');
});

test('globs (with braces) are sorted bytewise; an unmatched glob is nothing, a missing file an error', () => {
  const r = loadFiles({
    'main.conf': 'include "d/*.conf"\ninclude "e/{b,a}.conf"\ninclude "none/*.conf"\n',
    'd/b.conf': 'x += "b"\n', 'd/B.conf': 'x = "B"\n', 'd/a.conf': 'x += "a"\n', 'd/.hidden.conf': 'x += "h"\n',
    'e/a.conf': 'y += "a"\n', 'e/b.conf': 'y = "b"\n',
  });
  assert.deepEqual(errorCodes(r), []);
  assert.equal(valueOf(r.tree?.global, 'var.x'), 'Bab');
  assert.equal(valueOf(r.tree?.global, 'var.y'), 'ba');
  const missing = loadFiles({ 'main.conf': 'x = 1\ninclude "missing.conf"\n' });
  assert.deepEqual(errorCodes(missing), ['TSW_CONFIG_INCLUDE_NOT_FOUND']);
  assert.deepEqual([missing.diagnostics[0]?.loc?.line, missing.diagnostics[0]?.loc?.column], [2, 1]);
});

test('glob order is byte order (uppercase before lowercase), brace alternatives in written order', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tsw-glob-'));
  try {
    mkdirSync(path.join(dir, 'd'));
    for (const n of ['b.conf', 'B.conf', 'a.conf', '.h.conf', 'x.txt']) writeFileSync(path.join(dir, 'd', n), '');
    assert.deepEqual(globInclude('d/*.conf', dir), ['d/B.conf', 'd/a.conf', 'd/b.conf']);
    assert.deepEqual(globInclude('d/{b,a}.conf', dir), ['d/b.conf', 'd/a.conf']);
    assert.deepEqual(globInclude(`${dir}/d/a.conf`, '/'), [`${dir}/d/a.conf`]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('diagnostics inside included files carry the include chain', () => {
  const r = loadFiles({ 'main.conf': 'include "a.conf"\n', 'a.conf': '\ninclude "b.conf"\n', 'b.conf': 'x = 1\nx = 2\n' });
  const d = r.diagnostics[0];
  assert.equal(d?.code, 'TSW_CONFIG_DUPLICATE_KEY');
  assert.deepEqual(d?.loc, { file: 'b.conf', line: 2, column: 1 });
  assert.deepEqual(d?.includeChain, [{ file: 'a.conf', line: 2, column: 1 }, { file: 'main.conf', line: 1, column: 1 }]);
});

test('a block cannot span files; an included file goes into the current block', () => {
  const r = loadFiles({ 'main.conf': '$HTTP["url"] == "/" {\ninclude "a.conf"\n}\n', 'a.conf': 'x = 1\n}\n' });
  assert.deepEqual(keysOf(r.tree?.blocks[1]), ['var.x']);
  const open = loadFiles({ 'main.conf': 'include "a.conf"\n}\n', 'a.conf': '$HTTP["url"] == "/" {\n' });
  assert.deepEqual(errorCodes(open), ['TSW_CONFIG_UNEXPECTED_END']);
});

test('include_shell runs in the main file directory with $SHELL; its output is config; failures are errors', () => {
  const r = loadFiles({
    'etc/main.conf': 'port = 81\ninclude_shell "cat ./gen.txt; echo \'p = \' " + port\n',
    'etc/gen.txt': 'g = "from file"\n',
  }, 'etc/main.conf');
  assert.deepEqual(errorCodes(r), []);
  assert.equal(valueOf(r.tree?.global, 'var.g'), 'from file');
  assert.equal(valueOf(r.tree?.global, 'var.p'), 81);
  assert.deepEqual(errorCodes(loadFiles({ 'main.conf': 'include_shell "exit 3"\n' })), ['TSW_CONFIG_INCLUDE_SHELL']);
  const bad = loadFiles({ 'main.conf': 'include_shell "echo \'x = \'"\n' });
  assert.equal(bad.diagnostics[0]?.loc?.file, "echo 'x = '");
  assert.equal(bad.diagnostics[0]?.includeChain?.[0]?.file, 'main.conf');
});

test('after an error no include_shell command is run (lighttpd would have stopped reading)', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'tsw-shell-'));
  try {
    const marker = path.join(out, 'ran.txt');
    const ok = loadFiles({ 'main.conf': `include_shell "touch ${marker}"\n` });
    assert.deepEqual(errorCodes(ok), []);
    assert.equal(existsSync(marker), true, 'the command runs when there was no error');
    rmSync(marker);
    const r = loadFiles({ 'main.conf': `a = nope\ninclude_shell "touch ${marker}"\ninclude "b.conf"\n`, 'b.conf': 'b = 1\nb = 2\n' });
    assert.deepEqual(errorCodes(r), ['TSW_CONFIG_UNDEFINED_VARIABLE', 'TSW_CONFIG_DUPLICATE_KEY']);
    assert.equal(existsSync(marker), false);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('a file that includes itself is stopped with an error instead of recursing forever', () => {
  assert.deepEqual(errorCodes(loadFiles({ 'main.conf': 'include "main.conf"\n' })).slice(0, 1), ['TSW_CONFIG_INCLUDE_LOOP']);
});
