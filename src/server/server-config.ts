/**
 * Server-scope core settings, read once from the global block (and the listener list from every
 * `$SERVER["socket"] == "…"` block): http-core.md §7.1, §4.1, §7.4.
 */
import { isIP } from 'node:net';
import type { DiagnosticSink } from '../diagnostics.js';
import { findEntry, type ConfigBlock, type ConfigEntry, type ConfigTree } from '../config/tree.js';
import { DEFAULT_URL_OPTIONS, type UrlOptions } from '../request/normalize.js';
import { parseStatCacheEngine, type StatCacheEngine } from '../http/stat-cache.js';
import { parseBool, readBool, readInt, readKeyValues, readString, readStringList } from './read-values.js';
import { readTlsSettings, type TlsSettings } from './tls-options.js';
import { DEFAULT_V6_SETTINGS, v6Only, v6Warnings, type ListenWarning, type V6Settings } from './ipv6-listen.js';

/** One socket to listen on. */
export interface ListenSpec {
  /** What `$SERVER["socket"]` compares: `:80`, `127.0.0.1:8080`, `[::]:80`, `/run/x.sock`. */
  readonly token: string;
  /** Unix socket path, or null for TCP. */
  readonly path: string | null;
  /** Address to bind (`0.0.0.0`, `::`, a host name or literal). */
  readonly host: string;
  readonly port: number;
  /** IPv6 clients only (ipv6-listen.ts: lighttpd's v6-only default, `server.v4mapped`, `server.set-v6only`). */
  readonly ipv6Only: boolean;
  /** The family a host name is looked up for (bind-address.ts): 6 under `server.use-ipv6` or in `[…]`. */
  readonly lookupFamily: 4 | 6;
  /** What lighttpd warns about this socket at startup. */
  readonly warnings: readonly ListenWarning[];
  readonly backlog: number;
  /** The `ssl.*` settings of this socket (global ones overridden by its `$SERVER["socket"]` block); TLS when `tls.engine`. */
  readonly tls: TlsSettings;
}

/** Server-wide settings. */
export interface ServerConf {
  readonly listeners: readonly ListenSpec[];
  readonly modules: readonly string[];
  readonly compatModuleLoad: boolean;
  readonly username: string;
  readonly groupname: string;
  readonly chroot: string;
  readonly pidFile: string;
  /** Whole header block limit in bytes (lighttpd caps it at 65535). */
  readonly maxRequestFieldSize: number;
  /** `server.max-fds` as configured, 0 when unset (the server's plan: fd-plan.ts). */
  readonly maxFds: number;
  /** `server.max-connections`: as configured (0 when unset) until the server plans its descriptors (fd-plan.ts). */
  readonly maxConnections: number;
  /** Connections that may wait unread per listener beyond the limit (fd-plan.ts; unbounded until planned). */
  readonly waitRoom: number;
  readonly url: UrlOptions;
  readonly hostStrict: boolean;
  readonly headerStrict: boolean;
  /** `server.http-parseopts` method-get-body: GET/HEAD may carry a body. */
  readonly methodGetBody: boolean;
  /** server.feature-flags "server.graceful-shutdown-timeout" (seconds). */
  readonly gracefulShutdownTimeout: number;
  readonly logRequestHeaderOnError: boolean;
  /** `server.stat-cache-engine`: "disable" stats on every request, anything else caches ("simple"). */
  readonly statCacheEngine: StatCacheEngine;
}

const PARSEOPTS: Readonly<Record<string, keyof UrlOptions | 'header-strict' | 'host-strict' | 'host-normalize' | 'method-get-body' | 'url-path-backslash-trans' | 'url-normalize-unreserved'>> = {
  'header-strict': 'header-strict',
  'host-strict': 'host-strict',
  'host-normalize': 'host-normalize',
  'url-normalize': 'normalize',
  'url-normalize-unreserved': 'url-normalize-unreserved',
  'url-normalize-required': 'required',
  'url-ctrls-reject': 'ctrlsReject',
  'url-path-2f-decode': 'path2fDecode',
  'url-path-2f-reject': 'path2fReject',
  'url-path-dotseg-remove': 'dotsegRemove',
  'url-path-dotseg-reject': 'dotsegReject',
  'url-query-20-plus': 'query20Plus',
  'url-invalid-utf8-reject': 'invalidUtf8Reject',
  'method-get-body': 'method-get-body',
  'url-path-backslash-trans': 'url-path-backslash-trans',
};

function entry(tree: ConfigTree, key: string): ConfigEntry | undefined {
  return findEntry(tree.global, key);
}

/**
 * Parses a `$SERVER["socket"]` token (or bind + port) into a listen spec. `name` is how lighttpd names the
 * socket in its warnings (the token, or `bind:port` for the main socket).
 */
