/**
 * Configs and requests of the `extforward.hap-PROXY` differential test
 * (test/integration/extforward-hap-diff.test.ts): each request starts with a PROXY protocol header (or
 * something that is not one) in a write of its own. The address the server settled on shows in the answer
 * as with the mod_extforward probes (`$HTTP["remote-ip"] =~ "^(.*)$"` redirects `/echo` to `/ip/%1`,
 * CIDR / equality blocks add headers, `$HTTP["scheme"] == "https"` turns the redirect into a 308) and in
 * the access log (`%h %a %{remote}p %u %{SSL_CLIENT_VERIFY}e`). A connection closed without an answer
 * reads `(no response)`.
 */
import { proxyV1, proxyV2, sslTlv, tlv } from './proxy-header.js';

/** One connection: `preface` then `request` (several requests pipelined when `responses` > 1). */
export interface HapCase {
  readonly name: string;
  readonly preface?: Buffer;
  readonly request: string;
  readonly responses?: number;
  /** Send to the second listener (`@SOCKET2@`). */
  readonly second?: boolean;
  /** TLS after the preface. */
  readonly tls?: boolean;
}

/** A config with its connections; `@SOCKET2@` is a second listener (`127.0.0.1:<port>`), `@DIR@` as usual. */
export interface HapScenario {
  readonly name: string;
  readonly config: string;
  readonly cases: readonly HapCase[];
  /** The config needs a certificate: `@PEM@` is its file. */
  readonly tls?: boolean;
}

function req(target = '/echo', headers: readonly string[] = [], close = true): string {
  return [`GET ${target} HTTP/1.1`, 'Host: localhost', ...headers, ...(close ? ['Connection: close'] : []), '', ''].join('\r\n');
}

const PROBES = `
server.tag = "T"
accesslog.filename = "@DIR@/access-@NAME@.log"
accesslog.format = "%h %a %{remote}p %u %{SSL_CLIENT_VERIFY}e %>s"
$HTTP["remote-ip"] =~ "^(.*)$" { url.redirect = ( "^/echo" => "/ip/%1" ) }
$HTTP["remote-ip"] == "203.0.113.0/24" { setenv.add-response-header = ( "X-Net" => "203.0.113.0/24" ) }
$HTTP["remote-ip"] == "2001:db8::/32" { setenv.add-response-header = ( "X-Net" => "2001:db8::/32" ) }
$HTTP["remote-ip"] == "127.0.0.1" { setenv.set-response-header = ( "X-Peer" => "loopback" ) }
$HTTP["host"] =~ "^[a-z]+:443$" { setenv.add-response-header = ( "X-Host" => "with-port" ) }
$HTTP["scheme"] == "https" { url.redirect-code = 308 }
`;

const MODULES = 'server.modules = ( "mod_extforward", "mod_redirect", "mod_setenv", "mod_accesslog" )';

const V1 = (rest: string): HapCase => ({ name: `v1 ${rest}`, preface: proxyV1(rest), request: req() });

