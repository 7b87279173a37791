/**
 * Backend definitions parsed from a `*.server` value (`wstunnel.server`, `proxy.server`), as lighttpd's
 * gw_backend.c reads them (backends.md §1–§3):
 *
 *   xxx.server = ( "<key>" => ( "<label>" => ( "<option>" => value, ... ), ( ... ) ), ... )
 *
 * The outer key is a URL-path prefix (starts with `/`) or suffix (anything else; `""` matches all);
 * each host is TCP (`host`/`port`), a unix socket (`socket`, or a `host` starting with `/`), and may be
 * spawned from `bin-path`. This file only checks and converts: no sockets, no processes.
 */
import type { DiagnosticSink, SourceLoc } from '../diagnostics.js';
import type { ConfigValue } from '../config/tree.js';
import { parseHost } from './host-spec.js';
import { toStringPairs } from './values.js';

/** A TCP or unix-socket address; `host` may still be a name until the pool resolves it at start. */
export type BackendAddress =
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number }
  | { readonly kind: 'unix'; readonly path: string };

/** How to start local processes for a host (`bin-path` and friends, backends.md §4). */
export interface SpawnSpec {
  /** `bin-path` split on blanks (no quoting, no PATH search). */
  readonly argv: readonly string[];
  readonly binPath: string;
  /** `bin-environment` pairs, in order. */
  readonly environment: ReadonlyArray<readonly [string, string]>;
  /** `bin-copy-environment`; empty means "copy everything". */
  readonly copyEnvironment: readonly string[];
  readonly maxProcs: number;
  readonly minProcs: number;
  readonly maxLoadPerProc: number;
  readonly idleTimeout: number;
  readonly listenBacklog: number;
  readonly killSignal: number;
}

/** One host of a `*.server` key. Times are in seconds, as written. */
export interface HostSpec {
  /** The explicit label, or the list index as text for unlabelled hosts. */
  readonly label: string;
  /** For a spawned host, the base address (process i uses `socket-i` or `port+i`). */
  readonly address: BackendAddress;
  readonly spawn: SpawnSpec | null;
  readonly disableTime: number;
  readonly connectTimeout: number;
  readonly readTimeout: number;
  readonly writeTimeout: number;
  readonly tcpFinPropagate: boolean;
  readonly xSendfile: boolean;
  readonly xSendfileDocroot: readonly string[];
  /** Options this layer does not interpret (e.g. mod_proxy's `upgrade`), lower-cased name → value. */
  readonly extra: ReadonlyMap<string, ConfigValue>;
  readonly loc?: SourceLoc;
}

/** One key of `*.server` with its hosts, in config order. */
export interface ExtensionSpec {
  readonly key: string;
  readonly hosts: readonly HostSpec[];
}

/** The whole parsed `*.server` value. */
export interface ServerSpec {
  /** The directive, e.g. `wstunnel.server` (used in messages and logs). */
  readonly directive: string;
  readonly extensions: readonly ExtensionSpec[];
  readonly loc?: SourceLoc;
}

/** A `*.map-extensions` entry: a URL suffix mapped to an existing server key. */
export interface MapExtension {
  readonly suffix: string;
  readonly target: string;
}

function error(report: DiagnosticSink, code: string, message: string, loc: SourceLoc | undefined): void {
  report.report({ severity: 'error', code, message, ...(loc ? { loc } : {}) });
}

/**
 * Parses a `*.server` value. Returns null (after reporting) when the value cannot be used.
 * `directive` is the key as lighttpd spells it, e.g. `wstunnel.server`.
 */
export function parseServerSpec(value: ConfigValue, directive: string, report: DiagnosticSink): ServerSpec | null {
  const shapeHint = `${directive} should have been a list of key => list like ${directive} = ( "..." => ( "..." => "..." ) )`;
  if (value.type !== 'array') {
    error(report, 'TSW_BACKEND_SHAPE', shapeHint, value.loc);
    return null;
  }
  const extensions: ExtensionSpec[] = [];
  let ok = true;
  for (const ext of value.items) {
    const loc = ext.value.loc ?? value.loc;
    if (ext.key === null || ext.value.type !== 'array') {
      error(report, 'TSW_BACKEND_SHAPE', shapeHint, loc);
      ok = false;
      continue;
    }
    const hosts: HostSpec[] = [];
    ext.value.items.forEach((h, index) => {
      if (h.value.type !== 'array') {
        // lighttpd: options written directly under the key, without a host list around them
        const near = h.key === null ? printValue(h.value) : `[${h.key}](${h.value.type})`;
        error(
          report,
          'TSW_BACKEND_SHAPE',
          `unexpected value for gw.server near ${near}; expected ( "ext" => ( "backend-label" => ( "key" => "value" )))`,
          h.value.loc ?? loc,
        );
        ok = false;
        return;
      }
      const label = h.key ?? String(index);
      const host = parseHost(h.value, { directive, extKey: ext.key ?? '', label }, report);
      if (host) hosts.push(host);
      else ok = false;
    });
    extensions.push({ key: ext.key, hosts });
  }
  if (!ok) return null;
  return { directive, extensions, ...(value.loc ? { loc: value.loc } : {}) };
}

function printValue(v: ConfigValue): string {
  return v.type === 'string' ? `"${v.value}"` : v.type === 'integer' ? String(v.value) : '( ... )';
}

/** Parses `*.map-extensions` (`( ".ws2" => ".ws" )`). */
export function parseMapExtensions(value: ConfigValue, directive: string, report: DiagnosticSink): MapExtension[] | null {
  const pairs = toStringPairs(value, directive, { report, loc: value.loc });
  if (!pairs) return null;
  return pairs.map(([suffix, target]) => ({ suffix, target }));
}

/** The connection name lighttpd logs: `tcp:127.0.0.1:5900` or `unix:/path`. */
export function addressName(a: BackendAddress): string {
  return a.kind === 'tcp' ? `tcp:${a.host}:${a.port}` : `unix:${a.path}`;
}

/** The address of spawned process `i`: `socket-i` or `port + i` (backends.md §4.2). */
export function procAddress(base: BackendAddress, i: number): BackendAddress {
  return base.kind === 'unix' ? { kind: 'unix', path: `${base.path}-${i}` } : { kind: 'tcp', host: base.host, port: base.port + i };
}
