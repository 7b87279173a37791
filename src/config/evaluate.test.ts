// Evaluator rules (config-language.md §4–§6): each lighttpd semantic action.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorCodes, keysOf, loadText, valueOf } from './load-fixture.js';

test('var.CWD and var.PID come first; words without a dot get var.; predefined keys collide with =', () => {
  const r = loadText('foo = 1\n-x = "a"\n');
  const g = r.tree?.global;
  assert.deepEqual(g?.entries.slice(0, 2).map((e) => e.key), ['var.CWD', 'var.PID']);
  assert.equal(valueOf(g, 'var.PID'), 77);
  assert.deepEqual(keysOf(g), ['var.foo', 'var.-x']);
  assert.deepEqual(errorCodes(loadText('var.cwd = "x"\n')), ['TSW_CONFIG_DUPLICATE_KEY']);
  assert.equal(valueOf(loadText('var.PID := 5\n').tree?.global, 'var.pid'), 5);
});

test('= twice in a block is an error (case-insensitive); the same key in another block is fine', () => {
  const dup = loadText('a = 1\nA = 2\n');
  assert.equal(dup.tree, null);
  const d = dup.diagnostics[0];
  assert.deepEqual([d?.code, d?.loc?.line, d?.loc?.column], ['TSW_CONFIG_DUPLICATE_KEY', 2, 1]);
  assert.match(d?.message ?? '', /"var.A" is already set in the global block \(first set at main.conf:1:1\)/);
  const ok = loadText('a = 1\n$HTTP["url"] == "/" { a = 2 }\n');
  assert.equal(valueOf(ok.tree?.blocks[1], 'var.a'), 2);
});

test(':= replaces in place with the new spelling; += swaps with the last entry and appends', () => {
  const r = loadText('Foo = 1\nbar = 2\nfoo := 3\n');
  assert.deepEqual(keysOf(r.tree?.global), ['var.foo', 'var.bar']);
  assert.equal(valueOf(r.tree?.global, 'var.foo'), 3);
  const s = loadText('a = "1"\nb = "2"\nc = "3"\nd = "4"\nB += "x"\n');
  assert.deepEqual(keysOf(s.tree?.global), ['var.a', 'var.d', 'var.c', 'var.B']);
  assert.equal(valueOf(s.tree?.global, 'var.b'), '2x');
});

test('+= copies from the nearest ancestor block; += of an unknown key is =', () => {
  const r = loadText('m = ("a")\n$HTTP["host"] == "x" {\n $HTTP["url"] == "/" { m += ("b") }\n}\nn += 5\n');
  assert.deepEqual(valueOf(r.tree?.global, 'var.m'), ['a']);
  assert.deepEqual(valueOf(r.tree?.blocks[2], 'var.m'), ['a', 'b']);
  assert.equal(valueOf(r.tree?.global, 'var.n'), 5);
});

test('reads look in the current block, then parents; siblings are not visible; values are snapshots', () => {
  const r = loadText('x = "g"\n$HTTP["url"] == "/a" { x = "a"\n y = x }\n$HTTP["url"] == "/b" { z = x }\nw = x\nx := "later"\n');
  assert.equal(valueOf(r.tree?.blocks[1], 'var.y'), 'a');
  assert.equal(valueOf(r.tree?.blocks[2], 'var.z'), 'g');
  assert.equal(valueOf(r.tree?.global, 'var.w'), 'g');
  const u = loadText('$HTTP["url"] == "/a" { q = 1 }\nr = q\n');
  assert.deepEqual(errorCodes(u), ['TSW_CONFIG_UNDEFINED_VARIABLE']);
  assert.match(u.diagnostics[0]?.message ?? '', /"var.q"/);
});

test('env.* reads the environment; setting or appending it is an error; a missing one is an error', () => {
  assert.equal(valueOf(loadText('p = env.PORT\n', { PORT: '8080' }).tree?.global, 'var.p'), '8080');
  assert.deepEqual(errorCodes(loadText('p = env.NOPE_NOT_SET\n')), ['TSW_CONFIG_UNDEFINED_ENV']);
  assert.deepEqual(errorCodes(loadText('env.X = "1"\n')), ['TSW_CONFIG_ENV_ASSIGN']);
  assert.deepEqual(errorCodes(loadText('env.X += "1"\n')), ['TSW_CONFIG_ENV_ASSIGN']);
  assert.equal(valueOf(loadText('ENV.X = 1\n').tree?.global, 'ENV.X'), 1);
});

