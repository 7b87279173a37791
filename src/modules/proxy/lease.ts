/**
 * What mod_proxy uses of a lease from the shared backend layer (src/backend/lease.ts): the connected
 * socket, the chosen host's label and timeouts, the process name for logs, and the release
 * callback. A structural subset, so the forwarder does not depend on how the layer picks hosts.
 */
import type { Socket } from 'node:net';

/** One backend connection owned by one request (lighttpd opens one per request). */
export interface ProxyLease {
  readonly socket: Socket;
  readonly host: { readonly spec: { readonly label: string; readonly readTimeout: number; readonly writeTimeout: number } };
  readonly proc: { readonly name: string };
  /** Gives the load slot back to the balancer; idempotent. */
  release(): void;
}
