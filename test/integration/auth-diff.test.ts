/**
 * Differential check of mod_auth + mod_authn_file against the real lighttpd 1.4.69: the same config,
 * user files and raw requests go to both; status, WWW-Authenticate (Digest nonces masked) and
 * Connection: close must agree. The one expected difference: yescrypt (`$y$`) hashes, which the system
 * crypt(3) behind lighttpd accepts and tswstunnel does not (docs/compat.md). Digest exchanges answer each
 * server's own challenge nonce.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from '../helpers/server.js';
import { rawRequest, type RawResponse } from '../helpers/raw-http.js';
import { startLighttpd } from '../helpers/lighttpd.js';
import { basicAuth, htpasswdUsers, writeUserFiles } from '../helpers/auth-files.js';
import { upgradeHead } from '../helpers/ws-raw.js';
import { digestAuthorization, nonceOf, type DigestAnswer } from '../helpers/digest-client.js';

const CONFIG = `server.modules = ( "mod_auth", "mod_authn_file", "mod_staticfile" )
server.feature-flags = ( "auth.delay-invalid-creds" => "disable" )
auth.backend = "htpasswd"
auth.backend.htpasswd.userfile = "@DIR@/htpasswd"
auth.backend.plain.userfile = "@DIR@/plain"
auth.backend.htdigest.userfile = "@DIR@/htdigest"
auth.require = ( "/only/" => ( "method" => "basic", "realm" => "Only", "require" => "user=apr1|user=alice" ),
                 "/sub/" => ( "method" => "basic", "realm" => "R", "require" => "valid-user" ),
                 "/dg/" => ( "method" => "digest", "realm" => "R", "require" => "valid-user" ),
                 "/ext/" => ( "method" => "extern", "realm" => "R", "require" => "valid-user" ) )
$HTTP["url"] =^ "/dd/" {
  auth.backend = "htdigest"
  auth.require = ( "/dd/only/" => ( "method" => "digest", "realm" => "R", "require" => "user=dave" ),
                   "/dd/uh/" => ( "method" => "digest", "realm" => "R", "require" => "valid-user", "userhash" => "enable" ),
                   "/dd/sha/" => ( "method" => "digest", "realm" => "S", "require" => "valid-user", "algorithm" => "SHA-256" ),
                   "/dd/" => ( "method" => "digest", "realm" => "R", "require" => "valid-user", "algorithm" => "MD5|SHA-256" ) )
}
$HTTP["url"] =^ "/dp/" {
  auth.backend = "plain"
  auth.require = ( "/dp/" => ( "method" => "digest", "realm" => "R", "require" => "valid-user" ) )
}
$HTTP["url"] =^ "/plain/" {
  auth.backend = "plain"
  auth.require = ( "" => ( "method" => "basic", "realm" => "P", "require" => "valid-user" ) )
}
$HTTP["url"] =^ "/hd/" {
  auth.backend = "htdigest"
  auth.require = ( "/hd/" => ( "method" => "basic", "realm" => "R", "require" => "valid-user" ) )
}
$HTTP["url"] =^ "/hdg/" {
  auth.backend = "htpasswd"
  auth.require = ( "/hdg/" => ( "method" => "digest", "realm" => "R", "require" => "valid-user" ) )
}
$HTTP["url"] =^ "/nob/" {
  auth.backend = ""
  auth.require = ( "/nob/" => ( "method" => "basic", "realm" => "R", "require" => "valid-user" ) )
}
`;

const FILES = { 'dd/f.txt': 'dd\n', 'dd/only/f.txt': 'ddo\n', 'dd/uh/f.txt': 'ddu\n', 'dd/sha/f.txt': 'dds\n', 'dp/f.txt': 'dp\n', 'sub/f.txt': 'sub\n', 'only/f.txt': 'only\n', 'plain/f.txt': 'plain\n', 'hd/f.txt': 'hd\n', 'open.txt': 'open\n', 'dg/f.txt': 'dg\n', 'nob/f.txt': 'nob\n' };

function get(path: string, auth?: string, method = 'GET'): string {
  return `${method} ${path} HTTP/1.1\r\nHost: a\r\n${auth === undefined ? '' : `Authorization: ${auth}\r\n`}\r\n`;
}

const b64 = (s: string): string => Buffer.from(s, 'latin1').toString('base64');

function cases(): [string, string][] {
  const out: [string, string][] = [];
  for (const user of Object.keys(htpasswdUsers())) out.push([`htpasswd ${user}`, get('/sub/f.txt', basicAuth(user))]);
  const more: [string, string][] = [
    ['no credentials', get('/sub/f.txt')],
    ['missing file under the rule', get('/sub/nothing')],
    ['query string', get('/sub/f.txt?x=1')],
    ['dot segments', get('/x/../sub/f.txt')],
    ['encoded path', get('/%73ub/f.txt')],
    ['HEAD', get('/sub/f.txt', undefined, 'HEAD')],
    ['POST', 'POST /sub/f.txt HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n'],
    ['unprotected', get('/open.txt')],
    ['prefix is case-sensitive', get('/SUB/f.txt')],
    ['wrong password', get('/sub/f.txt', basicAuth('apr1', 'wrong'))],
    ['unknown user', get('/sub/f.txt', basicAuth('nobody'))],
    ['empty user', get('/sub/f.txt', `Basic ${b64(':secret')}`)],
    ['empty password', get('/sub/f.txt', `Basic ${b64('apr1:')}`)],
    ['password with colon', get('/sub/f.txt', `Basic ${b64('apr1:sec:ret')}`)],
    ['bad base64', get('/sub/f.txt', 'Basic !!!!')],
    ['one base64 char', get('/sub/f.txt', 'Basic Q')],
    ['no colon', get('/sub/f.txt', `Basic ${b64('nocolon')}`)],
    ['Bearer', get('/sub/f.txt', 'Bearer abc')],
    ['Basic alone', get('/sub/f.txt', 'Basic')],
    ['lower-case scheme', get('/sub/f.txt', `basic ${b64('apr1:secret')}`)],
    ['upper-case scheme', get('/sub/f.txt', `BASIC ${b64('apr1:secret')}`)],
    ['two spaces', get('/sub/f.txt', `Basic  ${b64('apr1:secret')}`)],
    ['no padding', get('/sub/f.txt', `Basic ${b64('apr1:secret').replace(/=+$/, '')}`)],
    ['url-safe tail', get('/sub/f.txt', 'Basic YXByMTpzZWNyZXQ-_')],
    ['over 1363 chars', get('/sub/f.txt', `Basic ${'QUFB'.repeat(341)}`)],
    ['1363 chars', get('/sub/f.txt', `Basic ${b64('apr1:secret')}${'='.repeat(1363 - b64('apr1:secret').length)}`)],
    ['user= listed', get('/only/f.txt', basicAuth('apr1'))],
    ['user= not listed', get('/only/f.txt', basicAuth('des'))],
    ['user= no credentials', get('/only/f.txt')],
    ['plain good', get('/plain/f.txt', basicAuth('alice'))],
    ['plain CRLF line', get('/plain/f.txt', basicAuth('bob'))],
    ['plain wrong', get('/plain/f.txt', basicAuth('alice', 'x'))],
    ['plain htpasswd user', get('/plain/f.txt', basicAuth('apr1'))],
    ['plain empty rule prefix', get('/plain/', basicAuth('alice'))],
    ['htdigest via Basic', get('/hd/f.txt', basicAuth('alice'))],
    ['htdigest other realm', get('/hd/f.txt', basicAuth('bob'))],
    ['htdigest wrong', get('/hd/f.txt', basicAuth('alice', 'x'))],
    ['digest challenge', get('/dg/f.txt')],
    ['digest rule, Basic credentials', get('/dg/f.txt', basicAuth('apr1'))],
    ['digest with htpasswd backend', get('/hdg/f.txt')],
    ['extern without REMOTE_USER', get('/ext/f.txt')],
    ['extern with Basic credentials', get('/ext/f.txt', basicAuth('apr1'))],
    ['blank backend keeps the outer one', get('/nob/f.txt', basicAuth('apr1'))],
    ['upgrade without credentials', upgradeHead('/sub/ws')],
    ['upgrade with credentials', upgradeHead('/sub/f.txt', { Authorization: basicAuth('apr1') })],
  ];
  return [...out, ...more];
}

function summary(r: RawResponse | undefined, closed: boolean): string {
  if (!r) return '(no response)';
  const parts = [r.statusLine];
  const challenges = r.headerList.filter(([k]) => k.toLowerCase() === 'www-authenticate').map(([, v]) => v.replace(/nonce="[^"]*"/, 'nonce="…"'));
  if (challenges.length > 0) parts.push(`www-authenticate: ${challenges.join(' / ')}`);
  if (r.header('connection')?.toLowerCase() === 'close') parts.push('connection: close');
  if (r.status === 200) parts.push(`body: ${r.body.toString()}`);
  if (closed && r.header('connection') === undefined) parts.push('(closed)');
  return parts.join(' | ');
}

/** Case names whose answers are expected to differ (see the file header). */
const EXPECTED_DIFFERENT = ['htpasswd yescrypt'];