test('+ merges: strings, numbers as text, 32-bit sums, arrays; mismatches fail', () => {
  const g = loadText('a = "a" + 1 + 2\nb = 1 + 2 + "a"\nc = 2147483647 + 1\nd = 4294967296\ne = ("x" => 1) + ("y", "X" => 1)\n').tree?.global;
  assert.equal(valueOf(g, 'var.a'), 'a12');
  assert.equal(valueOf(g, 'var.b'), '3a');
  assert.equal(valueOf(g, 'var.c'), -2147483648);
  assert.equal(valueOf(g, 'var.d'), 0);
  assert.deepEqual(valueOf(g, 'var.e'), [['x', 1], 'y']);
  assert.deepEqual(errorCodes(loadText('a = ("x") + "y"\n')), ['TSW_CONFIG_TYPE_MISMATCH']);
  assert.deepEqual(errorCodes(loadText('a = "y" + ("x")\n')), ['TSW_CONFIG_TYPE_MISMATCH']);
  const clash = loadText('a = ("k" => 1) + ("K" => 2)\n');
  assert.deepEqual(errorCodes(clash), ['TSW_CONFIG_DUPLICATE_ARRAY_KEY']);
  const same = loadText('a = ("k" => 1) + ("K" => 1)\n');
  assert.notEqual(same.tree, null);
  assert.equal(same.diagnostics[0]?.code, 'TSW_CONFIG_DUPLICATE_ARRAY_KEY');
  assert.equal(same.diagnostics[0]?.severity, 'warning');
});

test('numbers: decimal with leading zeros, too large for 64 bits is an error', () => {
  assert.equal(valueOf(loadText('a = 007\n').tree?.global, 'var.a'), 7);
  assert.deepEqual(errorCodes(loadText('z = 99999999999999999999\n')), ['TSW_CONFIG_NUMBER_TOO_LARGE']);
  assert.equal(valueOf(loadText('z = 9223372036854775807\n').tree?.global, 'var.z'), -1);
});

test('arrays: keys from expressions and numbers, duplicate keys (case-insensitive) are errors, "" is a key', () => {
  const g = loadText('k = "a"\nx = ( k + "b" => 1, 5 => "n", "" => "e", "v" )\n').tree?.global;
  assert.deepEqual(valueOf(g, 'var.x'), [['ab', 1], ['5', 'n'], ['', 'e'], 'v']);
  const d = loadText('j = ( "A" => "x", "a" => "y" )\n');
  assert.deepEqual(errorCodes(d), ['TSW_CONFIG_DUPLICATE_ARRAY_KEY']);
  assert.deepEqual([d.diagnostics[0]?.loc?.line, d.diagnostics[0]?.loc?.column], [1, 19]);
  assert.deepEqual(errorCodes(loadText('j = ( ("a") => 1 )\n')), ['TSW_CONFIG_BAD_OPERAND']);
  assert.deepEqual(valueOf(loadText('v = "s"\nj = ( v, v )\n').tree?.global, 'var.j'), ['s', 's']);
});

test('blocks: numbering, parents, identity and re-opening (case-insensitive)', () => {
  const r = loadText('$HTTP["host"] == "a.example" { x = 1\n $HTTP["url"] =^ "/p" { } }\n$HTTP["url"] == "/q" { }\n$http["HOST"] == "A.example" { y = 2 }\n');
  const b = r.tree?.blocks ?? [];
  assert.equal(b.length, 4);
  assert.equal(b[2]?.parent, b[1]);
  assert.deepEqual(keysOf(b[1]), ['var.x', 'var.y']);
  assert.deepEqual(b[0]?.children.map((c) => c.id), [1, 3]);
  assert.deepEqual(errorCodes(loadText('$HTTP["url"] == "/" { a = 1 }\n$HTTP["url"] == "/" { a = 2 }\n')), ['TSW_CONFIG_DUPLICATE_KEY']);
});

test('regex simplification decides op, text and identity', () => {
  const r = loadText('$HTTP["url"] =~ "^/ws/" { }\n$HTTP["url"] =~ "\\.php$" { }\n$HTTP["url"] =~ "^/a$" { }\n$HTTP["url"] =~ "^/a.b" { }\n$HTTP["url"] =^ "/ws/" { x = 1 }\n');
  const b = r.tree?.blocks ?? [];
  assert.deepEqual(b.slice(1).map((x) => x.condition?.text), ['$HTTP["url"] =^ "/ws/"', '$HTTP["url"] =$ ".php"', '$HTTP["url"] == "/a"', '$HTTP["url"] =~ "^/a.b"']);
  assert.deepEqual(keysOf(b[1]), ['var.x']);
  assert.ok(b[4]?.condition?.regex?.test('/axb'));
});

