/**
 * What mod_proxy uses of a lease from the shared backend layer (src/backend/lease.ts): the connected
 * socket, the chosen host's label and timeouts, the process name for logs, and how the lease ends
 * (released with the socket closed, or kept for another request). A structural subset, so the
 * forwarder does not depend on how the layer picks hosts.
 */
import type { Socket } from 'node:net';

/** One backend connection owned by one request at a time. */
export interface ProxyLease {
  readonly socket: Socket;
  readonly host: { readonly spec: { readonly label: string; readonly readTimeout: number; readonly writeTimeout: number } };
  readonly proc: { readonly name: string };
  /** The socket served an earlier request (from the keep-alive pool); it may have been closed since. */
  readonly reused: boolean;
  /** Gives the load slot back to the balancer; idempotent. */
  release(): void;
  /** Releases and keeps the socket for a later request (closed when it cannot be kept). */
  keep(keepAliveMs: number | null): void;
}
