/**
 * The address a TCP listener binds, resolved the way lighttpd 1.4.69 resolves `server.bind` and
 * `$SERVER["socket"]` host names (network.c `network_host_parse_addr`, sock_addr.c
 * `sock_addr_from_str_hints`): a name is looked up for one family only — IPv6 under `server.use-ipv6`
 * or in `[…]`, else IPv4 — and the first address is bound. An IPv6 lookup that fails because the name
 * has addresses of the other family only (EAI_ADDRFAMILY) is retried for IPv4; any other failure stops
 * the start with lighttpd's line ("getaddrinfo failed: Name or service not known 'localhost'"), e.g.
 * `server.use-ipv6` with a name that has no IPv6 address. Node's own lookup in listen() would take
 * whichever family comes first instead.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import type { ListenSpec } from './server-config.js';
import { StartupError } from './startup-error.js';
import { strerror } from '../strerror.js';

/** A host and the flag to bind with. */
export interface BindAddress {
  readonly host: string;
  readonly ipv6Only: boolean;
}

/** getaddrinfo for one family (node:dns lookup's shape, replaceable in tests). */
export type HostLookup = (host: string, options: { family: 4 | 6 }, callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void) => void;

function lookupOnce(lookup: HostLookup, host: string, family: 4 | 6): Promise<LookupAddress> {
  return new Promise((resolve, reject) => {
    lookup(host, { family }, (err, address, fam) => {
      if (err) reject(err);
      else resolve({ address, family: fam });
    });
  });
}

function errCode(e: unknown): string {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : 'EAI_FAIL';
}

/** Resolves `spec.host` (a TCP listener) as lighttpd does (see the file header); throws StartupError when it cannot. */
export async function resolveBindAddress(spec: ListenSpec, lookup: HostLookup = dnsLookup): Promise<BindAddress> {
  if (isIP(spec.host) !== 0) return { host: spec.host, ipv6Only: spec.ipv6Only };
  let family = spec.lookupFamily;
  let found: LookupAddress;
  try {
    found = await lookupOnce(lookup, spec.host, family);
  } catch (e) {
    if (family !== 6 || errCode(e) !== 'EAI_ADDRFAMILY') throw lookupError(spec.host, family, e);
    family = 4;
    try {
      found = await lookupOnce(lookup, spec.host, family);
    } catch {
      throw lookupError(spec.host, 6, e);
    }
  }
  return { host: found.address, ipv6Only: spec.ipv6Only && found.family === 6 };
}

function lookupError(host: string, family: 4 | 6, e: unknown): StartupError {
  const text = strerror(errCode(e)) ?? (e instanceof Error ? e.message : String(e));
  return new StartupError('TSW_LISTEN', `getaddrinfo failed: ${text} '${host}'`, family === 6 ? 'sock_addr.c.510' : 'sock_addr.c.543');
}
