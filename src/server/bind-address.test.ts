import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveBindAddress, type HostLookup } from './bind-address.js';
import { parseSocketToken, type ListenSpec } from './server-config.js';
import { StartupError } from './startup-error.js';
import { NO_TLS } from './tls-options.js';

/** A resolver that knows `names` (name → family → address) and records what it was asked. */
function fakeLookup(names: Readonly<Record<string, Partial<Record<4 | 6, string>>>>, asked: string[]): HostLookup {
  return (host, { family }, callback) => {
    asked.push(`${host}/${family}`);
    const known = names[host];
    const address = known?.[family];
    if (address !== undefined) {
      callback(null, address, family);
      return;
    }
    // glibc for a name from /etc/hosts without an address of that family (Node: ENOTFOUND for EAI_NONAME)
    callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }), '', 0);
  };
}

function spec(token: string, useIpv6: boolean, v4mapped: boolean | null = null): ListenSpec {
  const s = parseSocketToken(token, 80, { useIpv6, setV6only: true, v4mapped }, 1024, NO_TLS);
  assert.ok(s);
  return s;
}

test('server.use-ipv6: a host name is looked up for IPv6 only and bound v6-only (lighttpd 1.4.69 network.c)', async () => {
  const asked: string[] = [];
  const lookup = fakeLookup({ localhost: { 4: '127.0.0.1', 6: '::1' } }, asked);
  assert.deepEqual(await resolveBindAddress(spec('localhost:80', true), lookup), { host: '::1', ipv6Only: true });
  assert.deepEqual(await resolveBindAddress(spec('localhost:80', true, true), lookup), { host: '::1', ipv6Only: false });
  assert.deepEqual(asked, ['localhost/6', 'localhost/6']);
});

test('without server.use-ipv6 a host name is looked up for IPv4 only, even when it has an IPv6 address', async () => {
  const asked: string[] = [];
  const lookup = fakeLookup({ both: { 4: '127.0.0.1', 6: '::1' } }, asked);
  assert.deepEqual(await resolveBindAddress(spec('both:80', false), lookup), { host: '127.0.0.1', ipv6Only: false });
  assert.deepEqual(asked, ['both/4']);
});

test("server.use-ipv6 with a name that has no IPv6 address: lighttpd's getaddrinfo line, no IPv4 fallback", async () => {
  const asked: string[] = [];
  const lookup = fakeLookup({ localhost: { 4: '127.0.0.1' } }, asked);
  await assert.rejects(resolveBindAddress(spec('localhost:80', true), lookup), (e: unknown) => {
    assert.ok(e instanceof StartupError);
    assert.equal(e.source, 'sock_addr.c.510');
    assert.equal(e.message, "getaddrinfo failed: Name or service not known 'localhost'");
    return true;
  });
  assert.deepEqual(asked, ['localhost/6']);
});

test('EAI_ADDRFAMILY for IPv6 is retried for IPv4 (sock_addr.c), bound without v6-only', async () => {
  const asked: string[] = [];
  const lookup: HostLookup = (host, { family }, callback) => {
    asked.push(`${host}/${family}`);
    if (family === 6) callback(Object.assign(new Error('getaddrinfo EAI_ADDRFAMILY'), { code: 'EAI_ADDRFAMILY' }), '', 0);
    else callback(null, '192.0.2.1', 4);
  };
  assert.deepEqual(await resolveBindAddress(spec('v4only:80', true), lookup), { host: '192.0.2.1', ipv6Only: false });
  assert.deepEqual(asked, ['v4only/6', 'v4only/4']);
});

test('literals are bound as written, without a lookup; an unknown name without use-ipv6 is sock_addr.c.543', async () => {
  const asked: string[] = [];
  const lookup = fakeLookup({}, asked);
  assert.deepEqual(await resolveBindAddress(spec('127.0.0.1:80', true), lookup), { host: '127.0.0.1', ipv6Only: false });
  assert.deepEqual(await resolveBindAddress(spec('[::1]:80', false), lookup), { host: '::1', ipv6Only: true });
  assert.deepEqual(asked, []);
  await assert.rejects(resolveBindAddress(spec('nosuch.invalid:80', false), lookup), (e: unknown) => e instanceof StartupError && e.source === 'sock_addr.c.543');
});