test('mod_auth answers agree with lighttpd 1.4.69', async (t) => {
  const ours = await startTestServer(t, CONFIG, { files: FILES });
  writeUserFiles(ours.dir);
  const oracle = await startLighttpd(t, `server.port = @PORT@\nserver.bind = "127.0.0.1"\nserver.document-root = "${ours.docroot}"\n${CONFIG}`, { dir: ours.dir });
  const all = cases();
  const diffs: string[] = [];
  for (const [name, req] of all) {
    const head = req.startsWith('HEAD') ? [true] : [];
    const [a, b] = await Promise.all([rawRequest(oracle.port, req, { expect: 1, head, timeoutMs: 3000 }), rawRequest(ours.port, req, { expect: 1, head, timeoutMs: 3000 })]);
    const want = summary(a.responses[0], a.closed);
    const got = summary(b.responses[0], b.closed);
    if (want !== got) diffs.push(`${name}\n  lighttpd: ${want}\n  ours:     ${got}`);
  }
  const unexpected = diffs.filter((d) => !EXPECTED_DIFFERENT.includes(d.split('\n')[0] ?? ''));
  console.log(`auth differential: ${all.length - diffs.length} of ${all.length} agree`);
  assert.equal(unexpected.length, 0, `${unexpected.length} of ${all.length} differ:\n${unexpected.join('\n')}`);
  assert.equal(diffs.length, EXPECTED_DIFFERENT.length, `expected differences gone? ${diffs.join('\n')}`);
});

