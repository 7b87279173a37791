import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BIN, runProcess, runTsw } from '../helpers/run-cli.js';

// The CLI as a child process: exit status 0 / 255, stdout only for -v/-V/-h text (cli-print.md §1–§3).

test('-v prints one version line on stdout, exit 0', async () => {
  const r = await runTsw(['-v']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^tswstunnel\/\d+\.\d+\.\d+ - .*\n$/);
  assert.equal(r.stderr, '');
});

test("-V prints the version and feature lists in lighttpd's shape", async () => {
  const r = await runTsw(['-V']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^tswstunnel\/.*\n\nEvent Handlers:\n\n\t\+ /);
  assert.match(r.stdout, /\nFeatures:\n\n(\t[+-] .*\n)+\n$/);
});

test('-h prints the usage on stdout, ending with an empty line', async () => {
  const r = await runTsw(['-h']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /\nusage:\n -f <name> {2}filename of the config-file\n/);
  assert.match(r.stdout, / -h {9}show this help\n\n$/);
});

test('options act in order: -v before a missing -f file still prints the version', async () => {
  const r = await runTsw(['-v', '-f', 'does-not-exist.conf']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^tswstunnel\//);
});

test('an invalid option: getopt message on stderr, help on stdout, exit 255', async () => {
  const r = await runTsw(['-t', '-x']);
  assert.equal(r.status, 255);
  assert.equal(r.stderr, "tswstunnel: invalid option -- 'x'\n");
  assert.match(r.stdout, /\nusage:\n/);
});

test('a missing option argument is reported the same way', async () => {
  const r = await runTsw(['-t', '-f']);
  assert.equal(r.status, 255);
  assert.equal(r.stderr, "tswstunnel: option requires an argument -- 'f'\n");
  assert.match(r.stdout, /\nusage:\n/);
});

test('no -f: no configuration, exit 255, nothing on stdout', async () => {
  const r = await runTsw(['-t', '-D']);
  assert.equal(r.status, 255);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /no configuration available; try using -f option/);
});

test('-i with junk is rejected before the config is read', async () => {
  for (const bad of ['abc', '5x', '-1', '']) {
    const r = await runTsw(['-i', bad, '-t', '-f', 'does-not-exist.conf']);
    assert.equal(r.status, 255, bad);
    assert.equal(r.stderr, `tswstunnel: invalid idle timeout value: ${bad}\n`);
  }
});

test('-1 is refused with a clear message', async () => {
  const r = await runTsw(['-1', '-f', 'x.conf']);
  assert.equal(r.status, 255);
  assert.match(r.stderr, /-1 .* is not supported by tswstunnel/);
});

test('a missing config file is an error naming it on stderr, exit 255, empty stdout', async () => {
  const r = await runTsw(['-p', '-f', 'does-not-exist.conf']);
  assert.equal(r.status, 255);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /does-not-exist\.conf/);
  assert.match(r.stderr, /error: /);
});

// Node's ESM loader opens a whole module tree at once; loaded through its package entry, Chevrotain alone
// brought ~640 lodash-es files, so neither -tt nor the server started under `ulimit -n 128` (EMFILE).
test('starts under a low open-files limit (ulimit -n 128): -tt on the wstunnel example', async () => {
  const script = 'ulimit -n 128 && exec "$0" "$@"';
  const r = await runProcess('/bin/sh', ['-c', script, process.execPath, BIN, '-tt', '-f', 'examples/lighttpd-wstunnel.conf'], { timeoutMs: 20_000 });
  assert.equal(r.stderr.includes('EMFILE'), false, r.stderr);
  assert.equal(r.status, 0, r.stderr);
});
