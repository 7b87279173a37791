import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT, runTsw } from '../helpers/run-cli.js';

// The CLI's modes on real configs (cli-print.md §1, §4–§6, §8): -p, -t, -tt, -f -, option order, -D.

const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'tsw-cli-')));
const write = (name: string, text: string): string => {
  writeFileSync(path.join(dir, name), text);
  return name;
};
const ok = write('ok.conf', 'server.document-root = "/var/www"\nx = 1\n');
const bad = write('bad.conf', 'a = 1\na = 2\n');
const opts = { cwd: dir };

test.after(() => rmSync(dir, { recursive: true, force: true }));

test('-p prints the dump on stdout, exit 0', async () => {
  const r = await runTsw(['-p', '-f', ok], opts);
  assert.equal(r.status, 0);
  assert.equal(
    r.stdout,
    `config {\n    var.CWD              = "${dir}"\n    var.PID              = ${r.pid}\n` +
      '    server.document-root = "/var/www"\n    var.x                = 1\n\n}\n',
  );
});

test('-f - reads the config from stdin', async () => {
  const r = await runTsw(['-p', '-f', '-'], { ...opts, input: 'server.document-root = "/var/www"\nx = 1\n' });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /\n {4}var\.x {16}= 1\n\n\}\n$/);
});

test('-f - with empty stdin is a valid, empty config', async () => {
  const r = await runTsw(['-t', '-f', '-'], { ...opts, input: '' });
  assert.equal(r.status, 0);
  assert.equal(r.stdout, 'Syntax OK\n');
});

test('-t prints Syntax OK; -p -t prints the dump, then Syntax OK; bundles work', async () => {
  const t = await runTsw(['-t', '-f', ok], opts);
  assert.equal(t.status, 0);
  assert.equal(t.stdout, 'Syntax OK\n');
  const pt = await runTsw(['-pt', `-f${ok}`], opts);
  assert.equal(pt.status, 0);
  assert.match(pt.stdout, /^config \{\n[^]*\n\}\nSyntax OK\n$/);
  const dt = await runTsw(['-D', '-t', '-f', ok], opts);
  assert.equal(dt.stdout, 'Syntax OK\n');
});

test('a bad config: located error on stderr, nothing on stdout, exit 255; later options are not seen', async () => {
  for (const args of [['-p', '-f', bad], ['-t', '-f', bad], ['-f', bad, '-v']]) {
    const r = await runTsw(args, opts);
    assert.equal(r.status, 255, args.join(' '));
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^bad\.conf:2:\d+: error: /m);
  }
});

test('a second -f is refused', async () => {
  const r = await runTsw(['-f', ok, '-f', ok, '-t'], opts);
  assert.equal(r.status, 255);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /can only read one config file/);
});

test('-tt checks module keys: a clean config prints nothing at all', async () => {
  const name = write('tt-ok.conf', 'server.document-root = "/var/www"\nserver.modules = ( "mod_access" )\nurl.access-deny = ( "~" )\n');
  for (const flags of [['-tt'], ['-ttt'], ['-t', '-t']]) {
    const r = await runTsw([...flags, '-f', name], opts);
    assert.equal(r.status, 0);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, '');
  }
});

test('-tt warns about unknown keys (with a suggestion) and exits 0', async () => {
  const name = write('tt-warn.conf', 'server.document-root = "/var/www"\nserver.modules = ( "mod_wstunnel" )\nwstunnel.frametype = "binary"\n');
  const r = await runTsw(['-tt', '-f', name], opts);
  assert.equal(r.status, 0);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^tt-warn\.conf:3:\d+: warning: unknown config key "wstunnel\.frametype" \(ignored\); did you mean "wstunnel\.frame-type"\?$/m);
});

test('-tt fails on a bad module value type; -p -tt does not run the pre-flight', async () => {
  const name = write('tt-bad.conf', 'server.document-root = "/var/www"\nserver.modules = ( "mod_wstunnel" )\nwstunnel.frame-type = ( "binary" )\n');
  const r = await runTsw(['-tt', '-f', name], opts);
  assert.equal(r.status, 255);
  assert.match(r.stderr, /^tt-bad\.conf:3:\d+: error: "wstunnel\.frame-type" should be a string/m);
  const p = await runTsw(['-p', '-tt', '-f', name], opts);
  assert.equal(p.status, 0);
  assert.match(p.stdout, /wstunnel\.frame-type {2}= \("binary"\)/);
});

test('-tt runs every loaded module\'s own checks (as at startup): a bad url.redirect regex fails', async () => {
  const name = write('tt-module.conf', 'server.document-root = "/var/www"\nserver.modules = ( "mod_redirect" )\nurl.redirect = ( "^/(a" => "/b" )\n');
  const r = await runTsw(['-tt', '-f', name], opts);
  assert.equal(r.status, 255);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^tt-module\.conf:3:\d+: error: .*\^\/\(a/m);
});

test('-tt requires server.document-root in the global block', async () => {
  const name = write('tt-noroot.conf', 'x = 1\n');
  const r = await runTsw(['-tt', '-f', name], opts);
  assert.equal(r.status, 255);
  assert.match(r.stderr, /server\.document-root is not set/);
});

test('-tt accepts every example in examples/', async () => {
  const examples = readdirSync(path.join(REPO_ROOT, 'examples')).filter((n) => n.endsWith('.conf'));
  assert.ok(examples.length >= 3);
  for (const name of examples) {
    const r = await runTsw(['-tt', '-f', path.join('examples', name)], { cwd: REPO_ROOT });
    assert.equal(r.status, 0, `${name}: ${r.stderr}`);
    assert.equal(r.stdout, '');
  }
});

test('running the server: the pre-flight errors stop it before it starts', async () => {
  const name = write('run-bad.conf', 'server.document-root = "/var/www"\nserver.modules = ( "mod_nonexistent" )\n');
  const r = await runTsw(['-D', '-f', name], opts);
  assert.equal(r.status, 255);
  assert.match(r.stderr, /unknown module "mod_nonexistent"/);
});

test('running the server: -D starts it, -i 1 stops it after a second without requests, exit 0', { timeout: 30_000 }, async () => {
  const name = write('run-ok.conf', `server.document-root = "${dir}"\nserver.bind = "127.0.0.1"\nserver.port = 0\n`);
  const started = Date.now();
  const r = await runTsw(['-D', '-i', '1', '-f', name], { ...opts, timeoutMs: 20_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.ok(Date.now() - started >= 1000, 'ran until the idle timeout');
});