/** Digest answers to send to each server's own challenge: path and changes to a good answer by alice. */
const DIGEST_CASES: readonly [string, string, Partial<DigestAnswer>][] = [
  ['digest htdigest MD5', '/dd/f.txt', {}],
  ['digest htdigest SHA-256 offered', '/dd/f.txt', { algorithm: 'SHA-256' }],
  ['digest MD5-sess', '/dd/f.txt', { algorithm: 'MD5-sess' }],
  ['digest SHA-256 realm S', '/dd/sha/f.txt', { user: 'carol', realm: 'S', algorithm: 'SHA-256' }],
  ['digest SHA-256 rule, MD5 answer', '/dd/sha/f.txt', { user: 'carol', realm: 'S' }],
  ['digest wrong password', '/dd/f.txt', { password: 'nope' }],
  ['digest unknown user', '/dd/f.txt', { user: 'zed' }],
  ['digest other realm', '/dd/f.txt', { realm: 'Other', user: 'bob' }],
  ['digest uri mismatch', '/dd/f.txt', { claimedUri: '/dd/x' }],
  ['digest missing nonce', '/dd/f.txt', { omit: ['nonce'] }],
  ['digest missing response', '/dd/f.txt', { omit: ['response'] }],
  ['digest qop without cnonce', '/dd/f.txt', { omit: ['cnonce'] }],
  ['digest auth-int', '/dd/f.txt', { extra: ', qop=auth-int' }],
  ['digest bad algorithm', '/dd/f.txt', { algorithm: 'SHA-1' }],
  ['digest user= not listed', '/dd/only/f.txt', {}],
  ['digest user= listed', '/dd/only/f.txt', { user: 'dave' }],
  ['digest userhash', '/dd/uh/f.txt', { user: 'dave', userhash: true }],
  ['digest userhash without field', '/dd/uh/f.txt', { userhash: true }],
  ['digest username*', '/dd/f.txt', { userStar: true }],
  ['digest username* + userhash', '/dd/f.txt', { userStar: true, userhash: true }],
  ['digest plain backend', '/dp/f.txt', {}],
  ['digest plain wrong', '/dp/f.txt', { password: 'x' }],
  ['digest stale nonce', '/dd/f.txt', { nonce: `${(Math.floor(Date.now() / 1000) - 700).toString(16)}:00` }],
];

async function digestExchange(port: number, path: string, change: Partial<DigestAnswer>): Promise<string> {
  const first = await rawRequest(port, get(path), { expect: 1 });
  const nonce = nonceOf(first.responses[0]?.header('www-authenticate'));
  const answer: DigestAnswer = { user: 'alice', password: 'secret', realm: 'R', method: 'GET', uri: path, nonce, ...change };
  const x = await rawRequest(port, get(path, digestAuthorization(answer)), { expect: 1, timeoutMs: 3000 });
  return summary(x.responses[0], x.closed);
}

test('mod_auth Digest exchanges agree with lighttpd 1.4.69', async (t) => {
  const ours = await startTestServer(t, CONFIG, { files: FILES });
  writeUserFiles(ours.dir);
  const oracle = await startLighttpd(t, `server.port = @PORT@\nserver.bind = "127.0.0.1"\nserver.document-root = "${ours.docroot}"\n${CONFIG}`, { dir: ours.dir });
  const diffs: string[] = [];
  for (const [name, path, change] of DIGEST_CASES) {
    const [want, got] = await Promise.all([digestExchange(oracle.port, path, change), digestExchange(ours.port, path, change)]);
    if (want !== got) diffs.push(`${name}\n  lighttpd: ${want}\n  ours:     ${got}`);
  }
  console.log(`auth digest differential: ${DIGEST_CASES.length - diffs.length} of ${DIGEST_CASES.length} agree`);
  assert.equal(diffs.length, 0, `${diffs.length} of ${DIGEST_CASES.length} differ:\n${diffs.join('\n')}`);
});
