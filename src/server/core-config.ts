/**
 * The core's own config keys (lighttpd src/configfile.c, http-core.md §7) as typed structures with
 * lighttpd 1.4.69's defaults.
 *
 * Connection-scope keys (may differ per conditional block) form the `core` pseudo-module, so the same
 * effective() machinery gives them per request. Server-scope keys are read from the global block once.
 */
import type { DiagnosticSink } from '../diagnostics.js';
import type { BlockValues, Module } from '../modules/module.js';
import { CORE_CONNECTION_KEYS } from '../config/key-catalogue.js';
import { readBool, readInt, readString } from './read-values.js';
import { PRODUCT } from '../product.js';
import { configBytes } from '../config/config-bytes.js';

/** Per-request core settings. */
export interface CoreConf {
  /** null when unset (startup fails if unset in every block: lighttpd "server.document-root is not set"). */
  readonly documentRoot: string | null;
  readonly name: string;
  /** Server header value; empty → no Server header. */
  readonly tag: string;
  /** KiB; 0 = unlimited. */
  readonly maxRequestSize: number;
  readonly maxKeepAliveRequests: number;
  readonly maxKeepAliveIdle: number;
  readonly maxReadIdle: number;
  readonly maxWriteIdle: number;
  readonly errorfilePrefix: string;
  readonly errorHandler: string;
  readonly errorHandler404: string;
  readonly forceLowercaseFilenames: boolean;
  readonly followSymlink: boolean;
  readonly protocolHttp11: boolean;
  readonly errorlog: string;
}

const DEFAULTS: CoreConf = {
  documentRoot: null,
  name: '',
  tag: PRODUCT,
  maxRequestSize: 0,
  maxKeepAliveRequests: 1000,
  maxKeepAliveIdle: 5,
  maxReadIdle: 60,
  maxWriteIdle: 360,
  errorfilePrefix: '',
  errorHandler: '',
  errorHandler404: '',
  forceLowercaseFilenames: false,
  followSymlink: true,
  protocolHttp11: true,
  errorlog: '',
};

type Mutable<T> = { -readonly [K in keyof T]: T[K] };


/** Compiles the connection-scope core keys of one block. */
function compileCore(values: BlockValues, report: DiagnosticSink): Partial<CoreConf> {
  const out: Partial<Mutable<CoreConf>> = {};
  const str = (k: string): string | undefined => {
    const e = values.entries.get(k);
    return e ? readString(e, report) : undefined;
  };
  const int = (k: string, max?: number): number | undefined => {
    const e = values.entries.get(k);
    return e ? readInt(e, report, max) : undefined;
  };
  const bool = (k: string): boolean | undefined => {
    const e = values.entries.get(k);
    return e ? readBool(e, report) : undefined;
  };
  const set = <K extends keyof CoreConf>(k: K, v: CoreConf[K] | undefined): void => {
    if (v !== undefined) out[k] = v;
  };
  set('documentRoot', str('server.document-root'));
  set('name', str('server.name'));
  // lighttpd: a tag of only whitespace sends no Server header; the tag goes out as its UTF-8 bytes
  const tag = str('server.tag');
  set('tag', tag === undefined ? undefined : tag.trim() === '' ? '' : configBytes(tag));
  set('maxRequestSize', int('server.max-request-size'));
  set('maxKeepAliveRequests', int('server.max-keep-alive-requests', 65535));
  set('maxKeepAliveIdle', int('server.max-keep-alive-idle', 65535));
  set('maxReadIdle', int('server.max-read-idle', 65535));
  set('maxWriteIdle', int('server.max-write-idle', 65535));
  set('errorfilePrefix', str('server.errorfile-prefix'));
  set('errorHandler', str('server.error-handler'));
  set('errorHandler404', str('server.error-handler-404'));
  set('forceLowercaseFilenames', bool('server.force-lowercase-filenames'));
  set('followSymlink', bool('server.follow-symlink'));
  set('protocolHttp11', bool('server.protocol-http11'));
  set('errorlog', str('server.errorlog'));
  return out;
}

/** The `core` pseudo-module: always first, never listed in server.modules. */
export const coreModule: Module<CoreConf> = {
  name: 'core',
  keys: CORE_CONNECTION_KEYS,
  defaults: DEFAULTS,
  compile: compileCore,
};
