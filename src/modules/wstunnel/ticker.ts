/**
 * One shared once-per-second timer for every tunnel of a module (lighttpd checks its timeouts once
 * per second too, in server.c's trigger): idle limits, pings, backend read/write timeouts and close
 * grace periods are all counted in whole seconds against `now`, so a tunnel needs no timers of its own.
 *
 * `now` is a monotonic second counter updated on each tick (and when the first member joins), so
 * stamping activity on the data path is a field read, not a clock call.
 */

/** Something the ticker visits once per second. */
export interface Tickable {
  tick(now: number): void;
}

/** Seconds since some fixed point; monotonic. */
function monotonicSeconds(): number {
  return Math.floor(performance.now() / 1000);
}

/** The shared timer: runs (unref'd) only while it has members. */
export class Ticker {
  readonly #members = new Set<Tickable>();
  #timer: NodeJS.Timeout | null = null;
  /** The current second (monotonic). */
  now = monotonicSeconds();

  get size(): number {
    return this.#members.size;
  }

  add(member: Tickable): void {
    if (this.#timer === null) {
      this.now = monotonicSeconds();
      this.#timer = setInterval(this.#onTick, 1000);
      this.#timer.unref();
    }
    this.#members.add(member);
  }

  delete(member: Tickable): void {
    this.#members.delete(member);
    if (this.#members.size === 0 && this.#timer !== null) {
      clearInterval(this.#timer);
      this.#timer = null;
    }
  }

  #onTick = (): void => {
    const now = monotonicSeconds();
    this.now = now;
    for (const m of this.#members) m.tick(now);
  };
}
