// loadConfig as a whole: main file handling, core key checks (§10), and that it never throws.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from './load.js';
import { errorCodes, loadText, valueOf } from './load-fixture.js';

test('stdin config, empty files, and a missing main file', () => {
  const r = loadConfig({ file: '-', stdinText: 'a = 1\n', cwd: '/', env: {}, pid: 1 });
  assert.equal(valueOf(r.tree?.global, 'var.a'), 1);
  assert.equal(r.tree?.file, '-');
  assert.notEqual(loadText('').tree, null);
  const m = loadConfig({ file: '/nonexistent/tsw.conf', env: {} });
  assert.equal(m.tree, null);
  assert.match(m.diagnostics[0]?.message ?? '', /cannot open config file \/nonexistent\/tsw.conf: no such file/);
});

test('never throws: an internal failure becomes a diagnostic', () => {
  const hostile = new Proxy({}, { get() { throw new Error('boom'); } }) as Record<string, string>;
  const r = loadConfig({ file: '-', stdinText: 'x = env.HOME\n', env: hostile });
  assert.equal(r.tree, null);
  assert.equal(r.diagnostics[0]?.code, 'TSW_CONFIG_INTERNAL');
  assert.match(r.diagnostics[0]?.message ?? '', /boom/);
});

test('core key types: errors located at the value; strings holding numbers are fine', () => {
  const r = loadText('server.port = "x"\n');
  assert.deepEqual(errorCodes(r), ['TSW_CONFIG_BAD_VALUE_TYPE']);
  assert.deepEqual([r.diagnostics[0]?.loc?.line, r.diagnostics[0]?.loc?.column], [1, 15]);
  assert.notEqual(loadText('server.port = " 8080"\nserver.max-request-size = "10"\n').tree, null);
  assert.deepEqual(errorCodes(loadText('server.modules = ( "a" => "b" )\n')), ['TSW_CONFIG_BAD_VALUE_TYPE']);
  assert.deepEqual(errorCodes(loadText('server.follow-symlink = "maybe"\n')), ['TSW_CONFIG_BAD_VALUE_TYPE']);
  assert.deepEqual(errorCodes(loadText('server.document-root = 5\n')), ['TSW_CONFIG_BAD_VALUE_TYPE']);
  assert.deepEqual(errorCodes(loadText('mimetype.assign = ( ".a" => 1 )\n')), ['TSW_CONFIG_BAD_VALUE_TYPE']);
  // server.port 80 (no '='): 1.4.69 ends up with server.port = "x" and fails the type check
  assert.deepEqual(errorCodes(loadText('server.port 80\nserver.name = "x"\n')), ['TSW_CONFIG_BAD_VALUE_TYPE']);
});

test('scope warnings for server and socket keys inside conditions', () => {
  const r = loadText('$HTTP["host"] == "x" { server.port = 81\n ssl.engine = "enable" }\n$SERVER["socket"] == ":443" { ssl.engine = "enable" }\n');
  assert.notEqual(r.tree, null);
  assert.deepEqual(r.diagnostics.map((d) => d.code), ['TSW_CONFIG_SERVER_KEY_IN_CONDITION', 'TSW_CONFIG_SOCKET_KEY_SCOPE']);
});

test('http-parseopts and stat-cache-engine checks', () => {
  assert.deepEqual(errorCodes(loadText('server.http-parseopts = ( "bogus" => "enable" )\n')), ['TSW_CONFIG_BAD_PARSEOPT']);
  assert.deepEqual(errorCodes(loadText('server.http-parseopts = ( "header-strict" => "perhaps" )\n')), ['TSW_CONFIG_BAD_PARSEOPT']);
  assert.deepEqual(errorCodes(loadText('server.http-parseopts = ( "url-path-2f-decode" => "enable", "url-path-2f-reject" => "enable" )\n')), ['TSW_CONFIG_BAD_PARSEOPT']);
  assert.notEqual(loadText('server.http-parseopts = ( "url-normalize" => "disable", "url-path-2f-decode" => "enable", "url-path-2f-reject" => "enable" )\n').tree, null);
  assert.deepEqual(errorCodes(loadText('server.stat-cache-engine = "fam"\n')), ['TSW_CONFIG_BAD_VALUE']);
});

test('the two rewrites -p shows: .js mimetype and server.tag continuation lines', () => {
  const g = loadText('mimetype.assign = ( ".js" => "application/javascript", ".css" => "text/css" )\nserver.tag = "a\\nb\\n c"\n').tree?.global;
  assert.deepEqual(valueOf(g, 'mimetype.assign'), [['.js', 'text/javascript'], ['.css', 'text/css']]);
  assert.equal(valueOf(g, 'server.tag'), 'a\\nb\\n c');
  const t = loadText('server.tag = "a\nb\n c"\n').tree?.global;
  assert.equal(valueOf(t, 'server.tag'), 'a\n b\n c');
});
