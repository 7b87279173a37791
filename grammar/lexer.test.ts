import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenize } from './lexer.js';
import { decodeStringImage } from './tokens.js';

function kinds(src: string): string[] {
  const r = tokenize(new TextEncoder().encode(src));
  assert.equal(r.error, null, r.error?.message);
  return r.tokens.map((t) => `${t.tokenType.name}:${t.image}`);
}

function lexError(src: string | Uint8Array): { code: string; line: number; column: number; message: string } {
  const r = tokenize(typeof src === 'string' ? new TextEncoder().encode(src) : src);
  assert.ok(r.error, 'expected a tokenizer error');
  return r.error;
}

test('every operator and punctuation token', () => {
  assert.deepEqual(kinds('a = 1\nb += 2\nc := 3\n'), [
    'Key:a', 'Assign:=', 'Integer:1', 'Eol:\n', 'Key:b', 'AppendAssign:+=', 'Integer:2', 'Eol:\n',
    'Key:c', 'ForceAssign::=', 'Integer:3', 'Eol:\n', 'Eol:',
  ]);
  assert.deepEqual(kinds('x = ("a" => 1, 2) + y\n').slice(2, 11), [
    'LParen:(', 'StringLiteral:"a"', 'ArrayAssign:=>', 'Integer:1', 'Comma:,', 'Integer:2', 'RParen:)', 'Plus:+', 'Key:y',
  ]);
  const ops = ['==', '!=', '=~', '!~', '=^', '=$'];
  const names = ['CondEq', 'CondNe', 'CondMatch', 'CondNoMatch', 'CondPrefix', 'CondSuffix'];
  for (const [i, op] of ops.entries()) {
    assert.deepEqual(kinds(`$HTTP["url"] ${op} "/" {}\n`).slice(0, 9), [
      'Dollar:$', 'SrvVarName:HTTP', 'LBracket:[', 'StringLiteral:"url"', 'RBracket:]', `${names[i]}:${op}`,
      'StringLiteral:"/"', 'LCurly:{', 'RCurly:}',
    ]);
  }
});

test('keywords are exact and case-sensitive; other words are keys', () => {
  assert.deepEqual(kinds('include include_shell global else Include if elif -x .5 a-b\n').slice(0, 10).map((k) => k.split(':')[0]), [
    'Include', 'IncludeShell', 'Global', 'Else', 'Key', 'Key', 'Key', 'Key', 'Key', 'Key',
  ]);
  assert.deepEqual(kinds('server.document-root = 10k\n').slice(0, 4), ['Key:server.document-root', 'Assign:=', 'Integer:10', 'Key:k']);
});

test('strings: only \\" is an escape, newlines inside count for positions', () => {
  const r = tokenize(new TextEncoder().encode('a = "x\\"y\\\\z\n2"\nb = 1\n'));
  const s = r.tokens[2];
  assert.ok(s);
  assert.equal(decodeStringImage(s.image), 'x"y\\\\z\n2');
  const b = r.tokens.find((t) => t.image === 'b');
  assert.equal(b?.startLine, 3);
});

test('line ends, comments and blank lines collapse into one EOL; commas outside ( ) are skipped', () => {
  assert.deepEqual(kinds('a = 1 # c\n\n  # d\r\n\rb = 2, c = 3\n').map((k) => k.split(':')[0]), [
    'Key', 'Assign', 'Integer', 'Eol', 'Key', 'Assign', 'Integer', 'Key', 'Assign', 'Integer', 'Eol', 'Eol',
  ]);
  assert.deepEqual(kinds('a = (\n1,\n2\n)\n').map((k) => k.split(':')[0]), ['Key', 'Assign', 'LParen', 'Integer', 'Comma', 'Integer', 'RParen', 'Eol', 'Eol']);
});

test('the } rule adds an EOL when more text follows on the line', () => {
  assert.deepEqual(kinds('$HTTP["url"] == "/" { } else { }\n').slice(8, 12).map((k) => k.split(':')[0]), ['RCurly', 'Eol', 'Else', 'LCurly']);
  assert.deepEqual(kinds('$HTTP["url"] == "/" { } # c\n').slice(8).map((k) => k.split(':')[0]), ['RCurly', 'Eol', 'Eol']);
});

test('no-break space is a blank where a key can start; NUL ends the input with a warning', () => {
  assert.deepEqual(kinds('a\u00a0= 1\n').slice(0, 2), ['Key:a', 'Assign:=']);
  const r = tokenize(new Uint8Array([0x61, 0x20, 0x3d, 0x20, 0x31, 0x0a, 0x00, 0x3b]));
  assert.equal(r.error, null);
  assert.equal(r.warnings[0]?.code, 'TSW_CONFIG_NUL_BYTE');
  assert.equal(r.warnings[0]?.line, 2);
});

test('tokenizer errors with positions', () => {
  assert.deepEqual(pick(lexError('x = ( "a" = "b" )\n')), ['TSW_CONFIG_ARRAY_ASSIGN', 1, 11]);
  assert.deepEqual(pick(lexError('$HTTP["url"] = "a" { }\n')), ['TSW_CONFIG_COND_OPERATOR', 1, 14]);
  assert.deepEqual(pick(lexError('$HTTP["url"] !^ "a" { }\n')), ['TSW_CONFIG_COND_OPERATOR', 1, 14]);
  assert.deepEqual(pick(lexError('x = !1\n')), ['TSW_CONFIG_UNEXPECTED_CHAR', 1, 5]);
  assert.deepEqual(pick(lexError('x = 1\ny = "abc\n')), ['TSW_CONFIG_UNTERMINATED_STRING', 2, 5]);
  assert.deepEqual(pick(lexError('b2 = "back\\"\n')), ['TSW_CONFIG_UNTERMINATED_STRING', 1, 6]);
  assert.deepEqual(pick(lexError('x = 1 )\n')), ['TSW_CONFIG_UNBALANCED_PAREN', 1, 7]);
  assert.deepEqual(pick(lexError('x : 1\n')), ['TSW_CONFIG_UNEXPECTED_CHAR', 1, 3]);
  assert.deepEqual(pick(lexError('x = ${PORT}\ny.z = 1\n')), ['TSW_CONFIG_BAD_CHAR', 2, 2]);
  assert.deepEqual(pick(lexError('$HTTP["url"] == "a" {\n x = 1\n}\n$HTTP 9\n')), ['TSW_CONFIG_BAD_CHAR', 4, 7]);
  assert.deepEqual(pick(lexError('a = 1;\n')), ['TSW_CONFIG_BAD_CHAR', 1, 6]);
  assert.deepEqual(pick(lexError('x = 1\ny = x')), ['TSW_CONFIG_KEY_AT_EOF', 2, 5]);
  assert.deepEqual(pick(lexError('\ufeffa = 1\n')), ['TSW_CONFIG_BAD_CHAR', 1, 1]);
});

function pick(e: { code: string; line: number; column: number }): [string, number, number] {
  return [e.code, e.line, e.column];
}

test('integers are plain digit runs; a final EOL is appended at end of input', () => {
  assert.deepEqual(kinds('x = 007'), ['Key:x', 'Assign:=', 'Integer:007', 'Eol:']);
  assert.deepEqual(kinds(''), ['Eol:']);
});
