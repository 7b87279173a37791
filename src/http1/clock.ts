/**
 * A coarse monotonic clock (ms) for the engine's idle timestamps: read fresh when bytes arrive and by
 * the once-a-second timeout sweep, so writes can note "now" without a clock call of their own. Such a
 * timestamp may be up to a sweep interval old; the write-idle check allows for that.
 */
export const clock = { now: performance.now() };

/** Reads the clock and remembers the value. */
export function tick(): number {
  clock.now = performance.now();
  return clock.now;
}
