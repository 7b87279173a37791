/**
 * The module interface: a TypeScript form of lighttpd's plugin struct (src/plugin.h).
 *
 * A module declares its config keys, compiles each config block's values once at startup, and offers
 * optional hooks. A hook returns 'continue' to let the next module look at the request, or 'handled'
 * when it owns the request from then on (lighttpd's HANDLER_GO_ON / HANDLER_FINISHED).
 *
 * Before any request, `onAccept` runs once per accepted connection on listeners where `acceptWanted`
 * said yes (lighttpd's connection-accept hook: mod_extforward's PROXY protocol header).
 *
 * Phases (http-core.md §1.1), each run in `server.modules` order (after compat edits), with the
 * module's effective config for this request:
 *   onUriRaw      uri-raw: mod_rewrite. May change `req.target` and return 'restart'.
 *   onUriClean    uri-clean: mod_access, mod_auth, mod_redirect, mod_setenv, gateways. A gateway claims
 *                 the request by setting `req.handler = this.name` and returning 'continue' (the list goes
 *                 on); its `onRequest` is then called directly after the uri phases (no file check).
 *   onDocroot     docroot: mod_evhost, mod_simple_vhost. May set `req.docRoot` (and `req.serverName`); runs
 *                 for gateway requests too, before the gateway's `onRequest`.
 *   onPhysical    physical: mod_alias (changes `req.physicalPath`), rewrite-if-not-file ('restart'),
 *                 mod_userdir (replaces `req.physicalPath`, sets `req.basedir`).
 *   onRequest     subrequest-start / handler: mod_indexfile, mod_access (2nd check), mod_dirlisting,
 *                 mod_staticfile. The core's file check already ran: `req.fileStat` / `req.pathInfo`.
 *   onResponseStart  just before the response header is written (also for core error pages): add headers.
 *   onRequestDone after the response finished (mod_accesslog).
 *
 * Answering: write the whole response to `res` and return 'handled'; or, for an error, set
 * `req.status` (400–599) without writing anything and return 'handled' — the core then builds
 * lighttpd's error document (server.errorfile-prefix, server.error-handler, header reset).
 * A 3xx without body: set `req.status` and a `Location` header with res.setHeader, return 'handled'.
 *
 * Core keys (`server.tag`, `server.max-read-idle`, `server.document-root`, …) are the core's: a module
 * reads them from `req.core`, the request's merged core config, and never lists them in its own keys.
 */
import type { HttpResponse } from '../http1/response.js';
import type { PrefaceReader } from '../http1/preface.js';
import type { DiagnosticSink } from '../diagnostics.js';
import type { ConfigBlock, ConfigEntry } from '../config/tree.js';
import type { RequestCtx, RequestDone } from '../request/context.js';

/** What a hook decided; 'restart' = the hook rewrote `req.target`, run the request again (max 100). */
export type Outcome = 'continue' | 'handled' | 'restart';

/** The value type a key expects, as lighttpd's config tables name them (config-keys-1.4.69.md). */
export type KeyType =
  | 'string'
  | 'integer'
  | 'short'
  | 'boolean'
  | 'array'
  | 'array-of-strings'
  | 'array-kv-strings'
  | 'array-kv-any'
  | 'array-kv-array';

/** Scope of a key: anywhere, only in the global block (server), or global / `$SERVER["socket"] ==`. */
export type KeyScope = 'connection' | 'server' | 'socket';

/** One key a module claims. */
export interface KeySpec {
  readonly type: KeyType;
  readonly scope?: KeyScope;
}

/** The entries of one block that belong to a module's keys (keys lower-cased ASCII). */
export interface BlockValues {
  readonly block: ConfigBlock;
  /** Lower-cased key → entry; only keys the module declared. */
  readonly entries: ReadonlyMap<string, ConfigEntry>;
}

/** What the server says about itself (mod_status). */
export interface ServerFacts {
  /** When this server generation started (ms since the epoch). */
  readonly startedAt: number;
  /** `server.max-connections`. */
  readonly maxConnections: number;
  /** Connections open right now, on every listener. */
  connections(): number;
  /** The loaded modules in load order, as `server.modules` names them. */
  readonly modules: readonly string[];
}

