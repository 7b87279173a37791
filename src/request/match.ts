/**
 * Which config blocks match a request (http-core.md §2, lighttpd src/configfile-glue.c).
 *
 * Evaluation is lazy and cached per request pass, as in lighttpd: a block is tried only when somebody
 * asks for it; it is true when its parent is true, no earlier member of its else chain was true, and
 * its own condition holds. `=~` captures are kept per block for `%N`.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import type { CondField, ConfigBlock, Condition } from '../config/tree.js';
import { headerOf, setCapture, type RequestCtx } from './context.js';
import { canonicalIPv6 } from '../config/host-normalize.js';
import { parseNumericHost } from '../net/numeric-host.js';

type Tester = (value: string) => boolean;

/** Compiled `==`/`!=` testers for fields with special equality (host port tolerance, CIDR). */
const equalityCache = new WeakMap<Condition, Tester>();
const regexCache = new WeakMap<Condition, RegExp | null>();

/** The value a condition field is compared against (http-core.md §2.1). */
export function fieldValue(cond: Condition, req: RequestCtx): string {
  switch (cond.field) {
    case 'url':
      return req.path;
    case 'host':
      return req.host;
    case 'remote-ip':
      return req.remoteAddr;
    case 'scheme':
      return req.scheme;
    case 'request-method':
      return req.method;
    case 'querystring':
      return req.query;
    case 'useragent':
    case 'user-agent':
      return headerOf(req, 'user-agent');
    case 'referer':
      return headerOf(req, 'referer');
    case 'cookie':
      return headerOf(req, 'cookie');
    case 'language':
      return headerOf(req, 'accept-language');
    case 'header': {
      const name = cond.tag.toLowerCase();
      // lighttpd normalises the Host header in place (lower case, default port and trailing dot gone): the authority
      return name === 'host' ? req.host : (req.headers.get(name) ?? '');
    }
    case 'socket':
      return req.serverSocket;
  }
}

function addressTester(spec: string): Tester {
  let s = spec.trim();
  if (s.startsWith('/')) return (v) => v === s; // a unix socket path
  let prefix: number | null = null;
  const slash = s.indexOf('/');
  if (slash >= 0) {
    prefix = Number(s.slice(slash + 1));
    s = s.slice(0, slash);
  }
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const list = new BlockList();
  const family = isIPv4(s) ? 'ipv4' : isIPv6(s) ? 'ipv6' : null;
  if (family === null) return () => false;
  const hasMask = prefix !== null && Number.isInteger(prefix);
  if (hasMask && prefix !== null) list.addSubnet(s, prefix, family);
  else list.addAddress(s, family);
  // lighttpd sock_addr_is_addr_eq(_bits): an IPv4 client equals an IPv6 value only when that is a v4-mapped
  // address with a mask, and then only its last 32 bits count (under the mask's bits past 96)
  const v4 = family === 'ipv6' && hasMask && prefix !== null ? mappedV4Tester(s, prefix) : null;
  return (v) => {
    const addr = v.startsWith('[') && v.endsWith(']') ? v.slice(1, -1) : v;
    if (isIPv4(addr)) return family === 'ipv4' ? list.check(addr, 'ipv4') || list.check(`::ffff:${addr}`, 'ipv6') : v4 !== null && v4(addr);
    // an IPv6 client (a dual-stack socket's IPv4 one is `::ffff:a.b.c.d`) equals an IPv4 value only under a mask
    if (isIPv6(addr)) return (family === 'ipv6' || hasMask) && list.check(addr, 'ipv6');
    // a forwarded address keeps mod_extforward's text: inet_aton forms (`001.2.3.4`, `10.1`) compare as the address
    const n = parseNumericHost(addr);
    return n !== null && list.check(n.address, n.family);
  };
}

/** For an IPv6 value with a mask: the test of an IPv4 client against it (null: never equal). */
function mappedV4Tester(addr: string, prefix: number): Tester | null {
  const canon = canonicalIPv6(addr);
  const m = canon === null ? null : /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canon);
  if (!m) return null;
  const hi = parseInt(m[1] ?? '0', 16);
  const lo = parseInt(m[2] ?? '0', 16);
  const bits = Math.min(32, prefix - 96);
  if (bits <= 0) return () => true;
  const list = new BlockList();
  list.addSubnet(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, bits, 'ipv4');
  return (v) => list.check(v, 'ipv4');
}

function hostTester(spec: string): Tester {
  // the value was normalised at startup (IP literals canonical) but keeps its case, as in lighttpd: "A.Example"
  // never equals a request host, which is lower case; a value starting with '/' is compared as it is
  const want = spec;
  if (want.startsWith('/')) return (v) => v === want;
  // lighttpd compares the names whether or not either side has a `:port`: "name" matches "name:<port>"
  // (up to 5 characters after the colon) and "name:port" matches "name"; of equal length, exactly
  return (v) => {
    if (v.length === want.length || v.length === 0) return v === want;
    if (v.length > want.length) return v.charCodeAt(want.length) === 0x3a && v.length - want.length <= 6 && v.startsWith(want);
    return want.charCodeAt(v.length) === 0x3a && want.startsWith(v);
  };
}

