/**
 * CONNECT with `proxy.header = ( "connect" => "enable" )` (proxy.md §5): lighttpd ignores the CONNECT
 * target, connects the configured proxy.server backend, answers `200 OK` with `Connection: close` and
 * relays raw bytes both ways. The access log gets the tunnel's line (200, its bytes) when it ends.
 */
import type { Socket } from 'node:net';
import type { RequestCtx } from '../../request/context.js';
import type { ProxyLease } from './lease.js';
import { serializeHead } from './raw-response.js';
import { RelayTraffic } from './relay-traffic.js';
import { relay } from './tunnel.js';

/**
 * Answers 200 on the client socket and relays it to the leased backend until either side closes; the
 * request's core config gives the `Server` header and how long the client may stay silent.
 */
export function relayConnect(req: RequestCtx, client: Socket, early: Buffer, lease: ProxyLease): RelayTraffic {
  lease.socket.on('error', () => undefined);
  const traffic = new RelayTraffic(client, early.length);
  const head = serializeHead(200, [['Connection', 'close']], req.core.tag);
  traffic.headBytes = Buffer.byteLength(head);
  req.rawStatus = 200;
  req.rawTraffic = traffic;
  client.write(head);
  if (early.length > 0) lease.socket.write(early);
  relay(client, lease.socket, () => lease.release(), req.core.maxReadIdle * 1000, traffic);
  return traffic;
}
