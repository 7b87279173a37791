/**
 * RequestCtx: what lighttpd's request_st holds that conditions and modules read.
 *
 * Built once per request by the server core from the engine's request (src/http1/); `target`, `path` and `query`
 * may be changed by mod_rewrite (then the hook returns 'restart') and `physicalPath` by mod_alias.
 */
import type { HttpRequest } from '../http1/request.js';
import type { FileEntry } from '../http/stat-cache.js';
import type { CoreConf } from '../server/core-config.js';
import type { MatchState } from './match.js';

/** Per-request state shared by condition matching and modules. */
export interface RequestCtx {
  /** The engine's request: headers, raw header pairs, version, socket, body stream. */
  readonly raw: HttpRequest;
  /** Request method, e.g. `GET` (the error-handler re-dispatch forces `GET`). */
  method: string;
  /** `HTTP/1.1` or `HTTP/1.0`. */
  readonly protocol: 'HTTP/1.0' | 'HTTP/1.1';
  /** The request-target exactly as received (what accesslog `%r` shows). */
  readonly targetOrig: string;
  /**
   * The normalised, still percent-encoded target with query (what url.rewrite / url.redirect match).
   * A uri-raw hook may assign a new target starting with `/` and return 'restart'.
   */
  target: string;
  /** Decoded, normalised path without query: what `$HTTP["url"]` compares. */
  path: string;
  /** Query string without `?` (empty when none): `$HTTP["querystring"]`. */
  query: string;
  /** The request authority (Host), normalised, as `$HTTP["host"]` sees it; empty when absent. */
  readonly host: string;
  /** `http` or `https`. */
  scheme: 'http' | 'https';
  /** Client address (IPv4-mapped IPv6 shown as IPv4), and port. mod_extforward may replace it. */
  remoteAddr: string;
  /** 0 once mod_extforward replaced the address (lighttpd keeps no port for it). */
  remotePort: number;
  /** Local address and port of the connection. */
  readonly localAddr: string;
  readonly localPort: number;
  /** The listening socket as `$SERVER["socket"]` names it, e.g. `127.0.0.1:8080` or `[::]:80`. */
  readonly serverSocket: string;
  /** Request headers by lower-case name; repeats joined with `, ` (Cookie with `; `). */
  readonly headers: ReadonlyMap<string, string>;
  /** How request headers added after arrival (mod_setenv) are spelled, by lower-case name; unset when none. */
  addedHeaderNames?: Map<string, string>;
  /**
   * The core config in effect (lighttpd's r->conf): defaults, the global block, then every matching
   * conditional block in order, the last one winning per key. The core sets it at the start of each
   * pass (router beginPass), so after a rewrite it follows the new target. Modules read core keys
   * (`server.document-root`, `server.name`, `server.tag`, `server.max-read-idle`, …) here and nowhere else.
   */
  core: Readonly<CoreConf>;
  /** The condition results of the current pass (router beginPass); mod_extforward makes it forget some. */
  match: MatchState | null;
  /** The document root a docroot hook chose for this pass (mod_evhost, mod_simple_vhost); unset: `core.documentRoot`. */
  docRoot?: string;
  /**
   * The directory the physical path was built below when a physical hook replaced the document root
   * (mod_userdir: lighttpd's r->physical.basedir); unset: `docRoot`, else `core.documentRoot`.
   */
  basedir?: string;
  /** The server name mod_simple_vhost chose (accesslog `%v`); unset: `server.name`, else the Host. */
  serverName?: string;
  /** Physical path: document root + path (set by the core; mod_alias may change it). */
  physicalPath?: string;
  /** The stat-cache entry of `physicalPath` from the core's file check (or mod_indexfile), if it exists. */
  fileStat?: FileEntry;
  /** The part of `path` after an existing regular file (`/file.txt/extra` → `/extra`). */
  pathInfo?: string;
  /** Module name of a gateway that claimed the request in uri-clean (lighttpd's r->handler_module). */
  handler?: string;
  /**
   * Set by mod_deflate when it may compress this response: whether a complete body of this Content-Type
   * and length will be compressed. lighttpd's Range stage then does nothing (no 206, no Accept-Ranges).
   */
  compressesBody?: (contentType: string, length: number) => boolean;
  /**
   * Upgrade requests, when a loaded module has response-start hooks (mod_setenv, mod_expire): builds the
   * head of a response a module writes itself on the raw connection (a 101, a refusal) with those hooks
   * run on it, as lighttpd runs them for every response. Unset otherwise: the module writes its own.
   */
  rawResponseHead?: RawResponseHead;
  /** Status for the core to answer with (an error document for >= 400, an empty body for 3xx). */
  status?: number;
  /**
   * The status of a head a module wrote itself on a connection it took over after an upgrade (the 101
   * before a tunnel, a refusal). The core hands it to the request-done hooks (mod_accesslog) when that
   * connection closes: lighttpd 1.4.69 logs a tunnel when it ends. Unset: nothing is logged.
   */
  rawStatus?: number;
  /**
   * The traffic of a tunnel on a connection a module took over (set with rawStatus 101 / 200): the access
   * log's byte counts and `%X` come from it when the connection closes, as lighttpd counts a tunnel's
   * frames or relayed bytes in its request. Unset: the request head in, nothing out.
   */
  rawTraffic?: RawTraffic;
  /**
   * Request environment (setenv.add-environment, REDIRECT_STATUS, REMOTE_USER for auth). Starts as the
   * shared empty NO_ENV (no Map per request); written through setEnv().
   */
  env: ReadonlyMap<string, string>;
  /** Captures of the `=~` conditions that matched, by block id (for `%N`); NO_CAPTURES until one does. */
  captures: ReadonlyMap<number, readonly string[]>;
  /** How many requests this connection served before this one (accesslog `%k`). */
  readonly keepAliveIndex: number;
  /** When the request head was received (ms since epoch, high resolution). */
  readonly startTime: number;
}

