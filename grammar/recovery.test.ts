// Every row of config-language.md §3.2: which tokens lighttpd 1.4.69's lemon parser silently discards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenize } from './lexer.js';
import { recover } from './recovery.js';

function run(src: string): { kept: string; warnings: string[]; error: string | null } {
  const lexed = tokenize(new TextEncoder().encode(src));
  assert.equal(lexed.error, null);
  const r = recover(lexed.tokens, { line: lexed.endLine, column: lexed.endColumn });
  const kept = r.kept.map((t) => (t.tokenType.name === 'Eol' ? ';' : t.image)).join(' ');
  return { kept, warnings: r.warnings.map((w) => `${w.line}:${w.column} ${w.message}`), error: r.error ? `${r.error.line}:${r.error.column} ${r.error.message}` : null };
}

test('Allman braces and a lone else line: the line ends before { are dropped without a warning', () => {
  const r = run('$HTTP["host"] == "x"\n{\n a = 1\n}\nelse\n{\n b = 2\n}\n');
  assert.equal(r.kept, '$ HTTP [ "host" ] == "x" { ; a = 1 ; } ; else { ; b = 2 ; } ; ;');
  assert.deepEqual(r.warnings, []);
});

test('a line end after + is dropped; include on its own line', () => {
  assert.equal(run('x = "a" +\n"b"\n').kept, 'x = "a" + "b" ; ;');
  assert.equal(run('include\n"f.conf"\n').kept, 'include "f.conf" ; ;');
});

test('adjacent values: the second is dropped with a warning', () => {
  const r = run('x = ( "a" "b" )\ny = "a" "b"\n');
  assert.equal(r.kept, 'x = ( "a" ) ; y = "a" ; ;');
  assert.equal(r.warnings.length, 2);
  assert.match(r.warnings[0] ?? '', /^1:11 lighttpd ignores `"b"` here: missing ',' between array elements\?/);
});

test('a missing comma after a key => value drops the next element', () => {
  const r = run('m = ( ".tar.bz2" => "x"\n".tar.gz" => "y", ".z" => "z" )\n');
  assert.equal(r.kept, 'm = ( ".tar.bz2" => "x" , ".z" => "z" ) ; ;');
  assert.match(r.warnings[0] ?? '', /^2:1 lighttpd ignores `".tar.gz" => "y"`/);
});

test('long or multi-line discarded text is shortened in the warning', () => {
  const r = run(`x = "a" "${'y'.repeat(100)}\nz"\n`);
  assert.equal(r.kept, 'x = "a" ; ;');
  assert.match(r.warnings[0] ?? '', /^1:9 lighttpd ignores `"y{56}\.\.\.` here: missing '\+' to join it to the value before\?/);
  assert.doesNotMatch(r.warnings[0] ?? '', /\n/);
});

test('( , ) is an empty array; repeated and trailing commas are kept', () => {
  assert.equal(run('x = ( , )\n').kept, 'x = ( ) ; ;');
  assert.equal(run('x = ( "a",, "b", )\n').kept, 'x = ( "a" , , "b" , ) ; ;');
});

test('a stray } is ignored at top level and after a statement', () => {
  const r = run('x = 1 }\n}\n');
  assert.equal(r.kept, 'x = 1 ; ; ;');
  assert.match(r.warnings[0] ?? '', /lighttpd ignores `}` here: no block is open/);
});

test('server.port 80: tokens are dropped up to the next =', () => {
  const r = run('server.port 80\nserver.name = "x"\n');
  assert.equal(r.kept, 'server.port = "x" ; ;');
  assert.match(r.warnings[0] ?? '', /^1:13 lighttpd ignores `80 server.name` here: missing '=' after 'server.port'\?/);
});

test('10k: the number ends at k, which then swallows the next statement', () => {
  assert.equal(run('server.max-request-size = 10k\nserver.port = 80\n').kept, 'server.max-request-size = 10 k = 80 ; ;');
});

test('else = 1 is dropped whole; an else that does not follow a block is dropped', () => {
  assert.equal(run('else = 1\nx = 2\n').kept, '; x = 2 ; ;');
  assert.equal(run('y = 2\nelse { z = 3 }\n').kept, 'y = 2 ; z = 3 ; ;');
});

test('=== drops the third =', () => {
  assert.equal(run('$HTTP["url"] === "a" { }\n').kept, '$ HTTP [ "url" ] == "a" { } ; ;');
});

test('1.4.69 else if: the default reduction makes a plain else and the condition is dropped', () => {
  // (without the newer-spelling rewrite, which grammar/index.ts applies before this step)
  assert.equal(run('$HTTP["url"] == "a" { } else if $HTTP["url"] == "b" { x = 1 }\n').kept, '$ HTTP [ "url" ] == "a" { } ; else { x = 1 } ; ;');
});

test('global = 1 waits for a {', () => {
  const r = run('global = 1\nx = 2 { y = 3 }\n');
  assert.equal(r.kept, 'global { y = 3 } ; ;');
});

test('unclosed block or ( at end of file is an error at the end, naming the opener', () => {
  assert.equal(run('$HTTP["url"] == "a" {\n x = 1\n').error, "3:1 unexpected end of file: the block's '{' at 1:21 is never closed (missing '}')");
  assert.equal(run('x = ( "a",\n').error, "2:1 unexpected end of file: the '(' at 1:5 is never closed (missing ')')");
  assert.match(run('x =\n').error ?? '', /^2:1 unexpected end of file: the statement is incomplete \(expected a value after '='\)/);
});

test('nesting: exactly where lighttpd 1.4.69 overflows its parser stack we report an error', () => {
  // measured with the real binary: arrays 95 deep are fine, 96 lose the statement; conditions 31 deep are
  // fine, 32 abort (SIGABRT)
  const arrays = (n: number): string => `x = ${'('.repeat(n)}${')'.repeat(n)}\n`;
  assert.equal(run(arrays(95)).error, null);
  assert.match(run(arrays(96)).error ?? '', /nesting is too deep/);
  const conds = (n: number): string => `${Array.from({ length: n }, (_, i) => `$HTTP["url"] == "/${i}" {`).join('\n')}\nx = 1\n${'}\n'.repeat(n)}`;
  assert.equal(run(conds(31)).error, null);
  assert.match(run(conds(32)).error ?? '', /nesting is too deep/);
});
