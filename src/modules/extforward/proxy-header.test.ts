import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readProxyHeader, type ProxyHeader } from './proxy-header.js';
import { proxyV1, proxyV2, sslTlv, tlv } from '../../../test/helpers/proxy-header.js';

function read(b: Buffer | string): ProxyHeader {
  const buf = typeof b === 'string' ? Buffer.from(b, 'latin1') : b;
  return readProxyHeader(buf, buf.length);
}

function client(b: Buffer | string): { addr: string; port: number; used: number; https: boolean; verified: boolean; env: Record<string, string> } | string {
  const h = read(b);
  if (h.kind !== 'proxy') return h.kind;
  return { addr: h.client.addr, port: h.client.port, used: h.used, https: h.client.https, verified: h.client.clientVerified, env: Object.fromEntries(h.client.env) };
}

const REQ = 'GET / HTTP/1.0\r\n\r\n';

test('v1: TCP4 and TCP6 give the source address (inet_ntop form) and port; used = the line with CR LF', () => {
  const line = 'PROXY TCP4 203.0.113.9 127.0.0.1 5555 80\r\n';
  assert.deepEqual(client(line + REQ), { addr: '203.0.113.9', port: 5555, used: line.length, https: false, verified: false, env: {} });
  const six = client(proxyV1('TCP6 2001:DB8:0:0::1 ::1 65535 443'));
  assert.equal(typeof six === 'object' && six.addr, '2001:db8::1');
  assert.equal(typeof six === 'object' && six.port, 65535);
  assert.equal(typeof six === 'object' && six.addr, '2001:db8::1');
  const mapped = client(proxyV1('TCP6 ::ffff:1.2.3.4 ::1 1 2'));
  assert.equal(typeof mapped === 'object' && mapped.addr, '::ffff:1.2.3.4');
});

test('v1: UNKNOWN keeps the peer, with or without addresses', () => {
  assert.deepEqual(read('PROXY UNKNOWN\r\n' + REQ), { kind: 'local', used: 15 });
  assert.equal(read('PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n').kind, 'local');
  assert.equal(read('PROXY UNKNOWNX\r\n').kind, 'refused');
});

test('v1: lines that frame but do not read are refused (closed without a log line)', () => {
  for (const bad of [
    'PROXY  TCP4 1.2.3.4 5.6.7.8 1 2',
    'PROXYTCP4 1.2.3.4 5.6.7.8 1 2',
    'PROXY TCP5 1.2.3.4 5.6.7.8 1 2',
    'PROXY TCP4 1.2.3.4 5.6.7.8 1',
    'PROXY TCP4 1.2.3.4 5.6.7.8 0 2',
    'PROXY TCP4 1.2.3.4 5.6.7.8 1 0',
    'PROXY TCP4 1.2.3.4 5.6.7.8 123456 2',
    'PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3',
    'PROXY TCP4 1.2.3.4 5.6.7.8 1x 2',
    'PROXY TCP4 01.2.3.4 5.6.7.8 1 2',
    'PROXY TCP4 2001:db8::1 5.6.7.8 1 2',
    'PROXY TCP6 1.2.3.4 ::1 1 2',
    'PROXY TCP6 fe80::1%eth0 ::1 1 2',
    'PROXY TCP4 host.example 5.6.7.8 1 2',
    'PROXY TCP4 1.2.3.4\0 5.6.7.8 1 2',
  ]) {
    assert.equal(read(`${bad}\r\n${REQ}`).kind, 'refused', bad);
  }
  // the destination is not checked; a port past 65535 wraps as in lighttpd
  const wrapped = client('PROXY TCP4 1.2.3.4 anything 65536 2\r\n');
  assert.equal(typeof wrapped === 'object' && wrapped.port, 0);
});

test('framing: not a header, a header cut short, a bare LF, EOF, too long → invalid', () => {
  assert.equal(read(REQ).kind, 'invalid');
  assert.equal(read('PROXY TCP4 203.0.').kind, 'invalid');
  assert.equal(read('PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n').kind, 'invalid');
  // lighttpd takes the first CR LF anywhere: the request line's, then the "line" does not read
  assert.equal(read('PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n' + REQ).kind, 'refused');
  assert.equal(read('PROXY\r\n').kind, 'invalid'); // fewer than 8 bytes
  assert.equal(read('PROX').kind, 'invalid');
  assert.equal(read('').kind, 'invalid');
  // CR LF must be inside the first 256 bytes
  assert.equal(read(`PROXY UNKNOWN ${'x'.repeat(241)}\r\n`).kind, 'invalid');
  assert.equal(read(`PROXY UNKNOWN ${'x'.repeat(240)}\r\n`).kind, 'local');
  // v2 cut short, over 256 bytes, other versions and commands
  const v2 = proxyV2({});
  assert.equal(read(v2.subarray(0, v2.length - 1)).kind, 'invalid');
  assert.equal(read(v2.subarray(0, 15)).kind, 'invalid');
  assert.equal(read(proxyV2({ tlvs: [tlv(0x04, Buffer.alloc(226))] })).kind, 'invalid');
  assert.equal(read(proxyV2({ tlvs: [tlv(0x04, Buffer.alloc(225))] })).kind, 'proxy');
  assert.equal(read(proxyV2({ version: 1 })).kind, 'invalid');
  assert.equal(read(proxyV2({ command: 2 })).kind, 'invalid');
});