/**
 * The head (status line to the empty line) for `status` and the module's headers in order: then the
 * response-start hooks' changes, `Content-Length` when given, `Connection`, `Date` and `Server`.
 */
export type RawResponseHead = (status: number, headers: readonly (readonly [string, string])[], connection: 'close' | 'upgrade', contentLength?: number) => string;

/**
 * Bytes a tunnel moved on the client connection, read when its connection closes. Counting costs the
 * tunnel an integer add per read at most (writes: the socket's own counter).
 */
export interface RawTraffic {
  /** Client bytes read after the request head (those that came with the head included). */
  readonly bytesIn: number;
  /** Bytes written to the client, the module's own response head included. */
  readonly bytesOut: number;
  /** Length of that head (accesslog `%b` leaves it out). */
  readonly headBytes: number;
  /** The client went away, or the server cut the tunnel (accesslog `%X` is `X`), rather than the protocol's end. */
  readonly aborted: boolean;
}

/** What the core knows when a request is finished (for mod_accesslog). */
export interface RequestDone {
  /** Final status code sent (0 when nothing was sent). */
  readonly status: number;
  /** Response body bytes sent (excluding the header); -1 when nothing at all was sent. */
  readonly bodyBytes: number;
  /** Header bytes sent (estimate of the status line + header block). */
  readonly headerBytes: number;
  /** Request bytes received (header estimate + body). */
  readonly bytesIn: number;
  /** Whether the connection stays open after this response ('+'), closes ('-') or was aborted ('X'). */
  readonly connState: '+' | '-' | 'X';
  /** Response headers as sent (lower-case names). */
  readonly responseHeaders: ReadonlyMap<string, string>;
  /** When the response finished (ms since epoch). */
  readonly endTime: number;
}

/** Returns a request header (lower-case name) or the empty string, as lighttpd's conditions do. */
export function headerOf(req: RequestCtx, name: string): string {
  return req.headers.get(name.toLowerCase()) ?? '';
}

/** An empty map that refuses writes: the shared starting value of per-request maps (none allocated per request). */
class EmptyMap<K, V> extends Map<K, V> {
  override set(): this {
    throw new TypeError('shared empty map: use setEnv / setCapture');
  }
}

/** The environment of a request nobody added to. */
export const NO_ENV: ReadonlyMap<string, string> = new EmptyMap<string, string>();

/** The captures of a pass in which no `=~` condition captured anything. */
export const NO_CAPTURES: ReadonlyMap<number, readonly string[]> = new EmptyMap<number, readonly string[]>();

/** Sets a request environment variable (the request gets a map of its own on the first one). */
export function setEnv(req: RequestCtx, name: string, value: string): void {
  let env = req.env;
  if (env === NO_ENV) {
    env = new Map<string, string>();
    req.env = env;
  }
  (env as Map<string, string>).set(name, value);
}

/** Keeps the captures of a matching `=~` block for `%N`. */
export function setCapture(req: RequestCtx, blockId: number, caps: readonly string[]): void {
  let m = req.captures;
  if (m === NO_CAPTURES) {
    m = new Map<number, readonly string[]>();
    req.captures = m;
  }
  (m as Map<number, readonly string[]>).set(blockId, caps);
}
