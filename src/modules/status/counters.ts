/**
 * mod_status's traffic counters: requests and bytes sent since start, and per-second buckets for the
 * average over the last five whole seconds (lighttpd src/mod_status.c keeps the same five-slot ring).
 */

const SLOTS = 5;

/** Totals and the five-second ring. */
export class StatusCounters {
  requests = 0;
  bytesOut = 0;
  readonly #second = new Array<number>(SLOTS).fill(-1);
  readonly #requests = new Array<number>(SLOTS).fill(0);
  readonly #bytes = new Array<number>(SLOTS).fill(0);

  /** One finished request that sent `bytes` (head and body), in second `now`. */
  record(bytes: number, now: number): void {
    this.requests++;
    this.bytesOut += bytes;
    const i = now % SLOTS;
    if (this.#second[i] !== now) {
      this.#second[i] = now;
      this.#requests[i] = 0;
      this.#bytes[i] = 0;
    }
    this.#requests[i] = (this.#requests[i] ?? 0) + 1;
    this.#bytes[i] = (this.#bytes[i] ?? 0) + bytes;
  }

  /** Per-second averages over the five whole seconds before `now`. */
  average5s(now: number): { requests: number; bytes: number } {
    let requests = 0;
    let bytes = 0;
    for (let i = 0; i < SLOTS; i++) {
      const s = this.#second[i] ?? -1;
      if (s >= now - SLOTS && s < now) {
        requests += this.#requests[i] ?? 0;
        bytes += this.#bytes[i] ?? 0;
      }
    }
    return { requests: requests / SLOTS, bytes: bytes / SLOTS };
  }
}
