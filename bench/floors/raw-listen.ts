/**
 * The accept side of the raw-handle floors (raw-accept.ts, raw-static.ts): a listener on 127.0.0.1 port 0
 * whose accepted TCP handles go straight to `serve`, never wrapped in a `net.Socket`. Prints
 * `listening PORT` once bound.
 */
import { createServer } from 'node:net';
import type { StreamHandle } from '../../src/net/stream-binding.js';

/** An accepted TCP handle. */
export type AcceptedTcp = StreamHandle & { setNoDelay(on: boolean): number };

/** The listening handle's accept callback, which net.Server would otherwise wrap in a net.Socket. */
interface ListenHandle {
  onconnection: (status: number, handle: AcceptedTcp) => void;
}

/** Listens and hands every accepted handle to `serve`. */
export function listenRaw(serve: (handle: AcceptedTcp) => void): void {
  const server = createServer();
  server.listen(0, '127.0.0.1', () => {
    const h = Reflect.get(server, '_handle') as ListenHandle;
    h.onconnection = (status, handle) => {
      if (status === 0) serve(handle);
    };
    const a = server.address();
    console.log(`listening ${typeof a === 'object' && a !== null ? a.port : 0}`);
  });
}
