/**
 * A noVNC-style `wss://…/websockify` tunnel behind client certificates (`ssl.verifyclient.*`), on real
 * sockets with a TCP echo backend: with `.enforce` only a valid certificate opens the tunnel (no 101 and
 * no backend connection for none, an untrusted or a revoked one); the tunnel's access-log line, written
 * when the tunnel ends, carries the certificate's user and SSL_CLIENT_VERIFY (so does a refusal
 * mod_wstunnel writes itself); with `.enforce` off a
 * client without a certificate gets the tunnel unless a mod_auth `extern` block wants a certificate user.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tcpBackend, type TestBackend } from '../helpers/backends.js';
import { clientCerts } from '../helpers/client-certs.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { testCert } from '../helpers/tls-cert.js';
import { waitFor } from '../helpers/wait.js';
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

/** The access log's lines once there are `n` of them. */
async function logLines(s: TestServer, n: number): Promise<string[]> {
  const file = join(s.dir, 'access.log');
  const read = (): string[] => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l !== '') : []);
  await waitFor(() => read().length >= n, 5000, `${n} access log lines`);
  return read();
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

test('the tunnel’s access-log line (at its end) names the certificate user and SUCCESS', async (t) => {
  const { ours } = await tunnelServer(t, true);
  const r = await wssAttempt(ours.port, { client: clientCerts().clients.alice });
  assert.equal(r.summary, 'echoed 256 bytes');
  assert.deepEqual(await logLines(ours, 1), ['alice [SUCCESS] [alice] 101 /websockify']);
});

test('enforce off: no certificate gets the tunnel (SSL_CLIENT_VERIFY NONE); a failing one is logged as FAILED', async (t) => {
  const { ours, backend } = await tunnelServer(t, false);
  const { bob } = clientCerts().clients;
  assert.equal((await wssAttempt(ours.port, { client: null })).summary, 'echoed 256 bytes');
  assert.equal((await wssAttempt(ours.port, { client: bob })).summary, 'echoed 256 bytes');
  assert.equal(backend.accepted.length, 2);
  const lines = await logLines(ours, 2);
  assert.deepEqual(lines.sort(), ['- [FAILED:error:00000017:lib(0)::reason(23)] [-] 101 /websockify', '- [NONE] [-] 101 /websockify']);
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

test('an upgrade mod_wstunnel refuses itself (wstunnel.origins, no Origin) is logged with its status', async (t) => {
  const { ours, backend } = await tunnelServer(t, true, 'wstunnel.origins = ( "novnc.example" )\n');
  assert.equal((await wssAttempt(ours.port, { client: clientCerts().clients.alice })).summary, 'HTTP 400');
  assert.equal(backend.accepted.length, 0);
  assert.deepEqual(await logLines(ours, 1), ['alice [SUCCESS] [alice] 400 /websockify']);
});
