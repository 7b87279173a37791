import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText, parseKeptTokens } from './index.js';
import { tokenize } from './lexer.js';

function tokens(src: string) {
  return tokenize(new TextEncoder().encode(src)).tokens;
}

test('valid snippets give a CST with the expected shape', () => {
  const r = parseConfigText('a = 1\n$HTTP["url"] =~ "^/x" { b = "c" + d } else $HTTP["url"] == "y" { } else { }\nglobal { e = (1, "k" => 2,) }\ninclude "f"\n', 't.conf');
  assert.deepEqual(r.diagnostics, []);
  const st = r.cst?.children.statement ?? [];
  assert.deepEqual(st.map((s) => Object.keys(s.children)[0]), ['assignment', 'Eol', 'conditionChain', 'globalBlock', 'Eol', 'include', 'Eol', 'Eol']);
  const chain = st[2]?.children.conditionChain?.[0];
  assert.equal(chain?.children.elsePart?.length, 2);
  assert.ok(chain?.children.elsePart?.[0]?.children.conditionBlock);
  assert.ok(chain?.children.elsePart?.[1]?.children.block);
});

test('parser errors on raw tokens are located; at the end of input just after the last token', () => {
  // bypasses the recovery on purpose: `x =` then end of input
  const eof = parseKeptTokens(tokens('x =').slice(0, 2), 't.conf');
  assert.equal(eof.cst, undefined);
  const d = eof.diagnostics[0];
  assert.equal(d?.code, 'TSW_CONFIG_SYNTAX');
  assert.deepEqual([d?.loc.line, d?.loc.column], [1, 4]);
  assert.match(d?.message ?? '', /^expected .*found the end of the file$/);
  assert.doesNotMatch(d?.message ?? '', /Expecting|-->/);
  const mid = parseKeptTokens(tokens('x = = 1\n'), 't.conf').diagnostics[0];
  assert.deepEqual([mid?.loc.line, mid?.loc.column, mid?.message], [1, 5, "expected a key, a string, a number or '(', found '='"]);
});

test('through parseConfigText, lighttpd-style failures are located errors without a CST', () => {
  const r = parseConfigText('$HTTP["url"] == "/" {\n', 'a.conf');
  assert.equal(r.cst, undefined);
  assert.deepEqual(r.diagnostics.map((d) => [d.severity, d.code, d.loc.file, d.loc.line, d.loc.column]), [['error', 'TSW_CONFIG_UNEXPECTED_END', 'a.conf', 2, 1]]);
  const w = parseConfigText('server.port 80\nserver.port = 81\n', 'b.conf');
  assert.ok(w.cst);
  assert.equal(w.diagnostics[0]?.code, 'TSW_CONFIG_IGNORED_TOKENS');
});

test('newer else-if spellings are rewritten with a warning each', () => {
  const src = 'if $HTTP["url"] == "/a" { }\nelse if $HTTP["url"] == "/b" { }\nelif $HTTP["url"] == "/c" { }\nelsif $HTTP["url"] == "/d" { }\nelseif $HTTP["url"] == "/e" { }\n';
  const r = parseConfigText(src, 'c.conf');
  assert.deepEqual(r.diagnostics.map((d) => [d.code, d.loc.line, d.loc.column]), [
    ['TSW_CONFIG_NEWER_ELSE_IF', 1, 1], ['TSW_CONFIG_NEWER_ELSE_IF', 2, 6], ['TSW_CONFIG_NEWER_ELSE_IF', 3, 1],
    ['TSW_CONFIG_NEWER_ELSE_IF', 4, 1], ['TSW_CONFIG_NEWER_ELSE_IF', 5, 1],
  ]);
  const chain = r.cst?.children.statement?.[0]?.children.conditionChain?.[0];
  assert.equal(chain?.children.elsePart?.length, 4);
  // `if` as an ordinary variable name is untouched
  assert.deepEqual(parseConfigText('if = 1\nelif = if\n', 'd.conf').diagnostics, []);
});
