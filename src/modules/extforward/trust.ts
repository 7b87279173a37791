/**
 * Which proxies mod_extforward trusts (`extforward.forwarder`, lighttpd src/mod_extforward.c):
 * addresses looked up by their text (ASCII case-insensitively, as lighttpd's arrays compare keys),
 * trusted CIDR masks for addresses not listed by text, and `"all"`, which decides for the
 * *connecting* address only ("trust": every peer; anything else: no peer).
 */
import { BlockList } from 'node:net';
import { parseStrictAddr, type NumericAddr } from '../../net/numeric-host.js';

/** One trusted CIDR mask. */
export interface TrustMask {
  readonly addr: NumericAddr;
  readonly bits: number;
}

/** How `"all"` was set: absent, `"trust"`, or another value (then no connection is trusted). */
export type ForwardAll = 'unset' | 'trust' | 'none';

/** The compiled forwarder list of one config block. */
export class TrustList {
  /** Lower-cased address text → trusted. */
  readonly #byText: ReadonlyMap<string, boolean>;
  readonly #masks: BlockList | null;
  readonly #all: ForwardAll;

  constructor(byText: ReadonlyMap<string, boolean>, masks: readonly TrustMask[], all: ForwardAll) {
    this.#byText = byText;
    this.#all = all;
    if (masks.length === 0) {
      this.#masks = null;
      return;
    }
    const list = new BlockList();
    for (const m of masks) {
      const max = m.addr.family === 'ipv4' ? 32 : 128;
      list.addSubnet(m.addr.address, Math.min(m.bits, max), m.addr.family);
    }
    this.#masks = list;
  }

  /** Whether a proxy address (text from a header, or the peer) is trusted; `"all"` does not count here. */
  isTrusted(ip: string): boolean {
    const listed = this.#byText.get(ip.toLowerCase());
    if (listed !== undefined) return listed;
    const masks = this.#masks;
    if (masks === null || ip.length >= 64) return false;
    const a = parseStrictAddr(ip);
    if (a === null) return false;
    // node's BlockList matches IPv4 against IPv4-mapped IPv6 masks and back, as lighttpd does
    return masks.check(a.address, a.family);
  }

  /** Whether the connecting address may send forwarding headers. */
  isConnectionTrusted(peer: string): boolean {
    if (this.#all !== 'unset') return this.#all === 'trust';
    return this.isTrusted(peer);
  }
}
