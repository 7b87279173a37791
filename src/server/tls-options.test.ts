// Which listeners speak TLS, with which ssl.* settings (http-core.md §12.2): global values inherited
// by socket blocks, global ssl.engine making the default port 443, a socket block naming the main
// listener configuring it, the TLS protocol defaults and conf commands, and the SNI rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DiagnosticList } from '../diagnostics.js';
import { loadConfig } from '../config/load.js';
import { readServerConf, type ListenSpec } from './server-config.js';
import { LIGHTTPD_CIPHER_LIST, tlsProtocol } from './tls-protocol.js';
import { NO_TLS } from './tls-options.js';
import { sniMatches, sniRules } from './tls-sni.js';

function listeners(text: string): readonly ListenSpec[] {
  const r = loadConfig({ file: '-', stdinText: text, cwd: '/', env: {}, pid: 1 });
  if (!r.tree) throw new Error('config did not load');
  const diags = new DiagnosticList();
  const conf = readServerConf(r.tree, diags);
  assert.deepEqual(diags.items, []);
  return conf.listeners;
}

test("Debian's layout: global ssl.pemfile, ssl.engine only in the :443 socket block", () => {
  const l = listeners('ssl.pemfile = "/etc/ssl/site.pem"\n$SERVER["socket"] == ":443" { ssl.engine = "enable" }\n');
  assert.equal(l.length, 2);
  assert.equal(l[0]?.port, 80);
  assert.equal(l[0]?.tls.engine, false);
  assert.equal(l[1]?.port, 443);
  assert.equal(l[1]?.tls.engine, true);
  assert.equal(l[1]?.tls.pemfile, '/etc/ssl/site.pem');
});

test('a socket block overrides the global ssl.* values it sets and keeps the others', () => {
  const l = listeners('ssl.pemfile = "/a.pem"\nssl.ca-file = "/ca.pem"\n$SERVER["socket"] == ":8443" { ssl.engine = "enable"\nssl.pemfile = "/b.pem"\nssl.privkey = "/b.key" }\n');
  assert.deepEqual(
    { ...l[1]?.tls },
    { ...NO_TLS, engine: true, pemfile: '/b.pem', privkey: '/b.key', caFile: '/ca.pem' },
  );
});

test('global ssl.engine: the main listener is TLS and its default port is 443; a socket block can turn TLS off', () => {
  const l = listeners('ssl.engine = "enable"\nssl.pemfile = "/a.pem"\n$SERVER["socket"] == ":8080" { ssl.engine = "disable" }\n');
  assert.equal(l[0]?.port, 443);
  assert.equal(l[0]?.tls.engine, true);
  assert.equal(l[1]?.tls.engine, false);
});

test('a socket block naming the main listener configures its TLS', () => {
  const l = listeners('server.port = 443\nssl.pemfile = "/a.pem"\n$SERVER["socket"] == ":443" { ssl.engine = "enable" }\n');
  assert.equal(l.length, 1);
  assert.equal(l[0]?.tls.engine, true);
  assert.equal(l[0]?.tls.pemfile, '/a.pem');
});

test('protocol defaults: TLS 1.2 minimum, 1.3 maximum, lighttpd cipher string, no server preference', () => {
  const r = tlsProtocol('', []);
  assert.deepEqual(r.warnings, []);
  assert.equal(r.protocol.minVersion, 'TLSv1.2');
  assert.equal(r.protocol.maxVersion, 'TLSv1.3');
  assert.equal(r.protocol.cipherList, LIGHTTPD_CIPHER_LIST);
  assert.equal(r.protocol.serverPreference, false);
});

test('ssl.cipher-list: used, deprecated (warned), server preference on; conf commands mapped, unknown ones warned', () => {
  const r = tlsProtocol('HIGH', [
    ['MinProtocol', 'TLSv1.3'],
    ['MaxProtocol', 'None'],
    ['Ciphersuites', 'TLS_AES_128_GCM_SHA256'],
    ['Groups', 'X25519:P-256'],
    ['Options', '-ServerPreference'],
    ['VerifyMode', 'Peer'],
  ]);
  assert.equal(r.protocol.cipherList, 'HIGH');
  assert.equal(r.protocol.minVersion, 'TLSv1.3');
  assert.equal(r.protocol.maxVersion, 'TLSv1.3');
  assert.equal(r.protocol.cipherSuites, 'TLS_AES_128_GCM_SHA256');
  assert.equal(r.protocol.groups, 'X25519:P-256');
  assert.equal(r.protocol.serverPreference, false);
  assert.match(r.warnings[0] ?? '', /^ssl\.cipher-list is deprecated/);
  assert.match(r.warnings[1] ?? '', /VerifyMode is not supported by tswstunnel/);
  assert.deepEqual(tlsProtocol('', [['MinProtocol', 'TLSv9']]).errors, ['SSL: SSL_CONF_cmd MinProtocol TLSv9: unknown protocol version']);
});

