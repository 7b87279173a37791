/**
 * Wiring: config tree → server-scope settings → modules (lighttpd's load order) → listeners → serve.
 * One started server is one generation; a graceful restart (SIGUSR1, src/server/signals.ts) stops it
 * with handOver() and starts the next on the same listening sockets (`inherit`). Stopping as lighttpd
 * 1.4.69 (http-core.md §13.3): close() at once, shutdown() gracefully (in-flight requests get
 * `server.graceful-shutdown-timeout` seconds). Modules' close() is awaited before a generation counts
 * as stopped.
 */
import { unlinkSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import type { EngineSocket } from './http1/engine-socket.js';
import { DiagnosticList, formatDiagnostic } from './diagnostics.js';
import type { ConfigTree } from './config/tree.js';
import { loadConfig } from './config/load.js';
import { tick } from './http1/clock.js';
import { ErrorLog, logTimestamp, type LogTarget } from './log.js';
import { BUILTIN_MODULES, type ModuleRegistry } from './modules/registry.js';
import type { ServerFacts } from './modules/module.js';
import { compileModule, type CompiledModule } from './request/effective.js';
import { createPipeline, type Pipeline } from './request/router.js';
import { coreModule } from './server/core-config.js';
import { PRODUCT } from './product.js';
import type { App } from './server/handle.js';
import type { ListenerHandover } from './http1/server.js';
import { adoptListener, bindListener, listenerKey, type BoundListener } from './server/listeners.js';
import { setupModules } from './server/modules-setup.js';
import { readServerConf, type ServerConf } from './server/server-config.js';
import { planFds, waitRoom } from './server/fd-plan.js';
import { openFdCount, openFilesLimit } from './boot/fd-limit.js';
import { StartupError } from './server/startup-error.js';
import { runGenerations } from './server/signals.js';
import { buildListenerTls } from './server/tls-listener.js';
import { ConnectionSlots } from './http1/connection-slots.js';

export { StartupError } from './server/startup-error.js';

/** How to run. */
export interface StartOptions {
  /** `-D`: stay in the foreground; without `server.errorlog` the error log goes to stderr. */
  readonly foreground: boolean;
  /** `-i secs`: stop gracefully after that many seconds without any request. */
  readonly idleExitSeconds?: number;
  /** Same as idleExitSeconds (the CLI's name for it). */
  readonly idleTimeout?: number;
  /** Where the error log goes when `server.errorlog` is unset and running in the foreground (default: process.stderr). */
  readonly stderr?: NodeJS.WritableStream;
  /**
   * Listening sockets of the previous generation by listenerKey (graceful restart): a listener declared
   * the same way is served on its socket (the entry is taken out of the map); entries left when the
   * start succeeds are closed. If the start fails, the sockets it took are put back.
   */
  readonly inherit?: Map<string, ListenerHandover>;
  /** Module registry (default: BUILTIN_MODULES); tests may add modules. */
  readonly registry?: ModuleRegistry;
}

/** One bound listener as seen from outside. */
export interface ListenerInfo {
  /** The `$SERVER["socket"]` token (`:8080`, `127.0.0.1:0`, `/run/x.sock`). */
  readonly token: string;
  readonly address: string;
  /** The real port (the kernel's choice for port 0). */
  readonly port: number;
  /** Unix socket path, or null. */
  readonly path: string | null;
}

/** A started server. */
export interface RunningServer {
  readonly listeners: readonly ListenerInfo[];
  /** Resolves once the server has stopped (signal, idle exit, close() or shutdown()). */
  readonly stopped: Promise<void>;
  /** Immediate stop: listeners and connections closed, modules closed (`reason` goes into the stop line). */
  close(reason?: string): Promise<void>;
  /** Graceful stop: no new connections, in-flight requests finish within the graceful timeout. */
  shutdown(reason?: string): Promise<void>;
  /** SIGHUP: reopen the error log and module logs. */
  reopenLogs(): void;
  /**
   * Graceful restart, first half: new connections wait unread on the listening sockets while in-flight
   * requests finish (as shutdown()) and the modules close; resolves with the sockets for the next
   * generation (startServer's `inherit`). The pid file stays.
   */
  handOver(reason: string): Promise<Map<string, ListenerHandover>>;
  /** One error-log line (the generation's error log). */
  log(source: string, message: string): void;
  /** Connections the listeners serve now, upgraded ones included until they close. */
  readonly connectionCount: number;
}

function errorLogTarget(path: string, opts: StartOptions): LogTarget {
  if (path.startsWith('|')) {
    const child = spawn('/bin/sh', ['-c', path.slice(1)], { stdio: ['pipe', 'ignore', 'inherit'] });
    child.stdin.on('error', () => undefined);
    child.on('error', () => undefined);
    child.unref();
    return { kind: 'stream', stream: child.stdin };
  }
  if (path !== '') return { kind: 'file', path };
  return opts.foreground ? { kind: 'stream', stream: opts.stderr ?? process.stderr } : { kind: 'discard' };
}

/** How long a stop waits for a taken-over connection it destroyed to report its close. */
const CLOSE_WAIT_MS = 1000;

/** Destroys a connection a module took over; resolves once it has closed (its access-log line is written) or after CLOSE_WAIT_MS. */
function closed(socket: EngineSocket): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, CLOSE_WAIT_MS);
    timer.unref();
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.destroy();
  });
}

