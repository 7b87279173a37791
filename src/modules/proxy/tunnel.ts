/**
 * The raw byte relay after a backend's 101 (proxy.md §4.2): bytes are copied both ways untouched, with
 * backpressure (pipe pauses the reading side while the other side's buffer is full). When either side
 * ends or fails, the other is ended after its pending bytes are flushed, then both are closed, as
 * lighttpd tears the whole tunnel down on the first close. The core's `server.max-read-idle` counts
 * client bytes only (proxy.md §4.2 item 5): a client silent that long loses the tunnel (plain close).
 */
import type { Duplex } from 'node:stream';

/**
 * Relays `client` ↔ `backend` until one side closes or the client stays silent for `clientIdleMs`
 * (0 = never); `onDone` runs once when both are closed.
 */
export function relay(client: Duplex, backend: Duplex, onDone: () => void, clientIdleMs = 0): void {
  let done = false;
  let idle: NodeJS.Timeout | undefined;
  const armIdle = (): void => {
    if (clientIdleMs > 0) {
      if (idle) idle.refresh();
      else idle = setTimeout(teardown, clientIdleMs);
    }
  };
  const teardown = (): void => {
    if (done) return;
    done = true;
    if (idle) clearTimeout(idle);
    client.destroy();
    backend.destroy();
    onDone();
  };
  // Flush what is already queued towards `to`, then close everything.
  const endOther = (to: Duplex) => (): void => {
    if (done) return;
    if (to.destroyed || to.writableEnded) teardown();
    else to.end(teardown);
  };
  client.pipe(backend, { end: false });
  backend.pipe(client, { end: false });
  client.on('data', armIdle);
  armIdle();
  client.on('end', endOther(backend));
  backend.on('end', endOther(client));
  client.on('error', teardown);
  backend.on('error', teardown);
  client.on('close', teardown);
  backend.on('close', teardown);
  client.resume();
  backend.resume();
}
