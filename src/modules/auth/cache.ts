/**
 * `auth.cache = ( "max-age" => "600" )` (http-core.md §11.1): successful Basic checks are remembered per
 * rule and user for max-age seconds, so a browser that sends its credentials with every request does
 * not pay for a slow hash (bcrypt, SHA-crypt) each time. As in lighttpd, while an entry lives a
 * different password for that user is refused without reading the user file. Only configured caches
 * exist; without auth.cache every request is checked against the file.
 */
import type { ConfigValue } from '../../config/tree.js';
import type { AuthRule } from './rules.js';
import { sameSecret } from './basic-check.js';

const SWEEP_MS = 8000;

interface Entry {
  readonly password: string;
  readonly time: number;
}

/** One config block's cache. */
export class AuthCache {
  readonly #maxAgeMs: number;
  readonly #entries = new Map<AuthRule, Map<string, Entry>>();
  #lastSweep = 0;

  constructor(maxAgeSeconds: number) {
    this.#maxAgeMs = maxAgeSeconds * 1000;
  }

  /** true / false for a live entry of this rule and user (password compared timing-safely), else null. */
  check(rule: AuthRule, user: string, password: string, now: number): boolean | null {
    const users = this.#entries.get(rule);
    const e = users?.get(user);
    if (users === undefined || e === undefined) return null;
    if (now - e.time > this.#maxAgeMs) {
      users.delete(user);
      return null;
    }
    return sameSecret(e.password, password);
  }

  /** Remembers a success (and now and then drops expired entries, as lighttpd's 8-second sweep does). */
  remember(rule: AuthRule, user: string, password: string, now: number): void {
    if (now - this.#lastSweep >= SWEEP_MS) this.sweep(now);
    let users = this.#entries.get(rule);
    if (users === undefined) this.#entries.set(rule, (users = new Map<string, Entry>()));
    users.set(user, { password, time: now });
  }

  /** Drops expired entries, so users who went away do not stay in memory. */
  sweep(now: number): void {
    this.#lastSweep = now;
    for (const users of this.#entries.values()) {
      for (const [user, e] of users) if (now - e.time > this.#maxAgeMs) users.delete(user);
    }
  }
}

/** The cache for an auth.cache value: `max-age` in seconds (600 when missing or not a number). */
export function cacheFrom(value: ConfigValue): AuthCache {
  let maxAge = 600;
  if (value.type === 'array') {
    for (const item of value.items) {
      if (item.key !== 'max-age') continue;
      const v = item.value;
      if (v.type === 'integer') maxAge = v.value;
      else if (v.type === 'string' && /^\s*[+-]?[0-9]+$/.test(v.value)) maxAge = parseInt(v.value, 10);
      else maxAge = 600;
    }
  }
  return new AuthCache(maxAge);
}