function equalityTester(cond: Condition): Tester {
  let t = equalityCache.get(cond);
  if (t) return t;
  if (cond.field === 'remote-ip') t = addressTester(cond.value);
  else if (cond.field === 'host') t = hostTester(cond.value);
  else t = (v) => v === cond.value;
  equalityCache.set(cond, t);
  return t;
}

function regexOf(cond: Condition): RegExp | null {
  if (cond.regex) return cond.regex;
  if (regexCache.has(cond)) return regexCache.get(cond) ?? null;
  let re: RegExp | null = null;
  try {
    re = new RegExp(cond.value, 'u');
  } catch {
    try {
      re = new RegExp(cond.value);
    } catch {
      re = null;
    }
  }
  regexCache.set(cond, re);
  return re;
}

/** Evaluates one condition; returns the captures for a matching `=~` (else an empty list), or null. */
export function testCondition(cond: Condition, req: RequestCtx): readonly string[] | null {
  return testValue(cond, fieldValue(cond, req));
}

/** Evaluates one condition against the value of its field (see testCondition). */
export function testValue(cond: Condition, v: string): readonly string[] | null {
  switch (cond.op) {
    case '==':
      return equalityTester(cond)(v) ? [] : null;
    case '!=':
      return equalityTester(cond)(v) ? null : [];
    case '=^':
      return v.startsWith(cond.value) ? [] : null;
    case '!^':
      return v.startsWith(cond.value) ? null : [];
    case '=$':
      return v.endsWith(cond.value) ? [] : null;
    case '!$':
      return v.endsWith(cond.value) ? null : [];
    case '=~': {
      const m = regexOf(cond)?.exec(v);
      return m ? m.map((s) => s ?? '') : null;
    }
    case '!~': {
      const re = regexOf(cond);
      return re && re.test(v) ? null : [];
    }
  }
}

/** Lazy, cached block matching for one request pass. Create a new one after a restart. */
export class MatchState {
  readonly #req: RequestCtx;
  /** Results by block id (ids are small and dense: an array, made on the first lookup). */
  #cache: (boolean | undefined)[] | null = null;

  constructor(req: RequestCtx) {
    this.#req = req;
  }

  /** Whether the block applies to this request (global is always true). */
  matches(block: ConfigBlock): boolean {
    const cache = (this.#cache ??= []);
    const hit = cache[block.id];
    if (hit !== undefined) return hit;
    const result = this.#evaluate(block);
    cache[block.id] = result;
    return result;
  }

  /**
   * Forgets the results of these blocks (see dependentBlockIds), so that they are evaluated again: mod_extforward
   * changed a field after some blocks were tried (lighttpd config_cond_cache_reset_item).
   */
  forget(ids: readonly number[]): void {
    const cache = this.#cache;
    if (cache === null) return;
    const caps = this.#req.captures;
    for (const id of ids) {
      cache[id] = undefined;
      // has() is false for the shared empty map, which is never written
      if (caps.has(id)) (caps as Map<number, readonly string[]>).delete(id);
    }
  }

  /** Whether this member of an else chain, or any member before it, matched. */
  #chainTaken(block: ConfigBlock): boolean {
    for (let b: ConfigBlock | null = block; b; b = b.elsePrev) if (this.matches(b)) return true;
    return false;
  }

  #evaluate(block: ConfigBlock): boolean {
    if (!block.condition && !block.isPlainElse) return true;
    if (block.parent && !this.matches(block.parent)) return false;
    if (block.elsePrev && this.#chainTaken(block.elsePrev)) return false;
    if (block.isPlainElse || !block.condition) return true;
    const caps = testCondition(block.condition, this.#req);
    if (caps === null) return false;
    if (caps.length > 0) setCapture(this.#req, block.id, caps);
    return true;
  }
}

/**
 * The blocks whose result depends on a field: those testing it, and below each of them its nested
 * blocks and the rest of its else chain (lighttpd config_cond_clear_node). Ids in tree order.
 */
export function dependentBlockIds(root: ConfigBlock, field: CondField): number[] {
  const ids = new Set<number>();
  const clear = (b: ConfigBlock): void => {
    if (ids.has(b.id)) return;
    ids.add(b.id);
    for (const c of b.children) clear(c);
    if (b.elseNext) clear(b.elseNext);
  };
  const visit = (b: ConfigBlock): void => {
    if (b.condition?.field === field) clear(b);
    for (const c of b.children) visit(c);
  };
  visit(root);
  return [...ids].sort((a, b) => a - b);
}
