/**
 * One shared once-per-second timer for every tunnel of a module (lighttpd checks its timeouts once
 * per second too, in server.c's trigger): idle limits, pings, backend read/write timeouts and close
 * grace periods are all counted in whole seconds against `now`, so a tunnel needs no timers of its own.
 *
 * `now` is a second counter advanced on each tick, so stamping activity on the data path is a field
 * read, not a clock call. It counts the seconds that passed since the previous tick, rounded (at least
 * one): a tick that fires a few milliseconds late never counts two seconds. Counting wall-clock seconds
 * instead (floor of the clock) did: a tick at x.99 s followed by one at (x+2).00 s moved `now` by 2,
 * and a stamp taken just before was then two seconds old although one had passed — with
 * `server.max-read-idle = 1` a tunnel with traffic every 250 ms was closed as idle.
 */

/** Something the ticker visits once per second. */
export interface Tickable {
  tick(now: number): void;
}

/** How many seconds a tick `elapsedMs` after the previous one counts for (≥ 1; a blocked loop counts them all). */
export function secondsBetweenTicks(elapsedMs: number): number {
  return Math.max(1, Math.round(elapsedMs / 1000));
}

/** The shared timer: runs (unref'd) only while it has members. */
export class Ticker {
  readonly #members = new Set<Tickable>();
  #timer: NodeJS.Timeout | null = null;
  /** The current second (a monotonic counter, see the file header). */
  now = 0;
  #lastTickMs = 0;

  get size(): number {
    return this.#members.size;
  }

  add(member: Tickable): void {
    if (this.#timer === null) {
      this.#lastTickMs = performance.now();
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
    const ms = performance.now();
    const now = this.now + secondsBetweenTicks(ms - this.#lastTickMs);
    this.#lastTickMs = ms;
    this.now = now;
    for (const m of this.#members) m.tick(now);
  };
}