/** Global hap-PROXY, the loopback peer trusted. */
const GLOBAL: HapScenario = {
  name: 'global',
  config: `${MODULES}
extforward.forwarder = ( "127.0.0.1" => "trust" )
extforward.hap-PROXY = "enable"
${PROBES}`,
  cases: [
    V1('TCP4 203.0.113.9 127.0.0.1 5555 80'),
    V1('TCP4 198.51.100.1 10.0.0.1 65535 443'),
    V1('TCP6 2001:DB8:0:0::1 ::1 4711 80'),
    V1('TCP6 ::ffff:203.0.113.7 ::1 4711 80'),
    V1('TCP6 ::1 ::1 4711 80'),
    V1('UNKNOWN'),
    V1('UNKNOWN 2001:db8::1 ::1 1 2'),
    V1('TCP4 203.0.113.9 not-checked 5555 80'),
    V1('TCP4 203.0.113.9 127.0.0.1 65536 80'),
    V1('TCP4 203.0.113.9 127.0.0.1 0 80'),
    V1('TCP4 203.0.113.09 127.0.0.1 5555 80'),
    V1('TCP4 2001:db8::1 127.0.0.1 5555 80'),
    V1('TCP6 203.0.113.9 ::1 5555 80'),
    V1('TCP5 203.0.113.9 127.0.0.1 5555 80'),
    V1('TCP4 203.0.113.9 127.0.0.1 5555'),
    V1('TCP4 203.0.113.9 127.0.0.1 5555 80 extra'),
    V1(' TCP4 203.0.113.9 127.0.0.1 5555 80'),
    { name: 'v1 header and request in one write', request: `PROXY TCP4 203.0.113.10 127.0.0.1 1 2\r\n${req()}` },
    { name: 'v1 bare LF alone', preface: Buffer.from('PROXY TCP4 203.0.113.9 127.0.0.1 5555 80\n'), request: '' },
    { name: 'v1 bare LF, the request in the same write (its CR LF ends the "line")', request: `PROXY TCP4 203.0.113.9 127.0.0.1 5555 80\n${req()}` },
    { name: 'v2 address block shorter than TCP4\'s, the request in the same write', request: Buffer.concat([proxyV2({ address: Buffer.from([198, 51, 100, 3]) }), Buffer.from(req())]).toString('latin1') },
    { name: 'v1 cut by the first segment (the rest never comes)', preface: Buffer.from('PROXY TCP4 203.0.'), request: '' },
    { name: 'v1 line too long', preface: proxyV1(`UNKNOWN ${'x'.repeat(250)}`), request: req() },
    { name: 'v1 longest line', preface: proxyV1(`UNKNOWN ${'x'.repeat(232)}`), request: req() },
    { name: 'no header: a plain request', request: req() },
    { name: 'no header: a TLS-looking start', preface: Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5]), request: '' },
    { name: 'v2 TCP4', preface: proxyV2({ src: '203.0.113.20', srcPort: 40000 }), request: req() },
    { name: 'v2 TCP6', preface: proxyV2({ family: 0x21, src: '2001:db8:0:0:1::1', dst: '::1' }), request: req() },
    { name: 'v2 LOCAL (with a TLV)', preface: proxyV2({ command: 0, tlvs: [sslTlv(1, 0)] }), request: req() },
    { name: 'v2 UNSPEC', preface: proxyV2({ family: 0x00 }), request: req() },
    { name: 'v2 UDP4', preface: proxyV2({ family: 0x12, address: Buffer.alloc(12, 9) }), request: req() },
    { name: 'v2 unix', preface: proxyV2({ family: 0x31, src: '/run/haproxy-client.sock' }), request: req() },
    { name: 'v2 SSL TLV: https', preface: proxyV2({ tlvs: [sslTlv(0x01, 0, [tlv(0x21, 'TLSv1.3')])] }), request: req() },
    { name: 'v2 SSL TLV: https, Host with :443', preface: proxyV2({ tlvs: [sslTlv(0x01, 0)] }), request: [`GET /other HTTP/1.1`, 'Host: localhost:443', 'Connection: close', '', ''].join('\r\n') },
    { name: 'v1 Host with :443 stays', preface: proxyV1('TCP4 203.0.113.9 127.0.0.1 5555 80'), request: [`GET /other HTTP/1.1`, 'Host: localhost:443', 'Connection: close', '', ''].join('\r\n') },
    { name: 'v2 SSL TLV without the client bit', preface: proxyV2({ tlvs: [sslTlv(0x02, 0)] }), request: req() },
    { name: 'v2 unique id and noop TLVs', preface: proxyV2({ tlvs: [tlv(0x04, 'x'), tlv(0x05, 'id-7')] }), request: req() },
    { name: 'v2 truncated TLV', preface: proxyV2({ tlvs: [Buffer.from([0x20, 0x00, 0x09, 0x01])] }), request: req() },
    { name: 'v2 longest header (256 bytes)', preface: proxyV2({ tlvs: [tlv(0x04, Buffer.alloc(225))] }), request: req() },
    { name: 'v2 header over 256 bytes', preface: proxyV2({ tlvs: [tlv(0x04, Buffer.alloc(226))] }), request: req() },
    { name: 'v2 cut short', preface: proxyV2({}).subarray(0, 20), request: '' },
    { name: 'v2 version 1', preface: proxyV2({ version: 1 }), request: req() },
    { name: 'v2 command 2', preface: proxyV2({ command: 2 }), request: req() },
    {
      name: 'keep-alive: every request on the connection has the header\'s address',
      preface: proxyV1('TCP4 203.0.113.9 127.0.0.1 5555 80'),
      request: req('/echo', [], false) + req('/other', [], false) + req('/echo'),
      responses: 3,
    },
    { name: 'after the header, X-Forwarded-For from an untrusted client is ignored', preface: proxyV1('TCP4 203.0.113.9 127.0.0.1 5555 80'), request: req('/echo', ['X-Forwarded-For: 198.51.100.200']) },
    { name: 'after the header, X-Forwarded-For from a trusted client applies', preface: proxyV1('TCP4 127.0.0.1 127.0.0.1 5555 80'), request: req('/echo', ['X-Forwarded-For: 198.51.100.200']) },
  ],
};

/** hap-PROXY on one listener only; the forwarder list decides who must send it. */
const SOCKET: HapScenario = {
  name: 'socket',
  config: `${MODULES}
extforward.forwarder = ( "127.0.0.1" => "trust" )
$SERVER["socket"] == "@SOCKET2@" { extforward.hap-PROXY = "enable" }
${PROBES}`,
  cases: [
    { name: 'main listener: plain request', request: req() },
    { name: 'main listener: a PROXY line is no request', preface: proxyV1('TCP4 203.0.113.9 127.0.0.1 5555 80'), request: req() },
    { name: 'hap listener: v1', preface: proxyV1('TCP4 203.0.113.9 127.0.0.1 5555 80'), request: req(), second: true },
    { name: 'hap listener: plain request', request: req(), second: true },
  ],
};