function dropPrivileges(conf: ServerConf): void {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return; // lighttpd: ignored unless root
  if (conf.chroot !== '') throw new StartupError('TSW_CHROOT', `server.chroot is not supported by tswstunnel (refusing to run as root without the jail): ${conf.chroot}`);
  if (conf.groupname !== '') {
    try {
      if (!process.setgid) throw new Error('no setgid');
      process.setgid(conf.groupname);
      process.setgroups?.([conf.groupname]);
    } catch {
      throw new StartupError('TSW_GROUP', `can't find groupname ${conf.groupname}`, 'server.c.1564');
    }
    if (process.getgid?.() === 0) throw new StartupError('TSW_GROUP', 'I will not set gid to 0', 'server.c.1570');
  }
  if (conf.username !== '') {
    try {
      if (!process.setuid) throw new Error('no setuid');
      process.setuid(conf.username);
    } catch {
      throw new StartupError('TSW_USER', `can't find username ${conf.username}`, 'server.c.1574');
    }
    if (process.getuid() === 0) throw new StartupError('TSW_USER', 'I will not set uid to 0', 'server.c.1580');
  }
}

/** Starts the server; throws StartupError (clear one-line message) when it cannot. */
export async function startServer(tree: ConfigTree, opts: StartOptions): Promise<RunningServer> {
  const diags = new DiagnosticList();
  const read = readServerConf(tree, diags);
  // the listening sockets are not open yet: counted as in use
  const inUse = openFdCount();
  const atStart = inUse === null ? null : inUse + read.listeners.length;
  const fds = planFds(read.maxFds, read.maxConnections, openFilesLimit(), atStart);
  const conf: ServerConf = { ...read, maxConnections: fds.maxConnections, waitRoom: waitRoom(fds, atStart, read.listeners.length) };
  const core = compileModule(coreModule, tree, diags);
  const { modules, warnings } = setupModules(tree, conf.modules, conf.compatModuleLoad, opts.registry ?? BUILTIN_MODULES, diags);
  const firstError = diags.items.find((d) => d.severity === 'error');
  if (firstError) throw new StartupError(firstError.code, formatDiagnostic(firstError), 'configfile.c.0');
  if (core.base.documentRoot === null || core.base.documentRoot === '') {
    throw new StartupError('TSW_NO_DOCROOT', 'server.document-root is not set', 'configfile.c.2593');
  }
  const errorLog = new ErrorLog(errorLogTarget(core.base.errorlog, opts));
  const log = (source: string, message: string): void => errorLog.write(source, message);
  for (const n of fds.notes) log(n.ref, n.text);

  let active = 0;
  // how often the last active request or tunnel ended: the idle check below notes when this changes
  // (no clock read per request; the idle time then counts from the check after, at most a second late)
  let quietEnds = 0;
  let drained: (() => void) | null = null;
  const upgradedSockets = new Set<EngineSocket>();
  let stoppedNow = false;
  const pipeline: Pipeline = createPipeline({ core, modules, url: conf.url, log, statCacheEngine: conf.statCacheEngine });
  const app: App = {
    pipeline,
    server: conf,
    connections: new ConnectionSlots(conf.maxConnections, log),
    log,
    activity: {
      begin: () => {
        active++;
      },
      end: () => {
        active--;
        if (active !== 0) return;
        quietEnds++;
        if (drained) drained();
      },
      upgraded: (socket) => {
        upgradedSockets.add(socket);
        socket.once('close', () => upgradedSockets.delete(socket));
      },
      get stoppedNow(): boolean {
        return stoppedNow;
      },
    },
  };

  const bound: BoundListener[] = [];
  /** Listeners served on inherited sockets, by key: given back if the start fails. */
  const adopted = new Map<string, BoundListener>();
  try {
    const startDiags = new DiagnosticList();
    for (const cm of modules) await cm.module.start?.(startDiags);
    const startError = startDiags.items.find((d) => d.severity === 'error');
    if (startError) throw new StartupError(startError.code, formatDiagnostic(startError), `${startError.code}`);
    for (const d of startDiags.items) log('server.c.0', formatDiagnostic(d));
    for (const spec of conf.listeners) for (const w of spec.warnings) log(w.ref, w.text);
    // TLS listeners: their certificates are read (again, on SIGUSR1) whether the socket is new or
    // adopted, before any socket changes hands, so that an unusable file changes nothing
    const contexts = new Map(conf.listeners.map((spec) => [spec, buildListenerTls(tree, spec)]));
    for (const built of contexts.values()) for (const w of built.warnings) log('mod_openssl.c.0', w);
    const inherit = opts.inherit;
    const fresh = inherit === undefined ? conf.listeners : conf.listeners.filter((spec) => !inherit.has(listenerKey(spec)));
    if (inherit !== undefined) {
      // sockets the new config does not declare the same way are closed first, so that a changed
      // declaration of the same address can bind again
      const wanted = new Set(conf.listeners.map(listenerKey));
      for (const [key, h] of inherit) {
        if (wanted.has(key)) continue;
        inherit.delete(key);
        h.detach();
        h.net.close();
        for (const s of h.waiting) s.destroy();
      }
    }
    for (const spec of conf.listeners) {
      if (fresh.includes(spec)) bound.push(await bindListener(spec, app, contexts.get(spec)?.tls ?? null));
    }
    dropPrivileges(conf);
    const facts: ServerFacts = {
      startedAt: Date.now(),
      maxConnections: conf.maxConnections,
      connections: () => bound.reduce((n, b) => n + b.server.connectionCount, 0),
      modules: modules.map((cm) => cm.module.name),
    };
    for (const cm of modules) await cm.module.init?.({ log: (m) => log(`${cm.module.name}.ts`, m), server: facts });
    // last, and synchronously: the inherited sockets start serving this generation
    for (const spec of conf.listeners) {
      const key = listenerKey(spec);
      const h = inherit?.get(key);
      if (h === undefined || fresh.includes(spec)) continue;
      inherit?.delete(key);
      const b = adoptListener(spec, app, h, contexts.get(spec)?.tls ?? null);
      adopted.set(key, b);
      bound.push(b);
    }
    // in the config's order, whatever was bound and whatever was adopted (listeners[0] is the main socket)
    bound.sort((a, b) => conf.listeners.indexOf(a.spec) - conf.listeners.indexOf(b.spec));
  } catch (e) {
    for (const [key, b] of adopted) opts.inherit?.set(key, b.server.release());
    for (const b of bound) b.server.close();
    await Promise.all(modules.map(async (cm) => cm.module.close?.().catch(() => undefined)));
    errorLog.close();
    if (e instanceof StartupError) throw e;
    throw new StartupError('TSW_STARTUP', e instanceof Error ? e.message : String(e));
  }
  if (conf.pidFile !== '') {
    try {
      writeFileSync(conf.pidFile, `${process.pid}\n`, { mode: 0o644 });
    } catch (e) {
      log('server.c.0', `opening pid-file failed: ${conf.pidFile} ${(e as Error).message}`);
    }
  }
  let resolveStopped: () => void = () => undefined;
  const stopped = new Promise<void>((r) => (resolveStopped = r));
  let stopping: Promise<void> | null = null;
  const timers: NodeJS.Timeout[] = [];

  /** `keepPidFile`: a graceful restart (the process goes on). */
  const finalStop = async (reason: string, keepPidFile = false): Promise<void> => {
    for (const b of bound) b.server.closeAllConnections();
    const closeModules = (which: readonly CompiledModule<object>[]): Promise<unknown> =>
      Promise.all(which.map(async (cm) => cm.module.close?.().catch((e: unknown) => log('server.c.0', `${cm.module.name}: close failed: ${String(e)}`))));
    // modules first: mod_wstunnel says goodbye to its tunnels (CLOSE 1001) before the sockets go; the
    // request-done ones (mod_accesslog) last, once the tunnels still open after a graceful stop have
    // closed and been logged, as lighttpd logs the connections its graceful-shutdown timeout cuts
    await closeModules(modules.filter((cm) => cm.module.onRequestDone === undefined));
    await Promise.all([...upgradedSockets].map((s) => closed(s)));
    await closeModules(modules.filter((cm) => cm.module.onRequestDone !== undefined));
    for (const t of timers) clearInterval(t);
    if (conf.pidFile !== '' && !keepPidFile) {
      try {
        unlinkSync(conf.pidFile);
      } catch {
        // already gone
      }
    }
    log('server.c.2078', `server stopped (${reason})`);
    errorLog.close();
    resolveStopped();
  };

  const close = (reason = 'close'): Promise<void> => {
    if (stopping) return stopping;
    stoppedNow = true;
    for (const b of bound) b.server.close();
    stopping = finalStop(reason);
    return stopping;
  };

  /** In-flight requests finish, within server.graceful-shutdown-timeout. */
  const drain = (): Promise<void> =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => resolve(), conf.gracefulShutdownTimeout * 1000);
      drained = () => {
        clearTimeout(timer);
        resolve();
      };
      if (active === 0) drained();
    });

  const shutdown = (reason = 'shutdown'): Promise<void> => {
    if (stopping) return stopping;
    log('server.c.1057', '[note] graceful shutdown started');
    for (const b of bound) {
      b.server.close();
      b.server.closeIdleConnections();
    }
    stopping = drain().then(() => finalStop(reason));
    return stopping;
  };

  const handOver = async (reason: string): Promise<Map<string, ListenerHandover>> => {
    if (stopping) throw new Error('the server is stopping already');
    log('server.c.1057', '[note] graceful shutdown started');
    for (const b of bound) {
      b.server.hold();
      b.server.closeIdleConnections();
    }
    let done = (): void => undefined;
    stopping = new Promise<void>((r) => (done = r));
    await drain();
    const sockets = new Map<string, ListenerHandover>();
    for (const b of bound) sockets.set(listenerKey(b.spec), b.server.release());
    await finalStop(reason, true);
    done();
    return sockets;
  };

  const reopenLogs = (): void => {
    errorLog.reopen();
    for (const cm of modules) cm.module.reopenLogs?.();
  };

  // only now: whoever waits for this line may signal us right away
  log('server.c.1704', `server started (${PRODUCT})`);
  for (const w of warnings) log(w.source, w.message);
  // the modules' config warnings (an unknown wstunnel.balance, a backend option with '_', DEPRECATED
  // keys, …): lighttpd writes them to the error log as it starts, so they are not only for -tt
  for (const d of diags.items) if (d.severity === 'warning') log('server.c.0', formatDiagnostic(d));
  const idleSeconds = opts.idleExitSeconds ?? opts.idleTimeout ?? 0;
  if (idleSeconds > 0) {
    const idleMs = idleSeconds * 1000;
    let lastActivity = tick();
    let seenEnds = quietEnds;
    const t = setInterval(() => {
      const now = tick();
      if (active !== 0 || seenEnds !== quietEnds) {
        seenEnds = quietEnds;
        lastActivity = now;
      } else if (now - lastActivity >= idleMs) {
        void shutdown('idle timeout');
      }
    }, Math.min(1000, idleMs));
    t.unref();
    timers.push(t);
  }

  return {
    listeners: bound.map((b) => ({ token: b.spec.token, address: b.address, port: b.port, path: b.spec.path })),
    stopped,
    close: (reason?: string) => close(reason),
    shutdown: (reason?: string) => shutdown(reason),
    reopenLogs,
    handOver,
    log,
    get connectionCount(): number {
      return bound.reduce((n, b) => n + b.server.connectionCount, 0);
    },
  };
}

