/**
 * ConnectionSlots: `server.max-connections` for the whole server, as lighttpd 1.4.69 counts it. lighttpd
 * keeps one count for every listening socket (`srv->lim_conns`, taken in connections.c when a connection
 * is accepted and given back when it is freed) and, at the limit, stops accepting on all of them
 * (server.c `server_sockets_disable`) until a connection closes (`server_sockets_enable`); meanwhile new
 * connections wait in each socket's backlog. The listeners' engines (server.ts) share one of these: an
 * engine takes a slot for each connection it serves, and when a slot frees, the engines whose
 * connections wait unread are offered it in turn.
 */

/** An engine with connections that may wait for a slot. */
export interface SlotWaiter {
  /** Serves waiting connections while slots can be taken. */
  serveWaiting(): void;
}

/** The server-wide connection count (see the file header). */
export class ConnectionSlots {
  /** `server.max-connections` as planned (fd-plan.ts). */
  readonly max: number;
  readonly #log: (source: string, message: string) => void;
  readonly #engines = new Set<SlotWaiter>();
  #used = 0;
  #disabled = false;

  constructor(max: number, log: (source: string, message: string) => void) {
    this.max = max;
    this.#log = log;
  }

  /** Connections holding a slot now. */
  get used(): number {
    return this.#used;
  }

  /** An engine that shares the count; `leave` it when it is closed or released. */
  join(engine: SlotWaiter): void {
    this.#engines.add(engine);
  }

  leave(engine: SlotWaiter): void {
    this.#engines.delete(engine);
  }

  /** Takes a slot for a connection to serve; false at the limit (the connection waits). */
  take(): boolean {
    if (this.#used < this.max) {
      this.#used++;
      return true;
    }
    if (!this.#disabled) {
      this.#disabled = true;
      this.#log('server.c.1090', '[note] sockets disabled, connection limit reached');
    }
    return false;
  }

  /** A served connection closed: its slot goes to a waiting connection of any listener. */
  free(): void {
    this.#used--;
    for (const engine of this.#engines) {
      if (this.#used >= this.max) break;
      engine.serveWaiting();
    }
    if (this.#disabled && this.#used < this.max) {
      this.#disabled = false;
      this.#log('server.c.1081', '[note] sockets enabled again');
    }
  }
}
