/**
 * One host of a `*.server` key: its options checked and converted as gw_backend.c does
 * (backends.md §2). Unknown options are kept in `extra` (a module such as mod_proxy may read them);
 * option names written with `_` instead of `-` get lighttpd's warning and are ignored.
 */
import { accessSync, constants, statSync } from 'node:fs';
import type { DiagnosticSink, SourceLoc } from '../diagnostics.js';
import type { ConfigArray, ConfigValue } from '../config/tree.js';
import type { BackendAddress, HostSpec, SpawnSpec } from './spec.js';
import { toBool, toNumber, toStr, toStringList, toStringPairs, type ValueContext } from './values.js';

/** Which host is being read, for messages. */
export interface HostWhere {
  readonly directive: string;
  readonly extKey: string;
  readonly label: string;
}

const SHORTS = ['port', 'kill-signal', 'min-procs', 'max-procs', 'max-load-per-proc', 'idle-timeout', 'disable-time'];
const INTS = ['listen-backlog', 'connect-timeout', 'write-timeout', 'read-timeout'];
const BOOLS = ['check-local', 'broken-scriptfilename', 'fix-root-scriptname', 'allow-x-send-file', 'x-sendfile', 'tcp-fin-propagate'];
const STRINGS = ['host', 'socket', 'bin-path', 'mode', 'docroot', 'strip-request-uri'];
const KNOWN = new Set([...SHORTS, ...INTS, ...BOOLS, ...STRINGS, 'bin-environment', 'bin-copy-environment', 'x-sendfile-docroot']);

/** Longest unix socket path lighttpd accepts (sizeof(sun_path) - 2). */
const MAX_SOCKET_PATH = 106;

interface RawOptions {
  readonly nums: Map<string, number>;
  readonly bools: Map<string, boolean>;
  readonly strs: Map<string, string>;
  readonly extra: Map<string, ConfigValue>;
  env: Array<[string, string]>;
  copyEnv: string[];
  docroots: string[];
}

function readOptions(value: ConfigArray, report: DiagnosticSink): RawOptions | null {
  const raw: RawOptions = { nums: new Map(), bools: new Map(), strs: new Map(), extra: new Map(), env: [], copyEnv: [], docroots: [] };
  let ok = true;
  for (const item of value.items) {
    const ctx: ValueContext = { report, loc: item.value.loc ?? value.loc };
    if (item.key === null) continue;
    const name = item.key.toLowerCase();
    if (!KNOWN.has(name)) {
      if (name.includes('_')) {
        const loc = item.value.loc ?? value.loc;
        report.report({
          severity: 'warning',
          code: 'TSW_BACKEND_UNDERSCORE',
          message: `incorrect directive contains underscore ('_') instead of dash ('-'): ${item.key}`,
          ...(loc ? { loc } : {}),
        });
      } else {
        raw.extra.set(name, item.value);
      }
      continue;
    }
    let got: unknown;
    if (SHORTS.includes(name) || INTS.includes(name)) {
      got = toNumber(item.value, name, SHORTS.includes(name) ? 'short' : 'int', ctx);
      if (typeof got === 'number') raw.nums.set(name, got);
    } else if (BOOLS.includes(name)) {
      got = toBool(item.value, name, ctx);
      if (typeof got === 'boolean') raw.bools.set(name, got);
    } else if (STRINGS.includes(name)) {
      got = toStr(item.value, name, ctx);
      if (typeof got === 'string') raw.strs.set(name, got);
    } else if (name === 'bin-environment') {
      got = toStringPairs(item.value, name, ctx);
      if (Array.isArray(got)) raw.env = got as Array<[string, string]>;
    } else {
      got = toStringList(item.value, name, ctx);
      if (Array.isArray(got)) {
        if (name === 'bin-copy-environment') raw.copyEnv = got as string[];
        else raw.docroots = got as string[];
      }
    }
    if (got === undefined) ok = false;
  }
  return ok ? raw : null;
}

function describe(where: HostWhere): string {
  return `${where.directive} = ( "${where.extKey}" => ( "${where.label}" => ( ... ) ) )`;
}

