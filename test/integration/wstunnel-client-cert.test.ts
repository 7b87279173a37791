/**
 * A noVNC-style `wss://…/websockify` tunnel behind client certificates (`ssl.verifyclient.*`), on real
 * sockets with a TCP echo backend: with `.enforce` only a valid certificate opens the tunnel (no 101 and
 * no backend connection for none, an untrusted or a revoked one); with `.enforce` off a mod_auth
 * `extern` block on the tunnel's URL lets only the certificate's user through.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { tcpBackend, type TestBackend } from '../helpers/backends.js';
import { clientCerts } from '../helpers/client-certs.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { testCert } from '../helpers/tls-cert.js';
import { wssAttempt } from '../helpers/wss-cert-client.js';

const FORMAT = '%u [%{SSL_CLIENT_VERIFY}e] [%{SSL_CLIENT_S_DN_CN}e] %s %U';

/** tswstunnel with TLS, client verification (`enforce` as given), an access log and the tunnel. */
async function tunnelServer(t: TestContext, enforce: boolean, extra = ''): Promise<{ ours: TestServer; backend: TestBackend }> {
  const backend = await tcpBackend();
  t.after(() => backend.close());
  const c = clientCerts();
  const ours = await startTestServer(
    t,
    `server.modules = ( "mod_openssl", "mod_auth", "mod_accesslog", "mod_wstunnel" )
ssl.engine = "enable"
ssl.pemfile = "${testCert().bothFile}"
ssl.verifyclient.ca-file = "${c.caFile}"
ssl.ca-crl-file = "${c.caCrlFile}"
ssl.verifyclient.activate = "enable"
ssl.verifyclient.enforce = "${enforce ? 'enable' : 'disable'}"
ssl.verifyclient.username = "SSL_CLIENT_S_DN_CN"
accesslog.filename = "@DIR@/access.log"
accesslog.format = "${FORMAT}"
wstunnel.server = ( "/websockify" => ( ( "host" => "127.0.0.1", "port" => ${backend.port} ) ) )
wstunnel.frame-type = "binary"
${extra}`,
  );
  return { ours, backend };
}

test('enforced: a valid certificate opens the tunnel and bytes go both ways; none, untrusted or revoked never reach the backend', async (t) => {
  const { ours, backend } = await tunnelServer(t, true);
  const { alice, bob, mallory } = clientCerts().clients;
  for (const maxVersion of ['TLSv1.3', 'TLSv1.2'] as const) {
    const ok = await wssAttempt(ours.port, { client: alice, maxVersion });
    assert.equal(ok.summary, 'echoed 256 bytes', `alice over ${maxVersion}`);
  }
  assert.equal(backend.accepted.length, 2);
  for (const maxVersion of ['TLSv1.3', 'TLSv1.2'] as const) {
    for (const client of [null, mallory, bob]) {
      const r = await wssAttempt(ours.port, { client, maxVersion });
      assert.equal(r.summary, 'refused', `${client?.name ?? 'no certificate'} over ${maxVersion}: ${r.summary}`);
    }
  }
  assert.equal(backend.accepted.length, 2, 'no backend connection without a valid certificate');
  assert.match(ours.stderr(), /SSL: verify error:num=23:certificate revoked:depth=0:subject=CN = bob/);
});

test('enforce off, mod_auth extern on ^/websockify: only the certificate user gets the tunnel, the others 401', async (t) => {
  const { ours, backend } = await tunnelServer(
    t,
    false,
    '$HTTP["url"] =~ "^/websockify" {\n  auth.require = ( "" => ( "method" => "extern", "realm" => "vnc", "require" => "user=alice" ) )\n}\n',
  );
  const { alice, bob, mallory, carol } = clientCerts().clients;
  for (const client of [null, mallory, bob, carol]) {
    const r = await wssAttempt(ours.port, { client });
    assert.equal(r.summary, 'HTTP 401', client?.name ?? 'no certificate');
  }
  assert.equal(backend.accepted.length, 0, 'no backend connection for a 401');
  assert.equal((await wssAttempt(ours.port, { client: alice })).summary, 'echoed 256 bytes');
  assert.equal(backend.accepted.length, 1);
});
