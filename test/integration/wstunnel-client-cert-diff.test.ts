/**
 * Differential check of a `wss://…/websockify` tunnel behind client certificates against the real
 * lighttpd 1.4.69 with mod_openssl and mod_wstunnel: the same configs (enforced with a CRL; not enforced;
 * not enforced with a mod_auth `extern` block on `^/websockify`), the same clients (none, a good
 * certificate, a revoked one, one from an untrusted CA, one whose intermediate has no CRL) over TLS 1.3
 * and 1.2, each server with its own TCP echo backend. Per attempt the outcome must agree (all 256 byte
 * values echoed, an HTTP status, or refused without an answer), both backends must have seen the same
 * number of connections, and the access logs must hold the same lines — a tunnel's is written when it
 * ends, so the lines are compared sorted. The byte counts (`%b %I %O`) are left out: lighttpd 1.4.69
 * counts its ASCII CLOSE payload (docs/compat.md).
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tcpBackend } from '../helpers/backends.js';
import { clientCerts, type ClientCert } from '../helpers/client-certs.js';
import { startLighttpd } from '../helpers/lighttpd.js';
import { startTestServer } from '../helpers/server.js';
import { testCert } from '../helpers/tls-cert.js';
import { waitFor } from '../helpers/wait.js';
import { wssAttempt } from '../helpers/wss-cert-client.js';

const FORMAT = '%h %u [%{SSL_CLIENT_VERIFY}e] [%{SSL_CLIENT_S_DN}e] [%{SSL_CLIENT_S_DN_CN}e] [%{AUTH_TYPE}e] [%{SSL_PROTOCOL}e] %s %U "%r"';

interface Scenario {
  readonly name: string;
  readonly conf: string;
}

function scenarios(): Scenario[] {
  const c = clientCerts();
  const common = `ssl.engine = "enable"\nssl.pemfile = "${testCert().bothFile}"\nssl.verifyclient.ca-file = "${c.caFile}"\nssl.ca-crl-file = "${c.caCrlFile}"\nssl.verifyclient.activate = "enable"\nssl.verifyclient.username = "SSL_CLIENT_S_DN_CN"\n`;
  return [
    { name: 'enforced', conf: common },
    { name: 'not enforced', conf: `${common}ssl.verifyclient.enforce = "disable"\n` },
    {
      name: 'not enforced, mod_auth extern on ^/websockify',
      conf: `${common}ssl.verifyclient.enforce = "disable"\n$HTTP["url"] =~ "^/websockify" {\n  auth.require = ( "" => ( "method" => "extern", "realm" => "vnc", "require" => "user=alice" ) )\n}\n`,
    },
  ];
}

const CLIENTS = ['none', 'alice', 'bob', 'mallory', 'carol'] as const;
const VERSIONS = ['TLSv1.3', 'TLSv1.2'] as const;

interface Tally {
  agree: number;
  total: number;
  logAgree: number;
  logTotal: number;
  readonly diffs: string[];
}

async function runScenario(t: TestContext, s: Scenario, tally: Tally): Promise<void> {
  const ourBackend = await tcpBackend();
  const theirBackend = await tcpBackend();
  t.after(() => Promise.all([ourBackend.close(), theirBackend.close()]));
  const head = `server.modules = ( "mod_openssl", "mod_auth", "mod_accesslog", "mod_wstunnel" )\naccesslog.format = "${FORMAT.replaceAll('"', '\\"')}"\nwstunnel.frame-type = "binary"\n`;
  const tunnel = (port: number): string => `wstunnel.server = ( "/websockify" => ( ( "host" => "127.0.0.1", "port" => ${port} ) ) )\n`;
  const ours = await startTestServer(t, `${head}accesslog.filename = "@DIR@/ours.log"\n${tunnel(ourBackend.port)}${s.conf}`);
  const oracle = await startLighttpd(
    t,
    `server.port = @PORT@\nserver.bind = "127.0.0.1"\nserver.document-root = "${ours.docroot}"\n${head}accesslog.filename = "@DIR@/lighttpd.log"\n${tunnel(theirBackend.port)}${s.conf}`,
    { dir: ours.dir },
  );
  const lines = (f: string): string[] =>
    existsSync(join(ours.dir, f))
      ? readFileSync(join(ours.dir, f), 'utf8')
          .split('\n')
          .filter((l) => l !== '')
          .sort()
      : [];
  const certs = clientCerts().clients;
  for (const who of CLIENTS) {
    for (const maxVersion of VERSIONS) {
      const client: ClientCert | null = who === 'none' ? null : certs[who];
      const want = await wssAttempt(oracle.port, { client, maxVersion });
      const got = await wssAttempt(ours.port, { client, maxVersion });
      tally.total++;
      if (want.summary === got.summary) tally.agree++;
      else tally.diffs.push(`${s.name}: ${who} ${maxVersion}\n  lighttpd: ${want.summary} ${want.how}\n  ours:     ${got.summary} ${got.how}`);
    }
  }
  await oracle.stop();
  // a tunnel's line comes when the server sees its connection close, which may be after the client's close event
  await waitFor(() => lines('ours.log').length >= lines('lighttpd.log').length, 5000, 'the tunnels\' access log lines').catch(() => undefined);
  await ours.server.close();
  if (ourBackend.accepted.length !== theirBackend.accepted.length) tally.diffs.push(`${s.name}: backend connections: lighttpd ${theirBackend.accepted.length}, ours ${ourBackend.accepted.length}`);
  const theirs = lines('lighttpd.log');
  const mine = lines('ours.log');
  tally.logTotal += theirs.length;
  tally.logAgree += theirs.filter((l, i) => l === mine[i]).length;
  if (mine.join('\n') !== theirs.join('\n')) tally.diffs.push(`${s.name}: access logs\n  lighttpd: ${theirs.join('\n            ')}\n  ours:     ${mine.join('\n            ')}`);
}

test('wss tunnel behind client certificates: outcomes and access logs agree with lighttpd 1.4.69', { timeout: 120_000 }, async (t) => {
  const tally: Tally = { agree: 0, total: 0, logAgree: 0, logTotal: 0, diffs: [] };
  for (const s of scenarios()) await runScenario(t, s, tally);
  console.log(`wss client certificate differential: ${tally.agree} of ${tally.total} outcomes agree, ${tally.logAgree} of ${tally.logTotal} access log lines agree`);
  assert.equal(tally.diffs.length, 0, tally.diffs.join('\n'));
  assert.ok(tally.logTotal >= 20, `lighttpd wrote ${tally.logTotal} lines`);
});