export function parseSocketToken(token: string, defaultPort: number, v6: V6Settings, backlog: number, tls: TlsSettings, name = token): ListenSpec | null {
  if (token.startsWith('/')) return { token, path: token, host: '', port: 0, ipv6Only: false, lookupFamily: 4, warnings: [], backlog, tls };
  let host: string;
  let portText: string;
  if (token.startsWith('[')) {
    const close = token.indexOf(']');
    if (close < 0) return null;
    host = token.slice(1, close);
    portText = token.slice(close + 1).replace(/^:/, '');
    const port = portText === '' ? defaultPort : Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65535) return null;
    return { token, path: null, host: host === '' ? '::' : host, port, ipv6Only: v6Only(v6), lookupFamily: 6, warnings: v6Warnings(name, true, v6), backlog, tls };
  }
  const colon = token.lastIndexOf(':');
  host = colon >= 0 ? token.slice(0, colon) : token;
  portText = colon >= 0 ? token.slice(colon + 1) : '';
  const port = portText === '' ? defaultPort : Number(portText);
  if (!/^[0-9]*$/.test(portText) || port > 65535) return null;
  const isV6 = isV6Host(host, v6.useIpv6);
  const bindHost = host === '' ? (v6.useIpv6 ? '::' : '0.0.0.0') : host;
  return { token, path: null, host: bindHost, port, ipv6Only: isV6 && v6Only(v6), lookupFamily: v6.useIpv6 ? 6 : 4, warnings: v6Warnings(name, isV6, v6), backlog, tls };
}

/** Whether a socket's host (without brackets) makes an IPv6 socket. */
function isV6Host(host: string, useIpv6: boolean): boolean {
  if (host === '') return useIpv6;
  const literal = isIP(host);
  // lighttpd: under server.use-ipv6 a host name is looked up for IPv6 (bind-address.ts); a literal is what it is
  return literal === 0 ? useIpv6 : literal === 6;
}

interface SocketSettings {
  readonly v6: V6Settings;
  readonly backlog: number;
  readonly tls: TlsSettings;
}

function socketBlockSettings(block: ConfigBlock, report: DiagnosticSink, inherit?: SocketSettings): SocketSettings {
  const b = findEntry(block, 'server.listen-backlog');
  const v6 = inherit?.v6 ?? DEFAULT_V6_SETTINGS;
  const bool = (key: string, dflt: boolean): boolean => {
    const e = findEntry(block, key);
    return e ? (readBool(e, report) ?? dflt) : dflt;
  };
  const mapped = findEntry(block, 'server.v4mapped');
  const backlog = inherit?.backlog ?? 1024;
  return {
    v6: {
      useIpv6: bool('server.use-ipv6', v6.useIpv6),
      setV6only: bool('server.set-v6only', v6.setV6only),
      v4mapped: mapped ? (readBool(mapped, report) ?? v6.v4mapped) : v6.v4mapped,
    },
    backlog: b ? (readInt(b, report) ?? backlog) : backlog,
    tls: readTlsSettings(block, report, inherit?.tls),
  };
}

function readListeners(tree: ConfigTree, report: DiagnosticSink): ListenSpec[] {
  const global = socketBlockSettings(tree.global, report);
  const portEntry = entry(tree, 'server.port');
  const port = portEntry ? (readInt(portEntry, report, 65535) ?? 80) : global.tls.engine ? 443 : 80;
  const bindEntry = entry(tree, 'server.bind');
  const bind = bindEntry ? (readString(bindEntry, report) ?? '') : '';
  const out: ListenSpec[] = [];
  let main: ListenSpec | null;
  if (bind.startsWith('/')) main = parseSocketToken(bind, port, global.v6, global.backlog, global.tls);
  else if (bind === '') main = parseSocketToken(`:${port}`, port, global.v6, global.backlog, global.tls);
  else {
    const isV6 = bind.includes(':');
    const hostText = isV6 && !bind.startsWith('[') ? `[${bind}]` : bind;
    main = parseSocketToken(`${hostText}:${port}`, port, global.v6, global.backlog, global.tls, `${bind}:${port}`);
  }
  if (!main) reportBad(report, bindEntry ?? portEntry, `invalid server.bind / server.port: ${bind}:${port}`);
  else out.push(main);
  for (const block of tree.blocks) {
    const c = block.condition;
    if (!c || c.field !== 'socket' || c.op !== '==' || block.isPlainElse) continue;
    const same = out.findIndex((l) => l.token === c.value);
    const listed = out[same];
    // the block names a socket already listed (the main one): its ssl.* settings apply to that socket
    if (listed) {
      out[same] = { ...listed, tls: readTlsSettings(block, report, listed.tls) };
      continue;
    }
    const s = socketBlockSettings(block, report, global);
    const spec = parseSocketToken(c.value, port, s.v6, s.backlog, s.tls);
    if (!spec) reportBad(report, undefined, `invalid $SERVER["socket"] value: ${c.value}`, c.loc);
    else out.push(spec);
  }
  return out;
}

function reportBad(report: DiagnosticSink, e: ConfigEntry | undefined, message: string, loc = e?.value.loc ?? e?.loc): void {
  report.report({ severity: 'error', code: 'TSW_CONFIG_BAD_VALUE', message, ...(loc ? { loc } : {}) });
}

