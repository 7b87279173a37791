/**
 * Differential check of client certificates (`ssl.verifyclient.*`) against the real lighttpd 1.4.69 with
 * mod_openssl: the same configs (enforced and not, a CRL, a depth limit, `ssl.ca-dn-file`, `exportcert`,
 * `username` feeding mod_auth's `extern` method, a `$SERVER["socket"]` block, an SNI `$HTTP["host"]`
 * block), the same clients (none, a good certificate, a revoked one, one from an untrusted CA, one too
 * deep) over TLS 1.3 and 1.2. Per case the outcome must agree — refused (no HTTP answer) or the same
 * status — and the access logs, which print `%u` and the SSL_* environment, must be equal line by line.
 * How a refusal looks differs by design (docs/compat.md): lighttpd sends an alert for a bad certificate,
 * tswstunnel closes the connection; the test prints those pairs.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clientCerts, type ClientCert } from '../helpers/client-certs.js';
import { freePort, startLighttpd } from '../helpers/lighttpd.js';
import { mtlsRequest } from '../helpers/mtls-client.js';
import { startTestServer } from '../helpers/server.js';
import { testCert } from '../helpers/tls-cert.js';

const FORMAT = '%h %u [%{SSL_CLIENT_VERIFY}e] [%{SSL_CLIENT_S_DN}e] [%{SSL_CLIENT_S_DN_CN}e] [%{SSL_CLIENT_S_DN_O}e] [%{SSL_CLIENT_S_DN_emailAddress}e] [%{SSL_CLIENT_M_SERIAL}e] [%{AUTH_TYPE}e] [%{SSL_PROTOCOL}e] [%{SSL_CIPHER}e] [%{SSL_CIPHER_USEKEYSIZE}e] [%{SSL_CIPHER_ALGKEYSIZE}e] [%{SSL_CLIENT_CERT}e] %s %U';

interface Scenario {
  readonly name: string;
  /** Config after the common part; `@SOCK@` is a second listener's port. */
  readonly conf: string;
  /** Whether requests go to the `@SOCK@` listener. */
  readonly onSocket?: boolean;
  readonly servernames?: readonly string[];
  readonly clients?: readonly (keyof ReturnType<typeof clientCerts>['clients'] | 'none')[];
}

function scenarios(): Scenario[] {
  const c = clientCerts();
  const server = testCert();
  const tls = `ssl.engine = "enable"\nssl.pemfile = "${server.bothFile}"\n`;
  return [
    { name: 'enforce, CRL, depth 1', conf: `${tls}ssl.verifyclient.ca-file = "${c.caFile}"\nssl.ca-crl-file = "${c.crlFile}"\nssl.verifyclient.activate = "enable"\nssl.verifyclient.depth = 1\nssl.verifyclient.username = "SSL_CLIENT_S_DN_CN"\n` },
    { name: 'not enforced, CRL, depth 1', conf: `${tls}ssl.ca-file = "${c.caFile}"\nssl.verifyclient.ca-crl-file = "${c.crlFile}"\nssl.verifyclient.activate = "enable"\nssl.verifyclient.enforce = "disable"\nssl.verifyclient.depth = 1\nssl.verifyclient.username = "SSL_CLIENT_S_DN_CN"\n` },
    { name: 'ca-dn-file, exportcert, username from emailAddress', conf: `${tls}ssl.verifyclient.ca-file = "${c.caFile}"\nssl.verifyclient.ca-dn-file = "${c.intermediateFile}"\nssl.verifyclient.activate = "enable"\nssl.verifyclient.enforce = "disable"\nssl.verifyclient.exportcert = "enable"\nssl.verifyclient.username = "SSL_CLIENT_S_DN_emailAddress"\n` },
    { name: 'mod_auth extern', conf: `server.modules += ("mod_auth")\n${tls}ssl.ca-file = "${c.caFile}"\nssl.verifyclient.activate = "enable"\nssl.verifyclient.enforce = "disable"\nssl.verifyclient.username = "SSL_CLIENT_S_DN_CN"\nauth.require = ( "/" => ( "method" => "extern", "realm" => "r", "require" => "user=alice" ) )\n` },
    { name: '$SERVER["socket"] block', onSocket: true, conf: `$SERVER["socket"] == "127.0.0.1:@SOCK@" {\n${tls}ssl.ca-file = "${c.caFile}"\nssl.verifyclient.activate = "enable"\nssl.verifyclient.enforce = "disable"\nssl.verifyclient.username = "SSL_CLIENT_S_DN_CN"\n}\n` },
    {
      name: 'SNI $HTTP["host"] block',
      servernames: ['secure.test', 'localhost'],
      clients: ['none', 'alice', 'mallory'],
      conf: `${tls}$HTTP["host"] == "secure.test" {\nssl.verifyclient.ca-file = "${c.caFile}"\nssl.verifyclient.activate = "enable"\nssl.verifyclient.username = "SSL_CLIENT_S_DN_CN"\n}\n`,
    },
  ];
}

