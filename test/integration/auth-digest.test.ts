/**
 * mod_auth Digest over real sockets: curl (an independent client) against htdigest and plain backends,
 * MD5 and SHA-256; and hand-built answers for the checks lighttpd makes (stale nonce, uri, realm, missing
 * fields, userhash, username*, nonce_secret, user= rules).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { rawRequest, type RawResponse } from '../helpers/raw-http.js';
import { PASSWORD, writeUserFiles } from '../helpers/auth-files.js';
import { digestAuthorization, nonceOf, type DigestAnswer } from '../helpers/digest-client.js';

const run = promisify(execFile);

async function digestServer(t: Parameters<typeof startTestServer>[0]): Promise<TestServer> {
  const s = await startTestServer(
    t,
    `server.modules = ( "mod_auth", "mod_authn_file", "mod_accesslog" )
accesslog.filename = "@DIR@/access.log"
accesslog.format = "%u"
server.feature-flags = ( "auth.delay-invalid-creds" => "disable" )
auth.backend = "htdigest"
auth.backend.htdigest.userfile = "@DIR@/htdigest"
auth.backend.plain.userfile = "@DIR@/plain"
auth.require = ( "/d/" => ( "method" => "digest", "realm" => "R", "require" => "valid-user" ),
                 "/only/" => ( "method" => "digest", "realm" => "R", "require" => "user=dave" ),
                 "/sha/" => ( "method" => "digest", "realm" => "S", "require" => "valid-user", "algorithm" => "SHA-256" ),
                 "/secret/" => ( "method" => "digest", "realm" => "R", "require" => "valid-user", "nonce_secret" => "s3cr3t" ),
                 "/uh/" => ( "method" => "digest", "realm" => "R", "require" => "valid-user", "userhash" => "enable" ) )
$HTTP["url"] =^ "/p/" {
  auth.backend = "plain"
  auth.require = ( "/p/" => ( "method" => "digest", "realm" => "P", "require" => "valid-user", "algorithm" => "MD5|SHA-256" ) )
}
`,
    { files: { 'd/f.txt': 'd\n', 'only/f.txt': 'only\n', 'sha/f.txt': 'sha\n', 'secret/f.txt': 'secret\n', 'uh/f.txt': 'uh\n', 'p/f.txt': 'p\n' } },
  );
  writeUserFiles(s.dir);
  return s;
}

async function curlStatus(s: TestServer, path: string, user: string, password = PASSWORD): Promise<string> {
  const { stdout } = await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--digest', '-u', `${user}:${password}`, `${s.base}${path}`]);
  return stdout;
}

async function send(s: TestServer, path: string, authorization?: string): Promise<RawResponse> {
  const auth = authorization === undefined ? '' : `Authorization: ${authorization}\r\n`;
  const x = await rawRequest(s.port, `GET ${path} HTTP/1.1\r\nHost: a\r\n${auth}\r\n`, { expect: 1 });
  const r = x.responses[0];
  assert.ok(r, `no response for ${path}`);
  return r;
}

/** Gets a challenge for `path`, answers it with `answer` changes, returns the answer's response. */
async function exchange(s: TestServer, path: string, answer: Partial<DigestAnswer> = {}): Promise<RawResponse> {
  const challenge = await send(s, path);
  assert.equal(challenge.status, 401);
  const a: DigestAnswer = { user: 'alice', password: PASSWORD, realm: 'R', method: 'GET', uri: path, nonce: nonceOf(challenge.header('www-authenticate')), ...answer };
  return send(s, path, digestAuthorization(a));
}

test('curl --digest: htdigest (MD5, SHA-256) and plain backends; wrong password and unknown user refused', async (t) => {
  const s = await digestServer(t);
  assert.equal(await curlStatus(s, '/d/f.txt', 'alice'), '200');
  assert.equal(await curlStatus(s, '/d/f.txt', 'alice', 'wrong'), '401');
  assert.equal(await curlStatus(s, '/d/f.txt', 'bob'), '401', 'bob is in another realm');
  assert.equal(await curlStatus(s, '/sha/f.txt', 'carol'), '200');
  assert.equal(await curlStatus(s, '/p/f.txt', 'alice'), '200');
  assert.equal(await curlStatus(s, '/p/f.txt', 'nobody'), '401');
  assert.equal(await curlStatus(s, '/secret/f.txt', 'alice'), '200');
  assert.match(s.stderr(), /digest: auth failed for alice: wrong password, IP: 127\.0\.0\.1/);
});

