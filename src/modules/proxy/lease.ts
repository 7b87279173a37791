/**
 * What mod_proxy needs from the shared backend layer for one request: a connected socket to the host
 * the balancer chose (failover already done), the host's label and timeouts, and a release callback.
 */
import type { Socket } from 'node:net';

/** One backend connection owned by one request (lighttpd opens one per request). */
export interface BackendLease {
  readonly socket: Socket;
  /** The host entry's label in `proxy.server` (sent as Host with `proxy.replace-http-host`). */
  readonly label: string;
  /** `tcp:127.0.0.1:8081` or `unix:/path`, for logs. */
  readonly name: string;
  /** Host `read-timeout` in seconds (0 = off). */
  readonly readTimeout: number;
  /** Gives the load slot back to the balancer; call once when the request is over. */
  release(): void;
}

/** No host could be connected: the client gets 503 (proxy.md §6.4). */
export class NoBackendError extends Error {
  readonly code = 'TSW_PROXY_NO_BACKEND';
  readonly status = 503;
}
