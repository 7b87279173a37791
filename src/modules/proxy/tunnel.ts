/**
 * The raw byte relay after a backend's 101 (proxy.md §4.2): bytes are copied both ways untouched, with
 * backpressure (pipe pauses the reading side while the other side's buffer is full). When either side
 * ends or fails, the other is ended after its pending bytes are flushed, then both are closed, as
 * lighttpd tears the whole tunnel down on the first close. The core's `server.max-read-idle` counts
 * client bytes only (proxy.md §4.2 item 5): a client silent that long loses the tunnel (plain close).
 */
import type { Duplex } from 'node:stream';
import type { RelayTraffic } from './relay-traffic.js';

/**
 * Relays `client` ↔ `backend` until one side closes or the client stays silent for `clientIdleMs`
 * (0 = never); `onDone` runs once when both are closed. `traffic` (when given) counts the client's
 * bytes and learns whether the client side (or its idle limit) ended the tunnel before the backend did.
 */
export function relay(client: Duplex, backend: Duplex, onDone: () => void, clientIdleMs = 0, traffic?: RelayTraffic): void {
  let done = false;
  let backendEnded = false;
  let idle: NodeJS.Timeout | undefined;
  const clientEnded = (): void => {
    if (traffic && !done && !backendEnded) traffic.aborted = true;
  };
  const idleOut = (): void => {
    clientEnded();
    teardown();
  };
  const onClientData = (chunk: Buffer): void => {
    if (traffic) traffic.bytesIn += chunk.length;
    if (clientIdleMs > 0) {
      if (idle) idle.refresh();
      else idle = setTimeout(idleOut, clientIdleMs);
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
  const backendGone = (): void => {
    backendEnded = true;
  };
  client.pipe(backend, { end: false });
  backend.pipe(client, { end: false });
  client.on('data', onClientData);
  if (clientIdleMs > 0) idle = setTimeout(idleOut, clientIdleMs);
  client.on('end', clientEnded);
  client.on('end', endOther(backend));
  backend.on('end', backendGone);
  backend.on('end', endOther(client));
  client.on('error', clientEnded);
  client.on('error', teardown);
  backend.on('error', backendGone);
  backend.on('error', teardown);
  client.on('close', clientEnded);
  client.on('close', teardown);
  backend.on('close', backendGone);
  backend.on('close', teardown);
  client.resume();
  backend.resume();
}