test('the challenge: one header per algorithm, lighttpd form; a refused answer closes the connection', async (t) => {
  const s = await digestServer(t);
  const r = await send(s, '/p/f.txt');
  const values = r.headerList.filter(([k]) => k.toLowerCase() === 'www-authenticate').map(([, v]) => v);
  assert.equal(values.length, 2);
  assert.match(values[0] ?? '', /^Digest realm="P", charset="UTF-8", algorithm=SHA-256, nonce="[0-9a-f]+:[0-9a-f]{64}", qop="auth"$/);
  assert.match(values[1] ?? '', /^Digest realm="P", charset="UTF-8", algorithm=MD5, nonce="[0-9a-f]+:[0-9a-f]{32}", qop="auth"$/);
  const secret = await send(s, '/secret/f.txt');
  assert.match(secret.header('www-authenticate') ?? '', /nonce="[0-9a-f]+:[0-9a-f]+:[0-9a-f]{32}"/);
  const wrong = await exchange(s, '/d/f.txt', { password: 'nope' });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.header('connection'), 'close');
  const ok = await exchange(s, '/d/f.txt');
  assert.equal(ok.status, 200);
  assert.equal(ok.header('connection'), undefined);
});

test('lighttpd checks: stale nonce, uri, realm, algorithm, missing fields, sess, user= rule', async (t) => {
  const s = await digestServer(t);
  const stale = await send(s, '/d/f.txt', digestAuthorization({ user: 'alice', password: PASSWORD, realm: 'R', method: 'GET', uri: '/d/f.txt', nonce: `${(Math.floor(Date.now() / 1000) - 700).toString(16)}:00` }));
  assert.equal(stale.status, 401);
  assert.match(stale.header('www-authenticate') ?? '', /, stale=true$/);
  assert.equal((await exchange(s, '/d/f.txt', { claimedUri: '/d/other' })).status, 400);
  assert.match(s.stderr(), /digest: auth failed: uri mismatch \(\/d\/f\.txt != \/d\/other\)/);
  assert.equal((await exchange(s, '/d/f.txt', { realm: 'X' })).status, 401);
  assert.equal((await exchange(s, '/d/f.txt', { algorithm: 'SHA-256' })).status, 401, 'algorithm not offered');
  assert.equal((await exchange(s, '/d/f.txt', { omit: ['nonce'] })).status, 400);
  assert.equal((await exchange(s, '/d/f.txt', { omit: ['cnonce'] })).status, 400);
  assert.equal((await exchange(s, '/d/f.txt', { extra: ', qop=auth-int' })).status, 400);
  assert.equal((await exchange(s, '/d/f.txt', { algorithm: 'MD5-sess' })).status, 200);
  assert.equal((await exchange(s, '/only/f.txt')).status, 401, 'alice is not dave');
  assert.equal((await exchange(s, '/only/f.txt', { user: 'dave' })).status, 200);
});

test('userhash, username* and a forged nonce_secret nonce', async (t) => {
  const s = await digestServer(t);
  assert.equal((await exchange(s, '/uh/f.txt', { user: 'dave', userhash: true })).status, 200);
  assert.equal((await exchange(s, '/uh/f.txt', { user: 'alice', userhash: true })).status, 401, 'alice has no userhash field');
  assert.equal((await exchange(s, '/d/f.txt', { userStar: true })).status, 200);
  assert.equal((await exchange(s, '/d/f.txt', { userStar: true, userhash: true })).status, 400);
  const now = Math.floor(Date.now() / 1000).toString(16);
  const forged = digestAuthorization({ user: 'alice', password: PASSWORD, realm: 'R', method: 'GET', uri: '/secret/f.txt', nonce: `${now}:1234:${'0'.repeat(32)}` });
  assert.equal((await send(s, '/secret/f.txt', forged)).status, 401);
  assert.match(s.stderr(), /digest: nonce mismatch/);
});