/** Things a module may use at startup (compile/init) besides its values. */
export interface ModuleEnv {
  /** One line to the error log, e.g. `wstunnel: connect 127.0.0.1:5900 failed`. */
  log(message: string): void;
  /** The server's own facts (absent where no server runs, e.g. in unit tests). */
  readonly server?: ServerFacts;
}

/** A module: mostly data (keys, defaults) plus optional hooks. */
export interface Module<C extends object> {
  /** Exactly as written in `server.modules`, e.g. `mod_wstunnel`. */
  readonly name: string;
  /** Raw key (lighttpd spelling, lower case) → spec. */
  readonly keys: Readonly<Record<string, KeySpec>>;
  readonly defaults: Readonly<C>;
  /** Once per block at startup. Report bad values with the value's own loc. */
  compile(values: BlockValues, report: DiagnosticSink): Partial<C>;
  /** Once at startup after every block compiled (open log files, start timers). */
  init?(env: ModuleEnv): void | Promise<void>;
  /** uri-raw phase (mod_rewrite). */
  onUriRaw?(req: RequestCtx, res: HttpResponse, conf: C): Outcome | Promise<Outcome>;
  /** uri-clean phase (access, auth, redirect, setenv, gateway claims). */
  onUriClean?(req: RequestCtx, res: HttpResponse, conf: C): Outcome | Promise<Outcome>;
  /** docroot phase (evhost, simple_vhost): choose the document root. */
  onDocroot?(req: RequestCtx, res: HttpResponse, conf: C): Outcome | Promise<Outcome>;
  /** physical phase (alias, rewrite-if-not-file, userdir). */
  onPhysical?(req: RequestCtx, res: HttpResponse, conf: C): Outcome | Promise<Outcome>;
  /** A normal HTTP request: subrequest-start / handler phase. */
  onRequest?(req: RequestCtx, res: HttpResponse, conf: C): Outcome | Promise<Outcome>;
  /** Response headers are about to be written (setenv response headers). Synchronous. */
  onResponseStart?(req: RequestCtx, res: HttpResponse, conf: C): void;
  /** The response is complete (or the connection aborted). */
  onRequestDone?(req: RequestCtx, done: RequestDone, conf: C): void;
  /**
   * An HTTP/1.1 request with `Upgrade` (or CONNECT); the connection is lent, raw after the request head:
   * `req.raw.socket` is it as a net.Socket (made on first use), `req.raw.takeStream` its handle for
   * good, `req.raw.io` what counts and closes it. `head`: bytes read after the request head.
   */
  onUpgrade?(req: RequestCtx, head: Buffer, conf: C): Outcome | Promise<Outcome>;
  /**
   * Connection accept (lighttpd handle_connection_accept), before HTTP and, on a TLS listener, before
   * the handshake when a TLS module comes earlier in the module list. `conf`: the module's config from
   * the blocks decided at accept (`$SERVER["socket"]`, `$HTTP["remote-ip"]`: src/request/accept-match.ts);
   * `remoteAddr`: the peer. Returns the reader of the connection's first read (a PROXY header), or null.
   */
  onAccept?(conf: C, remoteAddr: string): PrefaceReader | null;
  /**
   * Whether onAccept may want connections of a block with these values (asked at startup for the global
   * block and each block that may hold at accept): a listener where no answer is true never calls onAccept.
   */
  acceptWanted?(values: Partial<C>): boolean;
  /**
   * Server start, after every block was compiled and before listening (not for -t / -tt): spawn
   * `bin-path` backends, resolve backend host names. Errors reported here stop the server.
   */
  start?(report: DiagnosticSink): Promise<void>;
  /** SIGHUP: reopen log files. */
  reopenLogs?(): void;
  /** Server shutdown: close backends, reap children, flush logs. */
  close?(): Promise<void>;
}

/** A module of any config type (modules are bivariant in C through method syntax). */
export type AnyModule = Module<object>;
