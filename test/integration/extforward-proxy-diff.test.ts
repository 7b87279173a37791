/**
 * mod_extforward with mod_proxy, against the real lighttpd 1.4.69: the same requests through both servers
 * to one recording backend; the forwarding headers the backend receives (`X-Forwarded-For`, `Forwarded`,
 * `X-Forwarded-Proto`, `X-Forwarded-Host`) must agree. With mod_extforward loaded, lighttpd appends the
 * *connecting* proxy's address (not the forwarded client) and names it quoted in `Forwarded: for=`.
 * With `extforward.hap-PROXY` the PROXY header's client is the connection's address: the backend hears of it.
 * Also: configs lighttpd refuses to start with are refused by tswstunnel.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startLighttpd } from '../helpers/lighttpd.js';
import { rawRequest } from '../helpers/raw-http.js';
import { startTestServer } from '../helpers/server.js';
import { rawHeader, startHttpBackend, type Recorded } from '../helpers/proxy-backends.js';
import { proxyV1, proxyV2, sslTlv } from '../helpers/proxy-header.js';

const HEADERS = ['x-forwarded-for', 'forwarded', 'x-forwarded-proto', 'x-forwarded-host', 'x-host'] as const;

const REQUESTS: readonly (readonly string[])[] = [
  [],
  ['X-Forwarded-For: 1.2.3.4'],
  ['X-Forwarded-For: 5.6.7.8, 1.2.3.4', 'X-Forwarded-Proto: https'],
  ['X-Forwarded-For: 2001:db8::9'],
  ['X-Forwarded-For: garbage'],
  ['Forwarded: for=1.2.3.4;proto=https'],
  ['Forwarded: for=1.2.3.4;proto=https;host=other.example'],
  ['Forwarded: for="[2001:db8::3]";proto=http, for=10.1.1.1;proto=https'],
  ['Forwarded: for=1.2.3.4;proto=https', 'X-Forwarded-For: 7.7.7.7'],
];

function view(rec: Recorded | undefined): string {
  if (rec === undefined) return '(backend saw nothing)';
  return HEADERS.map((h) => `${h}: ${rawHeader(rec, h) ?? '-'}`).join(' | ');
}

test('mod_extforward + mod_proxy: what the backend receives agrees with lighttpd 1.4.69', { timeout: 60_000 }, async (t) => {
  const backend = await startHttpBackend();
  t.after(() => backend.close());
  const conf = `server.modules = ( "mod_extforward", "mod_proxy" )
server.document-root = "@DIR@"
extforward.forwarder = ( "127.0.0.1" => "trust", "10.0.0.0/8" => "trust" )
extforward.headers = ( "Forwarded", "X-Forwarded-For" )
proxy.server = ( "" => (( "host" => "127.0.0.1", "port" => ${backend.port} )) )
$HTTP["url"] =^ "/fw/" { proxy.forwarded = ( "for" => 1, "proto" => 1, "host" => 1 ) }
`;
  const ours = await startTestServer(t, conf);
  const oracle = await startLighttpd(t, `server.port = @PORT@\nserver.bind = "127.0.0.1"\n${conf}`, { dir: ours.dir });
  const diffs: string[] = [];
  let agree = 0;
  for (const headers of REQUESTS) {
    for (const path of ['/plain', '/fw/x']) {
      const text = [`GET ${path} HTTP/1.1`, 'Host: front.example', ...headers, 'Connection: close', '', ''].join('\r\n');
      await rawRequest(oracle.port, text, { expect: 1 });
      const want = view(backend.requests.at(-1));
      await rawRequest(ours.port, text, { expect: 1 });
      const got = view(backend.requests.at(-1));
      if (want === got) agree++;
      else diffs.push(`${path} ${headers.join(' | ')}\n  lighttpd:   ${want}\n  tswstunnel: ${got}`);
    }
  }
  console.log(`mod_extforward + mod_proxy: ${agree}/${REQUESTS.length * 2} backend views agree`);
  assert.equal(backend.requests.length, REQUESTS.length * 4);
  assert.deepEqual(diffs, []);
  // the view really shows the forwarding: the proxy's own address is appended after the client's
  assert.match(view(backend.requests.at(-3)), /x-forwarded-for: 7\.7\.7\.7, 127\.0\.0\.1/);
});

/** hap-PROXY connections: the PROXY header's client (and, after it, forwarding headers it is trusted for). */
const HAP_REQUESTS: readonly (readonly [Buffer, readonly string[]])[] = [
  [proxyV1('TCP4 203.0.113.9 127.0.0.1 5555 80'), []],
  [proxyV1('TCP6 2001:db8::9 ::1 5555 80'), []],
  [proxyV1('TCP4 203.0.113.9 127.0.0.1 5555 80'), ['X-Forwarded-For: 1.2.3.4', 'X-Forwarded-Proto: https']],
  [proxyV1('TCP4 10.1.2.3 127.0.0.1 5555 80'), ['X-Forwarded-For: 1.2.3.4', 'X-Forwarded-Proto: https']],
  [proxyV1('UNKNOWN'), ['Forwarded: for=1.2.3.4;proto=https']],
  [proxyV2({ src: '198.51.100.4', tlvs: [sslTlv(0x01, 0)] }), []],
  [proxyV2({ command: 0 }), []],
];

