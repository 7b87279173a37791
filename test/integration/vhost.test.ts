/**
 * mod_evhost, mod_simple_vhost and mod_userdir through the real server, for what the differential test
 * (vhost-diff.test.ts) does not compare: startup refusals, the error log lines, home directories from a
 * passwd file we control (re-read when it changes), that the modules load without the "not supported"
 * warning, and that -tt no longer calls their keys ignored.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { rawRequest, type RawResponse } from '../helpers/raw-http.js';
import { startTestServer, tempDir, writeFiles } from '../helpers/server.js';
import { createUserdirModule } from '../../src/modules/userdir.js';
import { PasswdHomes } from '../../src/modules/userdir-passwd.js';
import { checkConfigKeys } from '../../src/config/check-keys.js';
import { configFromText } from '../helpers/server.js';

async function get(port: number, target: string, host = 'localhost'): Promise<RawResponse | undefined> {
  return (await rawRequest(port, `GET ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`, { expect: 1 })).responses[0];
}

test('an invalid evhost.path-pattern stops the start with lighttpd\'s message', async (t) => {
  for (const pattern of ['/srv/%x/', '/srv/%{1', '/srv/%{1.x}/', '/srv/%']) {
    await assert.rejects(startTestServer(t, `server.modules = ( "mod_evhost" )\n$HTTP["host"] == "a" { evhost.path-pattern = "${pattern}" }\n`), (e: Error) => {
      assert.match(e.message, new RegExp(`invalid evhost\\.path-pattern: ${pattern.replace(/[{}.%]/g, '\\$&')}`));
      return true;
    });
  }
  await assert.rejects(startTestServer(t, 'server.modules = ( "mod_simple_vhost" )\nsimple-vhost.server-root = 1\n'), /simple-vhost\.server-root should have been a string/);
  await assert.rejects(startTestServer(t, 'server.modules = ( "mod_userdir" )\nuserdir.exclude-user = "root"\n'), /userdir\.exclude-user should have been a list/);
});

test('vhost modules load without the "not supported" warning, and -tt checks their keys as implemented', async (t) => {
  const s = await startTestServer(t, 'server.modules = ( "mod_evhost", "mod_simple_vhost", "mod_userdir" )\nevhost.path-pattern = "/srv/%0/"\nsimple-vhost.server-root = "/srv/"\nuserdir.path = "public_html"\n');
  assert.doesNotMatch(s.stderr(), /not supported/);
  const dir = tempDir(t);
  const tree = configFromText('server.document-root = "/srv"\nserver.modules = ( "mod_evhost", "mod_simple_vhost", "mod_userdir" )\nevhost.path-pattern = "/srv/%0/"\nsimple-vhost.server-root = "/srv/"\nsimple-vhost.debug = 1\nuserdir.path = "public_html"\nuserdir.letterhomes = "enable"\n', dir);
  assert.deepEqual(checkConfigKeys(tree), []);
});

test('mod_evhost logs a vhost directory that does not exist and keeps the document root', async (t) => {
  const s = await startTestServer(t, 'server.modules = ( "mod_evhost" )\nmimetype.assign = ( ".txt" => "text/plain" )\nevhost.path-pattern = "@DIR@/vhosts/%2/"\n', { files: { 'f.txt': 'main\n' } });
  writeFiles(path.join(s.dir, 'vhosts'), { 'example/f.txt': 'example\n' });
  assert.equal((await get(s.port, '/f.txt', 'www.example.com'))?.body.toString(), 'example\n');
  assert.equal((await get(s.port, '/f.txt', 'www.other.org'))?.body.toString(), 'main\n');
  assert.ok(s.stderr().includes(`(mod_evhost.ts) ${path.join(s.dir, 'vhosts/other/')}: No such file or directory`), s.stderr());
  assert.ok(!s.stderr().includes('vhosts/example/:'));
});

test('mod_simple_vhost logs a missing directory only with simple-vhost.debug', async (t) => {
  const s = await startTestServer(t, 'server.modules = ( "mod_simple_vhost" )\nsimple-vhost.server-root = "@DIR@/sv"\n$HTTP["host"] == "loud.test" { simple-vhost.debug = 1 }\n', { files: { 'f.txt': 'main\n' } });
  assert.equal((await get(s.port, '/f.txt', 'quiet.test'))?.body.toString(), 'main\n');
  assert.equal((await get(s.port, '/f.txt', 'loud.test'))?.body.toString(), 'main\n');
  assert.ok(s.stderr().includes(`(mod_simple_vhost.ts) ${path.join(s.dir, 'sv/loud.test/')}: No such file or directory`), s.stderr());
  assert.ok(!s.stderr().includes('quiet.test'));
});

test('mod_userdir takes home directories from the passwd file and sees a changed file', async (t) => {
  const dir = tempDir(t);
  const passwd = path.join(dir, 'passwd');
  writeFiles(dir, { 'home/ann/pub/f.txt': 'ann\n', 'home/ben/pub/f.txt': 'ben\n', 'home/cy/nopub.txt': 'cy\n' });
  writeFileSync(passwd, `ann:x:1001:1001::${dir}/home/ann:/bin/sh\ncy:x:1003:1003::${dir}/home/cy:/bin/sh\n`);
  const s = await startTestServer(t, 'server.modules = ( "mod_userdir" )\nuserdir.path = "pub"\n', {
    modules: { mod_userdir: () => createUserdirModule(new PasswdHomes(passwd)) },
    files: { '~ben/f.txt': 'docroot ben\n' },
  });
  assert.equal((await get(s.port, '/~ann/f.txt'))?.body.toString(), 'ann\n');
  // unknown user: the document root answers
  assert.equal((await get(s.port, '/~ben/f.txt'))?.body.toString(), 'docroot ben\n');
  // a user whose home has no userdir.path directory: the document root answers (404 here)
  assert.equal((await get(s.port, '/~cy/nopub.txt'))?.status, 404);
  writeFileSync(passwd, `ann:x:1001:1001::${dir}/home/ann:/bin/sh\nben:x:1002:1002::${dir}/home/ben:/bin/sh\n`);
  assert.equal((await get(s.port, '/~ben/f.txt'))?.body.toString(), 'ben\n');
});

test('mod_userdir with force-lowercase-filenames: lower-cased names, exclude-user ignores case', async (t) => {
  const s = await startTestServer(t, 'server.modules = ( "mod_userdir" )\nserver.force-lowercase-filenames = "enable"\nuserdir.path = "pub"\nuserdir.basepath = "@DIR@/homes"\nuserdir.exclude-user = ( "BOB" )\n', {
    files: { '~bob/f.txt': 'docroot bob\n' },
  });
  writeFiles(path.join(s.dir, 'homes'), { 'ann/pub/f.txt': 'ann\n', 'bob/pub/f.txt': 'bob\n' });
  assert.equal((await get(s.port, '/~Ann/F.TXT'))?.body.toString(), 'ann\n');
  assert.equal((await get(s.port, '/~Bob/f.txt'))?.body.toString(), 'docroot bob\n');
});