const VERSIONS = ['TLSv1.3', 'TLSv1.2'] as const;

interface Tally {
  agree: number;
  total: number;
  logAgree: number;
  logTotal: number;
  readonly diffs: string[];
  readonly refusals: string[];
}

async function runScenario(t: TestContext, s: Scenario, tally: Tally): Promise<void> {
  const sock = await freePort();
  const common = `server.modules = ("mod_openssl", "mod_accesslog")\nmimetype.assign = ( ".html" => "text/html" )\naccesslog.format = "${FORMAT.replaceAll('"', '\\"')}"\n`;
  const body = s.conf.replaceAll('@SOCK@', String(sock));
  const ours = await startTestServer(t, `${common}accesslog.filename = "@DIR@/ours.log"\n${body}`);
  writeFileSync(join(ours.docroot, 'index.html'), 'hello\n');
  const oracleSock = await freePort();
  const oracle = await startLighttpd(t, `server.port = @PORT@\nserver.bind = "127.0.0.1"\nserver.document-root = "${ours.docroot}"\n${common}accesslog.filename = "@DIR@/lighttpd.log"\n${s.conf.replaceAll('@SOCK@', String(oracleSock))}`, { dir: ours.dir });
  const ourPort = s.onSocket ? (ours.server.listeners[1]?.port ?? 0) : ours.port;
  const theirPort = s.onSocket ? oracleSock : oracle.port;
  const certs = clientCerts().clients;
  for (const servername of s.servernames ?? ['localhost']) {
    for (const who of s.clients ?? ['none', 'alice', 'bob', 'mallory', 'carol']) {
      for (const maxVersion of VERSIONS) {
        const client: ClientCert | null = who === 'none' ? null : certs[who];
        const o = { client, maxVersion, servername };
        // one after the other: the log lines come in the same order
        const want = await mtlsRequest(theirPort, o);
        const got = await mtlsRequest(ourPort, o);
        const label = `${s.name}: ${who} ${maxVersion} ${servername}`;
        tally.total++;
        if (want.summary === got.summary) tally.agree++;
        else tally.diffs.push(`${label}\n  lighttpd: ${want.summary} ${want.how}\n  ours:     ${got.summary} ${got.how}`);
        if (want.summary === 'refused' && want.how !== got.how) tally.refusals.push(`${label}: lighttpd ${want.how}, ours ${got.how}`);
      }
    }
  }
  await oracle.stop();
  await ours.server.close();
  const lines = (f: string): string[] => readFileSync(join(ours.dir, f), 'utf8').split('\n').filter((l) => l !== '');
  const theirs = lines('lighttpd.log');
  const mine = lines('ours.log');
  tally.logTotal += theirs.length;
  tally.logAgree += theirs.filter((l, i) => l === mine[i]).length;
  assert.deepEqual(mine, theirs, `${s.name}: access logs`);
}

test('client certificates: outcomes and access logs agree with lighttpd 1.4.69 + mod_openssl', { timeout: 120_000 }, async (t) => {
  const tally: Tally = { agree: 0, total: 0, logAgree: 0, logTotal: 0, diffs: [], refusals: [] };
  for (const s of scenarios()) await runScenario(t, s, tally);
  console.log(`client certificate differential: ${tally.agree} of ${tally.total} outcomes agree, ${tally.logAgree} of ${tally.logTotal} access log lines agree`);
  console.log(`refusals that look different (alert vs close, by design):\n  ${tally.refusals.join('\n  ')}`);
  assert.equal(tally.diffs.length, 0, tally.diffs.join('\n'));
});
