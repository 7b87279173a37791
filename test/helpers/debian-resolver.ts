/**
 * Name lookups as on a Debian host, whose /etc/hosts has `127.0.0.1 localhost` and `::1 localhost …`:
 * glibc's getaddrinfo then answers ::1 first for `localhost` when no family is asked for, and so do
 * Node's dns.lookup and the lookup that net's listen() makes. Other names go to the real resolver.
 * Both the callback API (what net uses) and dns/promises (a live ESM binding, synced) are replaced
 * until the test ends.
 */
import dns, { type LookupAddress } from 'node:dns';
import { syncBuiltinESMExports } from 'node:module';
import type { TestContext } from 'node:test';

/** The address a Debian resolver gives `localhost` for a family (0: any, ::1 first). */
function debianLocalhost(family: number): LookupAddress {
  return family === 4 ? { address: '127.0.0.1', family: 4 } : { address: '::1', family: 6 };
}

function familyOf(options: unknown): number {
  if (typeof options === 'number') return options;
  if (typeof options === 'object' && options !== null && 'family' in options && typeof options.family === 'number') return options.family;
  return 0;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string, family: number) => void;

/** Replaces the resolver for `localhost` with Debian's answers for the rest of the test `t`. */
export function useDebianHostsResolver(t: TestContext): void {
  const realLookup = dns.lookup;
  const realPromise = dns.promises.lookup;
  const lookup = (hostname: string, options: unknown, callback?: LookupCallback): void => {
    const cb = (typeof options === 'function' ? options : callback) as LookupCallback;
    const opts = typeof options === 'function' ? {} : options;
    if (hostname !== 'localhost') {
      Reflect.apply(realLookup, dns, [hostname, opts ?? {}, cb]);
      return;
    }
    const a = debianLocalhost(familyOf(opts));
    process.nextTick(() => cb(null, a.address, a.family));
  };
  const promised = (hostname: string, options?: unknown): Promise<LookupAddress | LookupAddress[]> =>
    hostname === 'localhost'
      ? Promise.resolve(debianLocalhost(familyOf(options)))
      : (Reflect.apply(realPromise, dns.promises, [hostname, options ?? {}]) as Promise<LookupAddress | LookupAddress[]>);
  Object.assign(dns, { lookup });
  Object.assign(dns.promises, { lookup: promised });
  syncBuiltinESMExports();
  t.after(() => {
    Object.assign(dns, { lookup: realLookup });
    Object.assign(dns.promises, { lookup: realPromise });
    syncBuiltinESMExports();
  });
}