test('v2: TCP over IPv4 / IPv6, unix; LOCAL and other families keep the peer', () => {
  const v4 = proxyV2({ src: '198.51.100.7', srcPort: 40000 });
  assert.deepEqual(client(Buffer.concat([v4, Buffer.from(REQ)])), { addr: '198.51.100.7', port: 40000, used: 28, https: false, verified: false, env: {} });
  const v6 = client(proxyV2({ family: 0x21, src: '2001:db8:0:0:1::1', dst: '::1', srcPort: 1 }));
  assert.equal(typeof v6 === 'object' && v6.addr, '2001:db8::1:0:0:1');
  const unix = client(proxyV2({ family: 0x31, src: '/run/haproxy.sock' }));
  assert.equal(typeof unix === 'object' && unix.addr, '/run/haproxy.sock');
  assert.deepEqual(read(proxyV2({ command: 0 })), { kind: 'local', used: 28 });
  assert.equal(read(proxyV2({ family: 0x00 })).kind, 'local');
  assert.equal(read(proxyV2({ family: 0x12, address: Buffer.alloc(12) })).kind, 'local');
  // an address block shorter than the family's: the rest comes from the bytes after the header, as in lighttpd
  assert.equal(read(proxyV2({ family: 0x11, address: Buffer.alloc(11) })).kind, 'refused');
  const short = Buffer.concat([proxyV2({ family: 0x11, address: Buffer.from([198, 51, 100, 3]) }), Buffer.from(REQ)]);
  assert.deepEqual(client(short), { addr: '198.51.100.3', port: 0x2f20 /* "/ " of the request line */, used: 20, https: false, verified: false, env: {} });
  assert.equal(read(proxyV2({ family: 0x31, address: Buffer.alloc(216, 0x41) })).kind, 'refused');
});

test('v2 TLVs: SSL (https, verified client, sub-TLVs), unique id; others skipped; a TLV longer than the rest ends the list', () => {
  // a zero-length sub-TLV of type 0 first: lighttpd's "verify == 0" looks at its bytes (see below)
  const ssl = sslTlv(0x01 | 0x02, 0, [tlv(0x00, ''), tlv(0x21, 'TLSv1.3'), tlv(0x22, 'alice'), tlv(0x23, 'TLS_AES_128_GCM_SHA256'), tlv(0x24, 'SHA256'), tlv(0x25, 'EC256'), tlv(0x26, 'ignored')]);
  const got = client(proxyV2({ tlvs: [tlv(0x04, 'noop'), tlv(0x05, 'id-1'), ssl] }));
  assert.deepEqual(got, {
    addr: '203.0.113.9',
    port: 4711,
    used: 16 + 12 + 7 + 7 + ssl.length,
    https: true,
    verified: true,
    env: { PP2_UNIQUE_ID: 'id-1', SSL_PROTOCOL: 'TLSv1.3', SSL_CLIENT_S_DN_CN: 'alice', SSL_CIPHER: 'TLS_AES_128_GCM_SHA256', SSL_SERVER_A_SIG: 'SHA256', SSL_SERVER_A_KEY: 'EC256' },
  });
  // lighttpd tests bytes 4–7 of the value (its struct is not packed): the verify result's last byte and
  // the first sub-TLV's type and length; a real first sub-TLV makes it "not verified"
  const real = client(proxyV2({ tlvs: [sslTlv(0x01 | 0x02, 0, [tlv(0x22, 'alice')])] }));
  assert.deepEqual(typeof real === 'object' && [real.verified, real.env], [false, { SSL_CLIENT_S_DN_CN: 'alice' }]);
  const lastByte = client(proxyV2({ tlvs: [sslTlv(0x01 | 0x04, 1, [tlv(0x00, '')])] }));
  assert.equal(typeof lastByte === 'object' && lastByte.verified, false);
  const highBytes = client(proxyV2({ tlvs: [sslTlv(0x01 | 0x04, 0x01000000, [tlv(0x00, '')])] }));
  assert.equal(typeof highBytes === 'object' && highBytes.verified, true);
  // no certificate: not verified; no client bit: not https; bytes past the read count as non-zero
  const noCert = client(proxyV2({ tlvs: [sslTlv(0x01, 0, [tlv(0x00, '')])] }));
  assert.equal(typeof noCert === 'object' && noCert.verified, false);
  const plain = client(proxyV2({ tlvs: [sslTlv(0x02, 0, [tlv(0x00, '')])] }));
  assert.deepEqual(typeof plain === 'object' && [plain.https, plain.verified], [false, true]);
  const cutOff = client(proxyV2({ tlvs: [sslTlv(0x02, 0)] }));
  assert.equal(typeof cutOff === 'object' && cutOff.verified, false);
  // a short SSL TLV is skipped; a truncated TLV ends the list
  const short = client(proxyV2({ tlvs: [tlv(0x20, Buffer.from([1, 0, 0, 0])), tlv(0x05, 'x')] }));
  assert.deepEqual(typeof short === 'object' && [short.https, short.env], [false, { PP2_UNIQUE_ID: 'x' }]);
  const cut = Buffer.concat([tlv(0x05, 'a'), Buffer.from([0x05, 0x00, 0x09, 0x41])]);
  const truncated = client(proxyV2({ tlvs: [cut] }));
  assert.deepEqual(typeof truncated === 'object' && truncated.env, { PP2_UNIQUE_ID: 'a' });
});

test('only the first n bytes count', () => {
  const buf = Buffer.from('PROXY UNKNOWN\r\n' + REQ);
  assert.equal(readProxyHeader(buf, 10).kind, 'invalid');
  assert.equal(readProxyHeader(buf, 15).kind, 'local');
});