/** The peer is not a trusted forwarder: no header expected. */
const UNTRUSTED: HapScenario = {
  name: 'untrusted',
  config: `${MODULES}
extforward.forwarder = ( "10.0.0.1" => "trust" )
extforward.hap-PROXY = "enable"
${PROBES}`,
  cases: [
    { name: 'plain request', request: req() },
    { name: 'a PROXY line is no request', preface: proxyV1('TCP4 203.0.113.9 127.0.0.1 5555 80'), request: req() },
    { name: 'v2 signature is no request', preface: proxyV2({}), request: req() },
  ],
};

/** What is decided at accept: remote-ip and socket blocks are; url blocks are not (unset). */
const ACCEPT: HapScenario = {
  name: 'accept-scope',
  config: `${MODULES}
extforward.forwarder = ( "127.0.0.1" => "trust" )
$HTTP["remote-ip"] == "127.0.0.0/8" { extforward.hap-PROXY = "enable" }
$SERVER["socket"] == "@SOCKET2@" {
  $HTTP["url"] =^ "/" { extforward.hap-PROXY = "disable" }
  $HTTP["remote-ip"] != "127.0.0.1" { } else { extforward.forwarder = ( "all" => "untrusted" ) }
}
${PROBES}`,
  cases: [
    { name: 'remote-ip block: header needed', preface: proxyV1('TCP4 203.0.113.9 127.0.0.1 5555 80'), request: req() },
    { name: 'remote-ip block: plain request closed', request: req() },
    { name: 'else block untrusts all at accept: plain request', request: req(), second: true },
    { name: 'else block untrusts all at accept: a PROXY line is no request', preface: proxyV1('TCP4 203.0.113.9 127.0.0.1 5555 80'), request: req(), second: true },
  ],
};

/** An https listener: the header comes before the TLS handshake (mod_openssl listed first). */
const TLS: HapScenario = {
  name: 'tls',
  tls: true,
  config: `server.modules = ( "mod_openssl", "mod_extforward", "mod_redirect", "mod_setenv", "mod_accesslog" )
ssl.pemfile = "@PEM@"
extforward.forwarder = ( "127.0.0.1" => "trust" )
$SERVER["socket"] == "@SOCKET2@" { ssl.engine = "enable" extforward.hap-PROXY = "enable" extforward.hap-PROXY-ssl-client-verify = "enable" }
${PROBES}`,
  cases: [
    { name: 'https: v1 then TLS', preface: proxyV1('TCP4 203.0.113.9 127.0.0.1 5555 443'), request: req(), second: true, tls: true },
    { name: 'https: v2 TCP6 then TLS', preface: proxyV2({ family: 0x21, src: '2001:db8::44' }), request: req(), second: true, tls: true },
    {
      name: 'https: v2 with a verified client certificate CN',
      preface: proxyV2({ tlvs: [sslTlv(0x01 | 0x02, 0, [tlv(0x22, 'alice')])] }),
      request: req('/other'),
      second: true,
      tls: true,
    },
    { name: 'https: v2 with a failed client certificate', preface: proxyV2({ tlvs: [sslTlv(0x01 | 0x02, 5, [tlv(0x22, 'mallory')])] }), request: req('/other'), second: true, tls: true },
    {
      name: 'https: v2 client certificate "verified" as lighttpd reads it (a zero sub-TLV first)',
      preface: proxyV2({ tlvs: [sslTlv(0x01 | 0x02, 0, [tlv(0x00, ''), tlv(0x22, 'alice')])] }),
      request: req('/other'),
      second: true,
      tls: true,
    },
    {
      name: 'https: keep-alive keeps the verified CN',
      preface: proxyV2({ tlvs: [sslTlv(0x01 | 0x04, 0x05000000, [tlv(0x00, ''), tlv(0x22, 'bob')])] }),
      request: req('/other', [], false) + req('/echo'),
      responses: 2,
      second: true,
      tls: true,
    },
    { name: 'https: TLS without a header', request: req(), second: true, tls: true },
    { name: 'plain listener still plain', request: req() },
  ],
};

/** mod_openssl listed after mod_extforward: lighttpd warns, and TLS reads first (no header on https). */
const TLS_LATE: HapScenario = {
  name: 'tls-order',
  tls: true,
  config: `server.modules = ( "mod_extforward", "mod_redirect", "mod_setenv", "mod_accesslog", "mod_openssl" )
ssl.pemfile = "@PEM@"
extforward.forwarder = ( "127.0.0.1" => "trust" )
extforward.hap-PROXY = "enable"
$SERVER["socket"] == "@SOCKET2@" { ssl.engine = "enable" }
${PROBES}`,
  cases: [
    { name: 'https: TLS without a header is served', request: req(), second: true, tls: true },
    { name: 'https: a header breaks the handshake', preface: proxyV1('TCP4 203.0.113.9 127.0.0.1 5555 443'), request: req(), second: true, tls: true },
    { name: 'plain listener: header needed', preface: proxyV1('TCP4 203.0.113.9 127.0.0.1 5555 80'), request: req() },
  ],
};

/** Every scenario, in order. */
export const HAP_SCENARIOS: readonly HapScenario[] = [GLOBAL, SOCKET, UNTRUSTED, ACCEPT, TLS, TLS_LATE];
