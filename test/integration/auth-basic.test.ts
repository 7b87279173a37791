/**
 * mod_auth Basic with mod_authn_file over real sockets: every htpasswd hash format, plain and htdigest
 * backends, require rules, malformed credentials, lighttpd's delay and close after wrong credentials,
 * and REMOTE_USER in the access log.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { rawRequest, type RawResponse } from '../helpers/raw-http.js';
import { basicAuth, htpasswdUsers, writeUserFiles } from '../helpers/auth-files.js';
import { waitFor } from '../helpers/wait.js';

const NO_DELAY = 'server.feature-flags = ( "auth.delay-invalid-creds" => "disable" )';

async function authServer(t: Parameters<typeof startTestServer>[0], backend: string, extra = NO_DELAY): Promise<TestServer> {
  const s = await startTestServer(
    t,
    `server.modules = ( "mod_auth", "mod_authn_file", "mod_accesslog" )
accesslog.filename = "@DIR@/access.log"
accesslog.format = "%u %s %U"
auth.backend = "${backend}"
auth.backend.htpasswd.userfile = "@DIR@/htpasswd"
auth.backend.plain.userfile = "@DIR@/plain"
auth.backend.htdigest.userfile = "@DIR@/htdigest"
auth.require = ( "/only-alice/" => ( "method" => "basic", "realm" => "R", "require" => "user=alice|user=apr1" ),
                 "/sub/" => ( "method" => "basic", "realm" => "R", "require" => "valid-user" ) )
${extra}
`,
    { files: { 'sub/f.txt': 'protected\n', 'only-alice/f.txt': 'alice only\n', 'open.txt': 'open\n' } },
  );
  writeUserFiles(s.dir);
  return s;
}

async function get(s: TestServer, path: string, authorization?: string): Promise<{ r: RawResponse; closed: boolean; ms: number }> {
  const auth = authorization === undefined ? '' : `Authorization: ${authorization}\r\n`;
  const started = Date.now();
  const x = await rawRequest(s.port, `GET ${path} HTTP/1.1\r\nHost: a\r\n${auth}\r\n`, { expect: 1, timeoutMs: 4000 });
  const r = x.responses[0];
  assert.ok(r, `no response for ${path}`);
  return { r, closed: x.closed, ms: Date.now() - started };
}

test('htpasswd: each supported hash format lets its user in; plain text and yescrypt never match', async (t) => {
  const s = await authServer(t, 'htpasswd');
  const users = Object.keys(htpasswdUsers());
  assert.ok(users.length >= 10);
  for (const user of users) {
    const { r } = await get(s, '/sub/f.txt', basicAuth(user));
    const want = user === 'plaintext' || user === 'yescrypt' ? 401 : 200;
    assert.equal(r.status, want, `${user}: ${r.statusLine}`);
    if (want === 200) assert.equal(r.body.toString(), 'protected\n');
  }
  assert.match(s.stderr(), /htpasswd hash format \$y\$ is not supported by tswstunnel \(user yescrypt\)/);
});

test('no or foreign credentials: 401 with the Basic challenge, keep-alive kept, no delay', async (t) => {
  const s = await authServer(t, 'htpasswd', '');
  for (const auth of [undefined, 'Bearer abc', 'Basic', `Basic ${'A'.repeat(1364)}`, 'Digest username="apr1"']) {
    const { r, closed, ms } = await get(s, '/sub/f.txt', auth);
    assert.equal(r.status, 401, String(auth));
    assert.equal(r.header('www-authenticate'), 'Basic realm="R", charset="UTF-8"');
    assert.equal(r.header('connection'), undefined);
    assert.equal(closed, false);
    assert.ok(ms < 700, `took ${ms} ms`);
  }
  const missing = await get(s, '/sub/missing');
  assert.equal(missing.r.status, 401, '401 comes before 404');
  assert.equal((await get(s, '/open.txt')).r.status, 200);
});

test('wrong password or unknown user: 401, Connection: close, held back about a second, logged', async (t) => {
  const s = await authServer(t, 'htpasswd', '');
  for (const auth of [basicAuth('apr1', 'wrong'), basicAuth('nobody')]) {
    const { r, closed, ms } = await get(s, '/sub/f.txt', auth);
    assert.equal(r.status, 401);
    assert.equal(r.header('www-authenticate'), 'Basic realm="R", charset="UTF-8"');
    assert.equal(r.header('connection'), 'close');
    assert.equal(closed, true);
    assert.ok(ms >= 900, `answered after ${ms} ms`);
  }
  assert.match(s.stderr(), /password doesn't match for \/sub\/f\.txt username: apr1 IP: 127\.0\.0\.1/);
  assert.match(s.stderr(), /password doesn't match for \/sub\/f\.txt username: nobody IP: 127\.0\.0\.1/);
});

test('the delay can be switched off with server.feature-flags', async (t) => {
  const s = await authServer(t, 'htpasswd');
  const { r, ms } = await get(s, '/sub/f.txt', basicAuth('apr1', 'wrong'));
  assert.equal(r.status, 401);
  assert.equal(r.header('connection'), 'close');
  assert.ok(ms < 700, `took ${ms} ms`);
});

test('malformed Basic credentials: 400 with lighttpd log lines (bad base64, missing colon)', async (t) => {
  const s = await authServer(t, 'htpasswd');
  const bad = await get(s, '/sub/f.txt', 'Basic !!!!');
  assert.equal(bad.r.status, 400);
  assert.equal(bad.r.header('www-authenticate'), undefined);
  const noColon = await get(s, '/sub/f.txt', `Basic ${Buffer.from('nocolon').toString('base64')}`);
  assert.equal(noColon.r.status, 400);
  assert.equal(noColon.closed, false, 'a 400 from mod_auth keeps the connection');
  assert.match(s.stderr(), /decoding base64-string failed !!!!/);
  assert.match(s.stderr(), /missing ':' in nocolon/);
  // lighttpd's lenient decoder: spaces are skipped, decoding stops at the first foreign byte, scheme in any case
  const ok = [`basic  ${Buffer.from('apr1:secret').toString('base64')}`, 'BASIC YXByMTpzZWNyZXQ-_'];
  for (const auth of ok) assert.equal((await get(s, '/sub/f.txt', auth)).r.status, 200, auth);
});

test('require user=…: a valid user not listed is refused like a wrong password', async (t) => {
  const s = await authServer(t, 'htpasswd');
  assert.equal((await get(s, '/only-alice/f.txt', basicAuth('apr1'))).r.status, 200);
  const other = await get(s, '/only-alice/f.txt', basicAuth('des'));
  assert.equal(other.r.status, 401);
  assert.equal(other.r.header('connection'), 'close');
});

test('plain backend: plain-text passwords; htdigest backend: MD5(user:realm:password) for the rule realm', async (t) => {
  const plain = await authServer(t, 'plain');
  assert.equal((await get(plain, '/sub/f.txt', basicAuth('alice'))).r.status, 200);
  assert.equal((await get(plain, '/sub/f.txt', basicAuth('bob'))).r.status, 200, 'CRLF line end');
  assert.equal((await get(plain, '/sub/f.txt', basicAuth('alice', 'secreT'))).r.status, 401);
  assert.doesNotMatch(plain.stderr(), /parsed error/, 'the lookup stops at the first matching line');
  assert.equal((await get(plain, '/sub/f.txt', basicAuth('zed'))).r.status, 401);
  assert.match(plain.stderr(), /parsed error in .*\/plain expected 'username:password'/);
  const digest = await authServer(t, 'htdigest');
  assert.equal((await get(digest, '/sub/f.txt', basicAuth('alice'))).r.status, 200);
  assert.equal((await get(digest, '/sub/f.txt', basicAuth('bob'))).r.status, 401, 'bob is in another realm');
});

test('REMOTE_USER reaches the access log (%u); unauthenticated requests log "-"', async (t) => {
  const s = await authServer(t, 'htpasswd');
  await get(s, '/sub/f.txt', basicAuth('sha1'));
  await get(s, '/sub/f.txt');
  await get(s, '/open.txt');
  const file = `${s.dir}/access.log`;
  const lines = (): string[] => (existsSync(file) ? readFileSync(file, 'latin1').split('\n').filter((l) => l !== '') : []);
  await waitFor(() => lines().length >= 3, 3000, 'three access log lines');
  assert.deepEqual(lines(), ['sha1 200 /sub/f.txt', '- 401 /sub/f.txt', '- 200 /open.txt']);
});

test('the user file is read on every request: edits apply without a restart', async (t) => {
  const s = await authServer(t, 'plain');
  assert.equal((await get(s, '/sub/f.txt', basicAuth('zed'))).r.status, 401);
  writeFileSync(`${s.dir}/plain`, 'zed:secret\n');
  assert.equal((await get(s, '/sub/f.txt', basicAuth('zed'))).r.status, 200);
});

test('configuration problems: no auth.backend → 500 and a log line; no user file → wrong credentials', async (t) => {
  const s = await startTestServer(t, `server.modules = ( "mod_auth" )
auth.require = ( "" => ( "method" => "basic", "realm" => "R", "require" => "valid-user" ) )
$HTTP["url"] =^ "/nofile/" { auth.backend = "htpasswd" }
${NO_DELAY}
`);
  const none = await get(s, '/x', basicAuth('apr1'));
  assert.equal(none.r.status, 500);
  assert.match(s.stderr(), /auth\.backend not configured for \/x/);
  const nofile = await get(s, '/nofile/x', basicAuth('apr1'));
  assert.equal(nofile.r.status, 401);
  assert.match(s.stderr(), /password doesn't match for \/nofile\/x username: apr1/);
});

test('auth.cache: a remembered success skips the file until max-age; another password is refused meanwhile', async (t) => {
  const s = await authServer(t, 'plain', `${NO_DELAY}\nauth.cache = ( "max-age" => "1" )`);
  assert.equal((await get(s, '/sub/f.txt', basicAuth('alice'))).r.status, 200);
  writeFileSync(`${s.dir}/plain`, 'alice:changed\n');
  assert.equal((await get(s, '/sub/f.txt', basicAuth('alice'))).r.status, 200, 'remembered');
  assert.equal((await get(s, '/sub/f.txt', basicAuth('alice', 'changed'))).r.status, 401, 'not the remembered password');
  await new Promise((r) => setTimeout(r, 1100));
  assert.equal((await get(s, '/sub/f.txt', basicAuth('alice'))).r.status, 401, 'expired: the file counts again');
  assert.equal((await get(s, '/sub/f.txt', basicAuth('alice', 'changed'))).r.status, 200);
});
