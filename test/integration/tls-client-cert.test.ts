/**
 * Client certificates (`ssl.verifyclient.*`) on tswstunnel alone: enforced verification keeps clients
 * without a valid certificate from any answer (before this was supported, every one got a 200), the
 * verified user reaches mod_proxy's `Forwarded: remote_user` and WebSocket upgrades are refused the same
 * way, the keys no longer draw "not supported" warnings, and unusable CA / DN / CRL files stop the start
 * with lighttpd 1.4.69's line and exit 255.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clientCerts } from '../helpers/client-certs.js';
import { mtlsRequest } from '../helpers/mtls-client.js';
import { rawHeader, startHttpBackend } from '../helpers/proxy-backends.js';
import { runTsw } from '../helpers/run-cli.js';
import { startTestServer, tempDir } from '../helpers/server.js';
import { testCert } from '../helpers/tls-cert.js';

function enforced(extra = ''): string {
  const c = clientCerts();
  return `server.modules = ("mod_openssl", "mod_proxy")
ssl.engine = "enable"
ssl.pemfile = "${testCert().bothFile}"
ssl.verifyclient.ca-file = "${c.caFile}"
ssl.ca-crl-file = "${c.caCrlFile}"
ssl.verifyclient.activate = "enable"
ssl.verifyclient.username = "SSL_CLIENT_S_DN_CN"
${extra}`;
}

test('enforced: no certificate, a revoked one or an untrusted one gets no answer; a valid one is served', async (t) => {
  const ours = await startTestServer(t, enforced(), { files: { 'index.html': 'hello\n' } });
  const { alice, bob, mallory } = clientCerts().clients;
  for (const maxVersion of ['TLSv1.3', 'TLSv1.2'] as const) {
    for (const client of [null, bob, mallory]) {
      const r = await mtlsRequest(ours.port, { client, maxVersion });
      assert.equal(r.summary, 'refused', `${client?.name ?? 'no certificate'} over ${maxVersion}: ${r.summary}`);
    }
    const ok = await mtlsRequest(ours.port, { client: alice, maxVersion });
    assert.equal(ok.summary, 'HTTP/1.1 200 OK');
  }
  assert.match(ours.stderr(), /SSL: verify error:num=23:certificate revoked:depth=0:subject=CN = bob/);
  assert.doesNotMatch(ours.stderr(), /not supported by tswstunnel/);
});

test('the verified user goes to a proxy backend as Forwarded remote_user', async (t) => {
  const backend = await startHttpBackend();
  t.after(() => backend.close());
  const ours = await startTestServer(t, enforced(`proxy.server = ( "/app" => (( "host" => "127.0.0.1", "port" => ${backend.port} )) )\nproxy.forwarded = ( "remote_user" => 1 )\n`));
  const r = await mtlsRequest(ours.port, { client: clientCerts().clients.alice, path: '/app' });
  assert.equal(r.summary, 'HTTP/1.1 200 OK');
  const seen = backend.requests[0];
  assert.ok(seen);
  assert.equal(rawHeader(seen, 'forwarded'), 'remote_user="alice"');
});

const FILE_CASES: readonly { readonly name: string; readonly ssl: (dir: string) => string; readonly message: (dir: string) => string }[] = [
  {
    name: 'a missing ssl.verifyclient.ca-file',
    ssl: (dir) => `ssl.verifyclient.ca-file = "${join(dir, 'missing.pem')}"`,
    message: (dir) => `(mod_openssl.c.2790) SSL: error:80000002:system library::No such file or directory ${join(dir, 'missing.pem')}`,
  },
  {
    name: 'an ssl.ca-file without certificates',
    ssl: (dir) => `ssl.ca-file = "${join(dir, 'garbage.pem')}"`,
    message: (dir) => `(mod_openssl.c.759) SSL: ssl.verifyclient.ca-file is empty ${join(dir, 'garbage.pem')}`,
  },
  {
    name: 'a missing ssl.ca-crl-file',
    ssl: (dir) => `ssl.ca-file = "${clientCerts().caFile}"\nssl.ca-crl-file = "${join(dir, 'missing.crl')}"`,
    message: (dir) => `(mod_openssl.c.789) SSL: error:80000002:system library::No such file or directory ${join(dir, 'missing.crl')}`,
  },
  {
    name: 'a missing ssl.verifyclient.ca-dn-file',
    ssl: (dir) => `ssl.verifyclient.ca-dn-file = "${join(dir, 'missing.pem')}"`,
    message: (dir) => `(mod_openssl.c.2808) SSL: error:80000002:system library::No such file or directory ${join(dir, 'missing.pem')}`,
  },
];

for (const c of FILE_CASES) {
  test(`startup error, exit 255: ${c.name}`, async (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'garbage.pem'), 'not a certificate\n');
    const conf = join(dir, 'lighttpd.conf');
    writeFileSync(conf, `server.document-root = "${dir}"\nserver.bind = "127.0.0.1"\nserver.port = 0\nserver.modules = ("mod_openssl")\nssl.engine = "enable"\nssl.pemfile = "${testCert().bothFile}"\n${c.ssl(dir)}\n`);
    const r = await runTsw(['-D', '-f', conf], { timeoutMs: 15000 });
    assert.equal(r.status, 255, r.stderr);
    assert.ok(r.stderr.includes(c.message(dir)), r.stderr);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  });
}
