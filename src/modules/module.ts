/**
 * The module interface: a TypeScript form of lighttpd's plugin struct (src/plugin.h).
 *
 * A module declares its config keys, compiles each config block's values once at startup, and offers
 * optional hooks. A hook returns 'continue' to let the next module look at the request, or 'handled'
 * when it owns the request from then on (lighttpd's HANDLER_GO_ON / HANDLER_FINISHED).
 */
import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { DiagnosticSink } from '../diagnostics.js';
import type { ConfigBlock, ConfigEntry } from '../config/tree.js';
import type { RequestCtx } from '../request/context.js';

/** What a hook decided. */
export type Outcome = 'continue' | 'handled';

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

/** A module: mostly data (keys, defaults) plus optional hooks. */
export interface Module<C extends object> {
  /** Exactly as written in `server.modules`, e.g. `mod_wstunnel`. */
  readonly name: string;
  /** Raw key (lighttpd spelling, lower case) → spec. */
  readonly keys: Readonly<Record<string, KeySpec>>;
  readonly defaults: Readonly<C>;
  /** Once per block at startup. Report bad values with the value's own loc. */
  compile(values: BlockValues, report: DiagnosticSink): Partial<C>;
  /** A normal HTTP request. */
  onRequest?(req: RequestCtx, res: ServerResponse, conf: C): Outcome | Promise<Outcome>;
  /** An HTTP/1.1 request with `Upgrade`; the socket is raw after the request head. */
  onUpgrade?(req: RequestCtx, socket: Duplex, head: Buffer, conf: C): Outcome | Promise<Outcome>;
  /**
   * Server start, after every block was compiled and before listening (not for -t / -tt): spawn
   * `bin-path` backends, resolve backend host names. Errors reported here stop the server.
   */
  start?(report: DiagnosticSink): Promise<void>;
  /** Server shutdown: close backends, reap children. */
  close?(): Promise<void>;
}