test('hap-PROXY + mod_proxy: what the backend receives agrees with lighttpd 1.4.69', { timeout: 60_000 }, async (t) => {
  const backend = await startHttpBackend();
  t.after(() => backend.close());
  const conf = `server.modules = ( "mod_extforward", "mod_proxy" )
server.document-root = "@DIR@"
extforward.forwarder = ( "127.0.0.1" => "trust", "10.0.0.0/8" => "trust" )
extforward.hap-PROXY = "enable"
proxy.server = ( "" => (( "host" => "127.0.0.1", "port" => ${backend.port} )) )
$HTTP["url"] =^ "/fw/" { proxy.forwarded = ( "for" => 1, "proto" => 1, "host" => 1 ) }
`;
  const ours = await startTestServer(t, conf);
  const oracle = await startLighttpd(t, `server.port = @PORT@\nserver.bind = "127.0.0.1"\n${conf}`, { dir: ours.dir });
  const diffs: string[] = [];
  let agree = 0;
  for (const [preface, headers] of HAP_REQUESTS) {
    for (const path of ['/plain', '/fw/x']) {
      const text = [`GET ${path} HTTP/1.1`, 'Host: front.example', ...headers, 'Connection: close', '', ''].join('\r\n');
      await rawRequest(oracle.port, text, { expect: 1, preface });
      const want = view(backend.requests.at(-1));
      await rawRequest(ours.port, text, { expect: 1, preface });
      const got = view(backend.requests.at(-1));
      if (want === got) agree++;
      else diffs.push(`${path} ${preface.toString('latin1', 0, 12)} ${headers.join(' | ')}\n  lighttpd:   ${want}\n  tswstunnel: ${got}`);
    }
  }
  console.log(`hap-PROXY + mod_proxy: ${agree}/${HAP_REQUESTS.length * 2} backend views agree`);
  assert.equal(backend.requests.length, HAP_REQUESTS.length * 4);
  assert.deepEqual(diffs, []);
  // the backend hears of the header's client, not of the connecting proxy
  assert.match(view(backend.requests[0]), /x-forwarded-for: 203\.0\.113\.9 \|/);
});

const REFUSED: readonly [string, RegExp][] = [
  ['extforward.forwarder = ( "10.0.0.0/x" => "trust" )', /invalid netmask: 10\.0\.0\.0\/x x/],
  ['extforward.forwarder = ( "10.0.0.0/0" => "trust" )', /invalid netmask/],
  ['extforward.forwarder = ( "nohost/8" => "trust" )', /could not parse ip address nohost/],
  ['extforward.params = ( "for" => 1 )', /extforward\.params keys must be one of: host, remote_user, but not: for/],
  ['extforward.params = ( "host" => "maybe" )', /extforward\.params values must be one of: 0, 1, enable, disable; error for key: host/],
];

for (const [line, message] of REFUSED) {
  test(`mod_extforward refuses to start, as lighttpd does: ${line}`, async (t) => {
    const conf = `server.modules = ( "mod_extforward" )\nserver.document-root = "@DIR@"\n${line}\n`;
    await assert.rejects(startTestServer(t, conf), message);
    await assert.rejects(startLighttpd(t, `server.port = @PORT@\nserver.bind = "127.0.0.1"\n${conf}`, { timeoutMs: 3000 }), /exited at startup/);
  });
}

test('mod_extforward logs the entries it treats as untrusted, and runs', async (t) => {
  const s = await startTestServer(t, 'server.modules = ( "mod_extforward" )\nextforward.forwarder = ( "10.1.1.1" => "maybe", "10.0.0.0/8" => "no", "10.2.2.2" => "untrusted" )\n');
  assert.match(s.stderr(), /ERROR: expect "trust", not "10\.1\.1\.1" => "maybe"; treating as untrusted/);
  assert.match(s.stderr(), /ERROR: untrusted CIDR masks are ignored \("10\.0\.0\.0\/8" => "no"\)/);
  assert.doesNotMatch(s.stderr(), /10\.2\.2\.2/);
  const r = await rawRequest(s.port, 'GET /x HTTP/1.0\r\nX-Forwarded-For: 1.2.3.4\r\n\r\n');
  assert.equal(r.responses[0]?.status, 404);
});
