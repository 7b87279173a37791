import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNumericHost, parseStrictAddr } from '../../net/numeric-host.js';
import { TrustList, type TrustMask } from './trust.js';
import { clientFromList, forwardTokens } from './xff.js';
import { readForwarded } from './forwarded.js';

function trust(exact: Record<string, boolean>, masks: [string, number][] = []): TrustList {
  const m: TrustMask[] = masks.map(([a, bits]) => ({ addr: parseNumericHost(a) ?? assert.fail(a), bits }));
  return new TrustList(new Map(Object.entries(exact)), m, 'unset');
}

test('numeric hosts: inet_aton forms for IPv4 (as glibc getaddrinfo), IPv6 text, nothing else', () => {
  assert.deepEqual(parseNumericHost('1.2.3.4'), { family: 'ipv4', address: '1.2.3.4' });
  assert.equal(parseNumericHost('1')?.address, '0.0.0.1');
  assert.equal(parseNumericHost('10.1')?.address, '10.0.0.1');
  assert.equal(parseNumericHost('10.1.258')?.address, '10.1.1.2');
  assert.equal(parseNumericHost('001.002.003.010')?.address, '1.2.3.8');
  assert.equal(parseNumericHost('0x7f.1')?.address, '127.0.0.1');
  assert.equal(parseNumericHost('0')?.address, '0.0.0.0');
  for (const bad of ['', 'e', '1.2.3.4.5', '256.1.1.1', '1.2.3.', '.1', '08', '1.2.3.4:80', ' 1.2.3.4', 'localhost']) assert.equal(parseNumericHost(bad), null, bad);
  assert.equal(parseNumericHost('2001:db8::1')?.family, 'ipv6');
  assert.equal(parseStrictAddr('10.1'), null);
  assert.equal(parseStrictAddr('10.0.0.1')?.family, 'ipv4');
});

test('trust: text lookup (case-insensitive, listed untrusted wins), masks for the rest, "all" only for the peer', () => {
  const t = trust({ '127.0.0.1': true, '10.9.9.9': false, '::ffff:a00:1': true }, [['10.0.0.0', 8], ['2001:db8::', 32]]);
  assert.equal(t.isTrusted('127.0.0.1'), true);
  assert.equal(t.isTrusted('10.9.9.9'), false); // listed as untrusted: the mask is not consulted
  assert.equal(t.isTrusted('10.2.3.4'), true);
  assert.equal(t.isTrusted('::FFFF:A00:1'), true);
  assert.equal(t.isTrusted('::ffff:10.3.3.3'), true);
  assert.equal(t.isTrusted('2001:DB8::7'), true);
  assert.equal(t.isTrusted('10.1'), false); // masks take only strict forms
  assert.equal(t.isTrusted('11.0.0.1'), false);
  const all = new TrustList(new Map([['1.1.1.1', true]]), [], 'trust');
  assert.equal(all.isConnectionTrusted('9.9.9.9'), true);
  assert.equal(all.isTrusted('9.9.9.9'), false);
  const none = new TrustList(new Map([['127.0.0.1', true]]), [], 'none');
  assert.equal(none.isConnectionTrusted('127.0.0.1'), false);
});

test('X-Forwarded-For: candidates are hex/colon/dot runs; the rightmost untrusted one is the client', () => {
  assert.deepEqual(forwardTokens('5.6.7.8, 1.2.3.4'), ['5.6.7.8', '1.2.3.4']);
  assert.deepEqual(forwardTokens('garbage'), ['a', 'ba', 'e']);
  assert.deepEqual(forwardTokens('[2001:db8::1]:443'), ['2001:db8::1', ':443']);
  assert.deepEqual(forwardTokens('fe80::1%eth0'), ['fe80::1', 'e', '0']);
  assert.deepEqual(forwardTokens('unknown'), []);
  const t = trust({ '127.0.0.1': true });
  assert.equal(clientFromList('1.2.3.4, 127.0.0.1', t), '1.2.3.4');
  assert.equal(clientFromList('127.0.0.1', t), null);
  assert.equal(clientFromList('', t), null);
});

test('Forwarded: walk from the right, last for= of an element, proto of the chosen element', () => {
  const t = trust({ '127.0.0.1': true }, [['10.0.0.0', 8]]);
  const client = (v: string): string => {
    const r = readForwarded(v, t);
    return r.kind === 'client' ? `${r.addr} ${r.proto ?? '-'}` : r.kind === 'bad' ? `400 ${r.message}` : 'none';
  };
  assert.equal(client('for=1.2.3.4'), 'none'); // lighttpd 1.4.69: a one-pair first element is never read
  assert.equal(client('for=1.2.3.4;proto=https'), '1.2.3.4 https');
  assert.equal(client('for=1.2.3.4, for=10.1.1.1'), '10.1.1.1 -');
  assert.equal(client('for=1.2.3.4;by=x, for=10.1.1.1'), '1.2.3.4 -');
  assert.equal(client('for=1.2.3.4;proto=https, for=127.0.0.1;proto=http'), '1.2.3.4 https');
  assert.equal(client('for="[2001:db8::1]:4711";proto=http, by=x'), '2001:db8::1 http');
  assert.equal(client('for="1.2.3.4:80";proto="https", by=x'), '1.2.3.4 https');
  assert.equal(client('for=unknown;proto=https, by=x'), 'none');
  assert.equal(client('for="_hidden";proto=https, by=x'), 'none');
  assert.equal(client('for=1.2.3.4;proto=https, for=_x;y=z'), 'none'); // an untrusted obfuscated hop ends the walk
  assert.equal(client('x;y;For=1.2.3.4;PROTO=HTTPS'), '1.2.3.4 HTTPS');
  assert.equal(client('for="1.2.3.4;proto=https'), '400 invalid quoted-string in Forwarded header');
  assert.equal(client('for="[]";x=y'), '400 Invalid IPv6 addr in Forwarded header');
  assert.equal(client(Array.from({ length: 63 }, (_, i) => `k${i}=v`).join(';')), 'none');
  assert.equal(client(Array.from({ length: 64 }, (_, i) => `k${i}=v`).join(';')), '400 Too many params in Forwarded header');
});