test('else chains: links, plain else gets the negated condition, unreachable else errors', () => {
  const r = loadText('$HTTP["url"] == "/a" { } else $HTTP["host"] =~ "x" { } else { e = 1 }\n');
  const b = r.tree?.blocks ?? [];
  assert.equal(b[1]?.elseNext, b[2]);
  assert.equal(b[3]?.elsePrev, b[2]);
  assert.equal(b[3]?.isPlainElse, true);
  assert.equal(b[3]?.condition?.op, '!~');
  assert.equal(b[3]?.condition?.text, '$HTTP["host"] !~ "x"');
  assert.deepEqual(errorCodes(loadText('$HTTP["url"] == "/a" { } else { } else { }\n')), ['TSW_CONFIG_UNREACHABLE_ELSE']);
  assert.deepEqual(errorCodes(loadText('$HTTP["url"] == "/a" { }\n$HTTP["url"] == "/b" { } else $HTTP["url"] == "/a" { }\n')), ['TSW_CONFIG_UNREACHABLE_ELSE']);
  assert.deepEqual(errorCodes(loadText('$HTTP["url"] != "/a" { }\n$HTTP["url"] == "/a" { } else { }\n')), ['TSW_CONFIG_UNREACHABLE_ELSE']);
  // a later standalone negated condition re-opens the else block
  const re = loadText('$HTTP["url"] == "/a" { } else { x = 1 }\n$HTTP["url"] != "/a" { y = 2 }\n');
  assert.deepEqual(keysOf(re.tree?.blocks[2]), ['var.x', 'var.y']);
});

test('newer else-if spellings become else-conditions (deliberate difference)', () => {
  const r = loadText('$HTTP["url"] == "/a" { } else if $HTTP["url"] == "/b" { z = 1 }\n');
  const b = r.tree?.blocks ?? [];
  assert.equal(b[2]?.condition?.text, '$HTTP["url"] == "/b"');
  assert.equal(b[2]?.isPlainElse, false);
  assert.equal(r.diagnostics[0]?.code, 'TSW_CONFIG_NEWER_ELSE_IF');
});

test('global { } writes to block 0 from anywhere and reads only global; no conditions inside it', () => {
  const r = loadText('a = 1\n$HTTP["url"] == "/" { a = 2\n global { b = a } }\n');
  assert.equal(valueOf(r.tree?.global, 'var.b'), 1);
  assert.deepEqual(errorCodes(loadText('global { $HTTP["url"] == "/" { } }\n')), ['TSW_CONFIG_COND_IN_GLOBAL']);
  assert.deepEqual(errorCodes(loadText('global { global { } }\n')), ['TSW_CONFIG_COND_IN_GLOBAL']);
});

test('condition errors: unknown field, non-string value, invalid addresses', () => {
  const u = loadText('$PHYSICAL["path"] == "/x" { }\n');
  assert.deepEqual(errorCodes(u), ['TSW_CONFIG_UNKNOWN_CONDITION']);
  assert.deepEqual([u.diagnostics[0]?.loc?.line, u.diagnostics[0]?.loc?.column], [1, 1]);
  assert.deepEqual(errorCodes(loadText('$HTTP["url"] == 5 { }\n')), ['TSW_CONFIG_BAD_OPERAND']);
  assert.deepEqual(errorCodes(loadText('$HTTP[("a")] == "5" { }\n')), ['TSW_CONFIG_BAD_OPERAND']);
  assert.deepEqual(errorCodes(loadText('$HTTP["remote-ip"] =~ "^10" { }\n')), ['TSW_CONFIG_INVALID_ADDRESS']);
  assert.deepEqual(errorCodes(loadText('$HTTP["host"] == "x:70000" { }\n')), ['TSW_CONFIG_INVALID_ADDRESS']);
  assert.deepEqual(errorCodes(loadText('$SERVER["socket"] =~ "^:80$" { }\n')), ['TSW_CONFIG_INVALID_ADDRESS']);
  assert.deepEqual(errorCodes(loadText('$HTTP["url"] =~ "(a" { }\n')), ['TSW_CONFIG_BAD_REGEX']);
});

test('the evaluator goes on after an error, without cascading undefined-variable errors', () => {
  const r = loadText('a = nope\nb = a\nc = 1\nc = 2\n');
  assert.deepEqual(errorCodes(r), ['TSW_CONFIG_UNDEFINED_VARIABLE', 'TSW_CONFIG_DUPLICATE_KEY']);
});