test('SNI rules: $HTTP["host"] blocks (also inside this socket\'s block) select; other sockets\', else chains and other conditions do not', () => {
  const text = `ssl.engine = "enable"
ssl.pemfile = "/main.pem"
$HTTP["host"] == "a.test" { ssl.pemfile = "/a.pem" }
$SERVER["socket"] == ":8443" { ssl.engine = "enable"
  $HTTP["host"] == "b.test" { ssl.pemfile = "/b.pem" } }
$HTTP["host"] == "c.test" { ssl.ca-file = "/c-ca.pem" } else $HTTP["host"] == "d.test" { ssl.pemfile = "/d.pem" }
$HTTP["url"] =^ "/x" { $HTTP["host"] == "e.test" { ssl.pemfile = "/e.pem" } }
`;
  const r = loadConfig({ file: '-', stdinText: text, cwd: '/', env: {}, pid: 1 });
  if (!r.tree) throw new Error('config did not load');
  const diags = new DiagnosticList();
  const l = readServerConf(r.tree, diags).listeners;
  const main = l[0];
  const other = l[1];
  assert.ok(main && other);
  const pick = (rules: ReturnType<typeof sniRules>, name: string): string[] => rules.filter((x) => sniMatches(x, name)).map((x) => `${x.settings.pemfile} ${x.settings.caFile}`);
  const onMain = sniRules(r.tree, main.token, main.tls, diags);
  const onOther = sniRules(r.tree, other.token, other.tls, diags);
  assert.deepEqual(pick(onMain, 'a.test'), ['/a.pem ']);
  assert.deepEqual(pick(onMain, 'b.test'), []);
  assert.deepEqual(pick(onOther, 'b.test'), ['/b.pem ']);
  assert.deepEqual(pick(onMain, 'c.test'), ['/main.pem /c-ca.pem']);
  assert.deepEqual(pick(onMain, 'd.test'), []);
  assert.deepEqual(pick(onMain, 'e.test'), []);
  assert.deepEqual(diags.items, []);
});

test('client certificate keys: defaults, ssl.verifyclient.* aliases, socket inheritance, depth limited to 255', () => {
  const l = listeners(`ssl.engine = "enable"
ssl.pemfile = "/a.pem"
ssl.verifyclient.ca-file = "/ca.pem"
ssl.ca-dn-file = "/dn.pem"
ssl.verifyclient.activate = "enable"
$SERVER["socket"] == ":8443" { ssl.engine = "enable"
  ssl.verifyclient.enforce = "disable"
  ssl.verifyclient.depth = 300 }
`);
  const [main, other] = [l[0]?.tls, l[1]?.tls];
  assert.deepEqual(
    [main?.caFile, main?.caDnFile, main?.verifyActivate, main?.verifyEnforce, main?.verifyDepth],
    ['/ca.pem', '/dn.pem', true, true, 9],
  );
  assert.deepEqual([other?.caFile, other?.verifyActivate, other?.verifyEnforce, other?.verifyDepth], ['/ca.pem', true, false, 255]);
  assert.deepEqual([NO_TLS.verifyActivate, NO_TLS.verifyEnforce, NO_TLS.verifyDepth], [false, true, 9]);
});

test("CRL files as lighttpd applies them: with the block's CA file, the global one for every CA file, ignored alone", () => {
  const l = listeners(`ssl.pemfile = "/a.pem"
ssl.ca-crl-file = "/global.crl"
$SERVER["socket"] == ":1" { ssl.engine = "enable"
  ssl.ca-file = "/one.pem" }
$SERVER["socket"] == ":2" { ssl.engine = "enable"
  ssl.ca-file = "/two.pem"
  ssl.verifyclient.ca-crl-file = "/two.crl" }
$SERVER["socket"] == ":3" { ssl.engine = "enable"
  ssl.ca-crl-file = "/alone.crl" }
`);
  assert.deepEqual(
    l.slice(1).map((x) => [x.tls.caFile, x.tls.caCrlFile]),
    [
      ['/one.pem', '/global.crl'],
      ['/two.pem', '/two.crl'],
      ['', '/global.crl'],
    ],
  );
});
