/**
 * The raw byte relay after a backend's 101 (proxy.md §4.2): bytes are copied both ways untouched, with
 * backpressure (pipe pauses the reading side while the other side's buffer is full). When either side
 * ends or fails, the other is ended after its pending bytes are flushed, then both are closed, as
 * lighttpd tears the whole tunnel down on the first close.
 */
import type { Duplex } from 'node:stream';

/** Relays `client` ↔ `backend` until one side closes; `onDone` runs once when both are closed. */
export function relay(client: Duplex, backend: Duplex, onDone: () => void): void {
  let done = false;
  const teardown = (): void => {
    if (done) return;
    done = true;
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
  client.on('end', endOther(backend));
  backend.on('end', endOther(client));
  client.on('error', teardown);
  backend.on('error', teardown);
  client.on('close', teardown);
  backend.on('close', teardown);
  client.resume();
  backend.resume();
}
