/**
 * The balance algorithms of lighttpd's gw_backend.c (backends.md §6): choose one host among the
 * usable hosts of a key. Pure functions over plain data, so they are unit-tested without sockets.
 */

/** `*.balance` values; `fair` is the same as `least-connection`. */
export type BalanceAlgorithm = 'fair' | 'least-connection' | 'round-robin' | 'hash' | 'sticky';

/** The exact spellings lighttpd accepts (case-sensitive). */
export const BALANCE_ALGORITHMS: readonly BalanceAlgorithm[] = ['fair', 'least-connection', 'round-robin', 'hash', 'sticky'];

/** What the balancer needs to know about one host. */
export interface BalanceCandidate {
  /** Requests currently assigned to the host (open tunnels included). */
  readonly load: number;
  /** Resolved IP text, or the unix socket path: what lighttpd hashes. */
  readonly hashName: string;
  /** TCP port (0 for unix sockets); sticky mixes it in. */
  readonly port: number;
  /** Whether the host has a usable process right now. */
  readonly usable: boolean;
}

/** What the balancer needs to know about the request. */
export interface BalanceRequest {
  /** Decoded URL path without query. */
  readonly path: string;
  /** The request authority (Host), as the request layer stores it. */
  readonly authority: string;
  /** Client address text. */
  readonly remoteAddr: string;
}

/** lighttpd's djb variant: h = (h * 33) XOR c over the UTF-8 bytes, 32-bit unsigned. */
export function djbHash(s: string, seed = 5381): number {
  let h = seed >>> 0;
  for (const c of Buffer.from(s, 'utf8')) h = (Math.imul(h, 33) ^ c) >>> 0;
  return h;
}

/**
 * Picks a host index, or -1 when no host is usable. `lastUsed` is the key's round-robin memory
 * (-1 initially); the caller stores the returned index back for round-robin.
 */
export function pickHostIndex(
  hosts: readonly BalanceCandidate[],
  algorithm: BalanceAlgorithm,
  req: BalanceRequest,
  lastUsed: number,
): number {
  // lighttpd: a single host is used without running any algorithm
  if (hosts.length === 1) return hosts[0]?.usable ? 0 : -1;
  switch (algorithm) {
    case 'fair':
    case 'least-connection':
      return pickLeastLoaded(hosts);
    case 'round-robin':
      return pickRoundRobin(hosts, lastUsed);
    case 'hash': {
      const base = djbHash(req.authority, djbHash(req.path));
      return pickLargest(hosts, (h) => (base ^ djbHash(h.hashName)) >>> 0);
    }
    case 'sticky': {
      const base = djbHash(req.remoteAddr);
      return pickLargest(hosts, (h) => (base ^ djbHash(h.hashName) ^ h.port) >>> 0);
    }
    default:
      return assertNever(algorithm);
  }
}

function pickLeastLoaded(hosts: readonly BalanceCandidate[]): number {
  let best = -1;
  hosts.forEach((h, i) => {
    if (!h.usable) return;
    const cur = hosts[best];
    if (best < 0 || (cur && h.load < cur.load)) best = i;
  });
  return best;
}

function pickRoundRobin(hosts: readonly BalanceCandidate[], lastUsed: number): number {
  const n = hosts.length;
  for (let step = 1; step <= n; step++) {
    const i = (((lastUsed + step) % n) + n) % n;
    if (hosts[i]?.usable) return i;
  }
  return -1;
}

function pickLargest(hosts: readonly BalanceCandidate[], score: (h: BalanceCandidate) => number): number {
  let best = -1;
  let bestScore = -1;
  hosts.forEach((h, i) => {
    if (!h.usable) return;
    const s = score(h);
    // ties keep the first listed host
    if (s > bestScore) {
      best = i;
      bestScore = s;
    }
  });
  return best;
}

function assertNever(x: never): never {
  throw new Error(`unexpected balance algorithm ${String(x)}`);
}
