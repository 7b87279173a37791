/**
 * CONNECT with `proxy.header = ( "connect" => "enable" )` (proxy.md §5): lighttpd ignores the CONNECT
 * target, connects the configured proxy.server backend, answers `200 OK` with `Connection: close` and
 * relays raw bytes both ways.
 */
import type { Duplex } from 'node:stream';
import type { ProxyLease } from './lease.js';
import { serializeHead } from './raw-response.js';
import { relay } from './tunnel.js';

/**
 * Answers 200 on the client socket and relays it to the leased backend until either side closes.
 * `serverTag`: the `Server` header ('' for none); `clientIdleMs`: how long the client may stay silent.
 */
export function relayConnect(client: Duplex, early: Buffer, lease: ProxyLease, serverTag: string, clientIdleMs: number): void {
  lease.socket.on('error', () => undefined);
  client.write(serializeHead(200, [['Connection', 'close']], serverTag));
  if (early.length > 0) lease.socket.write(early);
  relay(client, lease.socket, () => lease.release(), clientIdleMs);
}
