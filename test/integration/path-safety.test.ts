/**
 * Path safety through the real server: no request target, however encoded, reads a file outside the
 * document root. A secret file sits beside the root; every answer is checked not to contain it:
 * dot-segments raw and percent-encoded, `%2F`, `%00`, backslashes, overlong UTF-8, aliases, rewrites,
 * index files, and symlinks out of the root with `server.follow-symlink = "disable"`. A property test
 * then throws random traversal-ish targets at the server.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { rawRequest } from '../helpers/raw-http.js';
import { startTestServer, tempDir } from '../helpers/server.js';

const SECRET = 'SECRET-OUTSIDE-ROOT-51d7';

const TARGETS = [
  '/../secret.txt', '/../../secret.txt', '/%2e%2e/secret.txt', '/%2E%2E/secret.txt', '/.%2e/secret.txt', '/%2e./secret.txt',
  '/..%2fsecret.txt', '/..%2Fsecret.txt', '/%2e%2e%2fsecret.txt', '/sub/../../secret.txt', '/sub/%2e%2e/%2e%2e/secret.txt',
  '/..\\secret.txt', '/%5c..%5csecret.txt', '/..%5c..%5csecret.txt', '/%c0%ae%c0%ae/secret.txt', '/%c0%ae%c0%ae%c0%afsecret.txt',
  '/%e0%80%ae%e0%80%ae/secret.txt', '/%f0%80%80%ae%f0%80%80%ae/secret.txt', '/%00/../secret.txt', '/secret.txt%00',
  '/%252e%252e/secret.txt', '//../secret.txt', '/./../secret.txt', '/a/b/../../../secret.txt', '/...//secret.txt',
  '/al../secret.txt', '/al/../../secret.txt', '/al/%2e%2e/%2e%2e/secret.txt', '/rw/../secret.txt', '/rw/%2e%2e/secret.txt',
  '/nf/%2e%2e/secret.txt', '/nofollow/link-out.txt', '/nofollow/linkdir/secret.txt', '/nofollow/linkdir/', '/sub/../nofollow/link-out.txt',
  'http://localhost/../secret.txt', '/?/../secret.txt', '/sub/..%00/secret.txt',
];

async function startSafeServer(t: Parameters<typeof startTestServer>[0]): Promise<{ port: number }> {
  const dir = tempDir(t, 'tsw-safety-');
  const docroot = path.join(dir, 'www');
  mkdirSync(path.join(docroot, 'sub'), { recursive: true });
  mkdirSync(path.join(docroot, 'nofollow'), { recursive: true });
  mkdirSync(path.join(dir, 'aliased'), { recursive: true });
  writeFileSync(path.join(dir, 'secret.txt'), `${SECRET}\n`);
  writeFileSync(path.join(dir, 'aliased', 'a.txt'), 'aliased\n');
  writeFileSync(path.join(docroot, 'hello.txt'), 'hello\n');
  writeFileSync(path.join(docroot, 'sub', 'x.txt'), 'x\n');
  symlinkSync(path.join(dir, 'secret.txt'), path.join(docroot, 'nofollow', 'link-out.txt'));
  symlinkSync(dir, path.join(docroot, 'nofollow', 'linkdir'));
  const conf = `
server.document-root = "${docroot}"
server.modules = ( "mod_access", "mod_alias", "mod_rewrite", "mod_indexfile", "mod_dirlisting", "mod_staticfile" )
server.follow-symlink = "disable"
dir-listing.activate = "enable"
index-file.names = ( "index.html", "/sub/x.txt" )
alias.url = ( "/al" => "${dir}/aliased/" )
url.rewrite-once = ( "^/rw/(.*)$" => "/$1" )
url.rewrite-if-not-file = ( "^/nf/(.*)$" => "/$1" )
`;
  const s = await startTestServer(t, conf);
  return { port: s.port };
}

function get(target: string): string {
  return `GET ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`;
}

test('no encoding of a target escapes the document root', { timeout: 60_000 }, async (t) => {
  const { port } = await startSafeServer(t);
  const ok = await rawRequest(port, get('/hello.txt'));
  assert.equal(ok.responses[0]?.status, 200, 'the server answers normal requests');
  for (const target of TARGETS) {
    const ex = await rawRequest(port, get(target), { timeoutMs: 3000 });
    assert.ok(!ex.raw.includes(SECRET), `${target} leaked the secret: ${ex.raw.toString('latin1').slice(0, 200)}`);
  }
  const symlinked = await rawRequest(port, get('/nofollow/link-out.txt'));
  assert.equal(symlinked.responses[0]?.status, 403, 'a symlink is refused with server.follow-symlink = "disable"');
  const alias = await rawRequest(port, get('/al../secret.txt'));
  assert.equal(alias.responses[0]?.status, 403, 'mod_alias traversal guard');
});

test('property: random traversal targets never leak', { timeout: 60_000 }, async (t) => {
  const { port } = await startSafeServer(t);
  const piece = fc.constantFrom('..', '.', '/', '%2e', '%2E', '%2f', '%2F', '%5c', '\\', '%c0%ae', '%c0%af', '%00', '%25', 'secret.txt', 'sub', 'al', 'rw', 'nf', 'nofollow', 'linkdir', '%e0%80%ae');
  await fc.assert(
    fc.asyncProperty(fc.array(piece, { minLength: 1, maxLength: 12 }), async (parts) => {
      const ex = await rawRequest(port, get(`/${parts.join('')}`), { timeoutMs: 3000 });
      return !ex.raw.includes(SECRET);
    }),
    { numRuns: 300 },
  );
});