/** Parses one host's options. Returns null after reporting an error. */
export function parseHost(value: ConfigArray, where: HostWhere, report: DiagnosticSink): HostSpec | null {
  const raw = readOptions(value, report);
  if (!raw) return null;
  const loc = value.loc;
  const fail = (code: string, message: string, at: SourceLoc | undefined = loc): null => {
    report.report({ severity: 'error', code, message, ...(at ? { loc: at } : {}) });
    return null;
  };

  const mode = raw.strs.get('mode') ?? '';
  if (mode === 'authorizer') {
    return fail('TSW_BACKEND_AUTHORIZER', `${where.directive} must not define any hosts with attribute "mode" = "authorizer"`);
  }
  if (mode !== '' && mode !== 'responder') {
    report.report({
      severity: 'warning',
      code: 'TSW_BACKEND_MODE',
      message: `unknown gw mode: ${mode} (ignored, mode set to responder)`,
      ...(loc ? { loc } : {}),
    });
  }

  let host = raw.strs.get('host') ?? '';
  let socket = raw.strs.get('socket') ?? '';
  const port = raw.nums.get('port') ?? 0;
  const binPath = raw.strs.get('bin-path') ?? '';
  // lighttpd: a host that starts with '/' names a unix socket
  if (host.startsWith('/') && socket === '') {
    socket = host;
    host = '';
  }
  if (socket !== '' && (host !== '' || port !== 0)) {
    return fail('TSW_BACKEND_ADDRESS_CONFLICT', `either host/port or socket have to be set in: ${describe(where)}`);
  }
  let address: BackendAddress;
  if (socket !== '') {
    if (Buffer.byteLength(socket) > MAX_SOCKET_PATH) return fail('TSW_BACKEND_SOCKET_TOO_LONG', `unixsocket is too long in: ${describe(where)}`);
    address = { kind: 'unix', path: socket };
  } else {
    if (host === '' && binPath === '') return fail('TSW_BACKEND_NO_ADDRESS', `host or bin-path have to be set in: ${describe(where)}`);
    address = { kind: 'tcp', host: host === '' ? '127.0.0.1' : host, port: port === 0 ? 80 : port };
  }

  let spawn: SpawnSpec | null = null;
  if (binPath !== '') {
    const argv = binPath.split(/[ \t]+/).filter((s) => s !== '');
    checkExecutable(argv[0] ?? '', binPath, report, loc);
    const maxProcs = raw.nums.get('max-procs') ?? 4;
    spawn = {
      argv,
      binPath,
      environment: raw.env,
      copyEnvironment: raw.copyEnv,
      maxProcs,
      minProcs: Math.min(raw.nums.get('min-procs') ?? 4, maxProcs),
      maxLoadPerProc: raw.nums.get('max-load-per-proc') ?? 1,
      idleTimeout: raw.nums.get('idle-timeout') ?? 60,
      listenBacklog: raw.nums.get('listen-backlog') ?? 1024,
      killSignal: raw.nums.get('kill-signal') ?? 15,
    };
  }

  return {
    label: where.label,
    address,
    spawn,
    disableTime: raw.nums.get('disable-time') ?? 1,
    connectTimeout: raw.nums.get('connect-timeout') ?? 8,
    readTimeout: raw.nums.get('read-timeout') ?? 0,
    writeTimeout: raw.nums.get('write-timeout') ?? 0,
    tcpFinPropagate: raw.bools.get('tcp-fin-propagate') ?? false,
    xSendfile: raw.bools.get('x-sendfile') ?? raw.bools.get('allow-x-send-file') ?? false,
    xSendfileDocroot: raw.docroots,
    extra: raw.extra,
    ...(loc ? { loc } : {}),
  };
}

function checkExecutable(file: string, binPath: string, report: DiagnosticSink, loc: SourceLoc | undefined): void {
  let ok = false;
  try {
    ok = statSync(file).isFile();
    accessSync(file, constants.X_OK);
  } catch {
    ok = false;
  }
  if (ok) return;
  report.report({
    severity: 'warning',
    code: 'TSW_BACKEND_BIN_PATH',
    message: `invalid "bin-path" => "${binPath}" (check that file exists, is regular file, and is executable by lighttpd)`,
    ...(loc ? { loc } : {}),
  });
}
