/**
 * The access log's view of a mod_proxy tunnel (an Upgrade after a 101, a CONNECT after its 200): bytes
 * read from the client after the request head, bytes written to it from the tunnel's head on, and
 * whether the client (or the server's stop) ended it rather than the backend — lighttpd 1.4.69 logs
 * such a tunnel when it ends with these counts in `%I` / `%O` / `%b` and `X` or `-` in `%X`.
 */
import type { RawTraffic } from '../../request/context.js';

/** What the count of bytes out reads: the client socket's own counter (net.Socket#bytesWritten). */
export interface WriteCounter {
  readonly bytesWritten: number;
}

/** One tunnel's traffic; the relay adds client reads and marks who ended it. */
export class RelayTraffic implements RawTraffic {
  bytesIn: number;
  headBytes = 0;
  aborted = false;
  readonly #client: WriteCounter;
  readonly #outBase: number;

  /** Counting starts now: `early` client bytes came with the head; what `client` wrote before is not the tunnel's. */
  constructor(client: WriteCounter, early: number) {
    this.#client = client;
    this.#outBase = client.bytesWritten;
    this.bytesIn = early;
  }

  get bytesOut(): number {
    return this.#client.bytesWritten - this.#outBase;
  }
}
