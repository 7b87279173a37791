/**
 * RequestCtx: what lighttpd's request_st holds that conditions and modules read.
 *
 * Built once per request by the server core from the node:http request; `path` and `query` may be
 * changed by mod_rewrite / mod_alias before the handler runs.
 */
import type { IncomingMessage } from 'node:http';

/** Per-request state shared by condition matching and modules. */
export interface RequestCtx {
  /** The node request (headers, raw socket). */
  readonly raw: IncomingMessage;
  /** Request method, e.g. `GET`. */
  readonly method: string;
  /** The request-target exactly as received. */
  readonly target: string;
  /** Decoded, normalised path without query: what `$HTTP["url"]` compares. */
  path: string;
  /** Query string without `?` (empty when none): `$HTTP["querystring"]`. */
  query: string;
  /** The request authority (Host), lower-cased, as `$HTTP["host"]` sees it. */
  readonly host: string;
  /** `http` or `https`. */
  readonly scheme: 'http' | 'https';
  /** Client address (IPv4-mapped IPv6 shown as IPv4), and port. */
  readonly remoteAddr: string;
  readonly remotePort: number;
  /** The listening socket as `$SERVER["socket"]` names it, e.g. `127.0.0.1:8080` or `[::]:80`. */
  readonly serverSocket: string;
  /** Physical path once mapped from the document root (set by the core's docroot phase). */
  physicalPath?: string;
  /** Document root in effect for this request. */
  docRoot?: string;
}