/**
 * The CLI's entry: start, run with signal handling (src/server/signals.ts) until stopped, resolve to the
 * exit status (0 after a normal stop; 255 when the server cannot start, with one clear log line on stderr).
 * `reload` reads the config again for a graceful restart (null: it did not load; the reasons are logged).
 */
export function runServer(tree: ConfigTree, opts: StartOptions & { readonly configFile?: string }): Promise<number> {
  const file = opts.configFile;
  return runGenerations(tree, {
    start: (t, inherit) => startServer(t, { ...opts, inherit }),
    // a config read from stdin cannot be read again: the restart uses the same one
    reload: (report) => (file === undefined || file === '-' ? tree : reloadConfig(file, report)),
    startFailed: (e) => reportStartupError(e, opts),
  });
}

/** The config file read again for a graceful restart; null (after reporting why) when it does not load. */
function reloadConfig(file: string, report: (line: string) => void): ConfigTree | null {
  const result = loadConfig({ file, cwd: process.cwd(), env: process.env });
  for (const d of result.diagnostics) report(formatDiagnostic(d));
  return result.diagnostics.some((d) => d.severity === 'error') ? null : result.tree;
}

/** One line on stderr for a server that cannot start. */
function reportStartupError(e: unknown, opts: StartOptions): void {
  const err = opts.stderr ?? process.stderr;
  if (e instanceof StartupError) err.write(`${logTimestamp()}: (${e.source}) ${e.message}\n`);
  else err.write(`${logTimestamp()}: (server.c.0) ${e instanceof Error ? e.message : String(e)}\n`);
}