function readUrlOptions(tree: ConfigTree, report: DiagnosticSink): { url: UrlOptions; hostStrict: boolean; headerStrict: boolean; methodGetBody: boolean } {
  const e = entry(tree, 'server.http-parseopts');
  let hostStrict = true;
  let headerStrict = true;
  const legacyHeader = entry(tree, 'server.http-parseopt-header-strict');
  const legacyHost = entry(tree, 'server.http-parseopt-host-strict');
  if (legacyHeader) headerStrict = readBool(legacyHeader, report) ?? true;
  if (legacyHost) hostStrict = readBool(legacyHost, report) ?? true;
  let methodGetBody = false;
  if (!e) return { url: DEFAULT_URL_OPTIONS, hostStrict, headerStrict, methodGetBody };
  const pairs = readKeyValues(e, report) ?? [];
  const url: { -readonly [K in keyof UrlOptions]: UrlOptions[K] } = { ...DEFAULT_URL_OPTIONS, required: false };
  let sawUnreserved = false;
  const explicit = new Set<string>();
  for (const [k, v] of pairs) {
    const name = PARSEOPTS[k.toLowerCase()];
    const b = parseBool(v);
    if (!name) {
      reportBad(report, e, `unrecognized key for server.http-parseopts: ${k}`);
      continue;
    }
    if (b === undefined) {
      reportBad(report, e, `unrecognized value for server.http-parseopts: ${k} => ${v.type === 'string' ? v.value : '?'} (expect "[enable|disable]")`);
      continue;
    }
    explicit.add(name);
    if (name === 'header-strict') headerStrict = b;
    else if (name === 'host-strict') hostStrict = b;
    else if (name === 'url-normalize-unreserved') sawUnreserved = b;
    else if (name === 'method-get-body') methodGetBody = b;
    else if (name === 'host-normalize' || name === 'url-path-backslash-trans') continue;
    else url[name] = b;
  }
  if (url.path2fDecode && url.path2fReject && explicit.has('path2fDecode')) reportBad(report, e, 'conflicting options in server.http-parseopts:url-path-2f-decode, url-path-2f-reject');
  if (url.dotsegRemove && url.dotsegReject && explicit.has('dotsegRemove')) reportBad(report, e, 'conflicting options in server.http-parseopts:url-path-dotseg-remove, url-path-dotseg-reject');
  if (url.path2fReject) url.path2fDecode = false;
  if (url.dotsegReject) url.dotsegRemove = false;
  // lighttpd: neither unreserved nor required enabled → unreserved + invalid-utf8-reject are implied
  if (!sawUnreserved && !url.required) url.invalidUtf8Reject = true;
  return { url, hostStrict, headerStrict, methodGetBody };
}

function featureFlag(tree: ConfigTree, report: DiagnosticSink, name: string): string | undefined {
  const e = entry(tree, 'server.feature-flags');
  if (!e) return undefined;
  for (const [k, v] of readKeyValues(e, report) ?? []) {
    if (k.toLowerCase() === name) return v.type === 'string' || v.type === 'integer' ? String(v.value) : undefined;
  }
  return undefined;
}

/** Reads every server-scope setting the core uses. */
export function readServerConf(tree: ConfigTree, report: DiagnosticSink): ServerConf {
  const str = (k: string): string => {
    const e = entry(tree, k);
    return e ? (readString(e, report) ?? '') : '';
  };
  const int = (k: string, dflt: number, max?: number): number => {
    const e = entry(tree, k);
    return e ? (readInt(e, report, max) ?? dflt) : dflt;
  };
  const bool = (k: string, dflt: boolean): boolean => {
    const e = entry(tree, k);
    return e ? (readBool(e, report) ?? dflt) : dflt;
  };
  const modulesEntry = entry(tree, 'server.modules');
  const { url, hostStrict, headerStrict, methodGetBody } = readUrlOptions(tree, report);
  const graceful = Number(featureFlag(tree, report, 'server.graceful-shutdown-timeout') ?? '8');
  return {
    listeners: readListeners(tree, report),
    modules: modulesEntry ? (readStringList(modulesEntry, report) ?? []) : [],
    compatModuleLoad: bool('server.compat-module-load', true),
    username: str('server.username'),
    groupname: str('server.groupname'),
    chroot: str('server.chroot'),
    pidFile: str('server.pid-file'),
    maxRequestFieldSize: Math.min(int('server.max-request-field-size', 8192), 65535),
    maxFds: int('server.max-fds', 0, 65535),
    maxConnections: int('server.max-connections', 0, 65535),
    waitRoom: Number.POSITIVE_INFINITY,
    url,
    hostStrict,
    headerStrict,
    methodGetBody,
    gracefulShutdownTimeout: Number.isFinite(graceful) && graceful >= 0 ? graceful : 8,
    logRequestHeaderOnError: bool('debug.log-request-header-on-error', false),
    statCacheEngine: parseStatCacheEngine(str('server.stat-cache-engine')),
  };
}
