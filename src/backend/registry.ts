/**
 * Every backend host of one server instance: builds the runtime groups from parsed specs, shares a
 * spawned host between config blocks that name the same socket + bin-path (lighttpd spawns it once),
 * resolves host names and starts `min-procs` processes at startup, and stops them at shutdown.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Diagnostic, DiagnosticSink } from '../diagnostics.js';
import { addressName, procAddress, type HostSpec, type ServerSpec } from './spec.js';
import { BackendExtension, BackendGroup, BackendHost, BackendProc, SYSTEM_CLOCK, setProcState, type BackendLog, type Clock } from './pool.js';
import { ProcessSupervisor } from './spawn.js';

/** Options for a registry. */
export interface RegistryOptions {
  /** One line per event (the module adds its prefix). */
  readonly log: BackendLog;
  readonly clock?: Clock;
  /** Environment spawned processes start from (default: process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Owns all hosts; create one per server instance (a module instance holds it). */
export class BackendRegistry {
  readonly log: BackendLog;
  readonly clock: Clock;
  readonly #env: Readonly<Record<string, string | undefined>>;
  /** Spawned hosts by `address|bin-path`. */
  readonly #local = new Map<string, BackendHost>();
  readonly #hosts: BackendHost[] = [];
  #closed = false;
  #ticker: NodeJS.Timeout | null = null;

  constructor(opts: RegistryOptions) {
    this.log = opts.log;
    this.clock = opts.clock ?? SYSTEM_CLOCK;
    this.#env = opts.env ?? process.env;
  }

  /** Every host, in creation order. */
  get hosts(): readonly BackendHost[] {
    return this.#hosts;
  }

  /** Builds the runtime group for one parsed `*.server` value; reports duplicate unix sockets. */
  createGroup(spec: ServerSpec, debug: number, report: DiagnosticSink): BackendGroup {
    const exts = spec.extensions.map((e) => new BackendExtension(e.key, e.hosts.map((h) => this.#host(h, spec, report))));
    return new BackendGroup(spec.directive, exts, debug);
  }

  #host(spec: HostSpec, server: ServerSpec, report: DiagnosticSink): BackendHost {
    if (spec.spawn) {
      const id = addressName(spec.address);
      const existing = this.#local.get(id);
      if (existing) {
        if (existing.spec.spawn?.binPath === spec.spawn.binPath) return existing;
        const loc = spec.loc ?? server.loc;
        report.report({
          severity: 'error',
          code: 'TSW_BACKEND_DUPLICATE_SOCKET',
          message: `duplicate unixsocket path: ${id.replace(/^unix:/, '')}`,
          ...(loc ? { loc } : {}),
        });
      }
      const host = new BackendHost(spec);
      this.#local.set(id, host);
      this.#hosts.push(host);
      return host;
    }
    const host = new BackendHost(spec);
    const known = spec.address.kind === 'unix' || isIP(spec.address.host) !== 0;
    host.procs.push(new BackendProc(0, spec.address, known ? 'up' : 'starting'));
    this.#hosts.push(host);
    return host;
  }

  /**
   * Startup: resolves host names (first address only, like lighttpd; `localhost` is 127.0.0.1) and spawns `min-procs`
   * processes per `bin-path` host. Returns the fatal problems (empty when all went well).
   */
  async start(): Promise<Diagnostic[]> {
    const problems: Diagnostic[] = [];
    await Promise.all(
      this.#hosts.map(async (host) => {
        try {
          await this.#resolve(host);
          if (host.spec.spawn) {
            for (let i = 0; i < host.spec.spawn.minProcs; i++) await this.spawnProc(host);
          }
        } catch (err) {
          const loc = host.spec.loc;
          problems.push({
            severity: 'error',
            code: 'TSW_BACKEND_START',
            message: err instanceof Error ? err.message : String(err),
            ...(loc ? { loc } : {}),
          });
        }
      }),
    );
    // lighttpd's once-per-second maintenance: idle surplus processes of adaptive hosts are stopped
    if (this.#hosts.some((h) => h.spec.spawn && h.spec.spawn.minProcs < h.spec.spawn.maxProcs)) {
      this.#ticker = setInterval(() => this.reapIdle(), 1000);
      this.#ticker.unref();
    }
    return problems;
  }

  /**
   * Adaptive spawning (backends.md §4.6): at most one process per host and call is stopped when the
   * host has more than `min-procs`, and the process has no load and was last used over
   * `idle-timeout` seconds ago.
   */
  reapIdle(): void {
    const now = this.clock.now();
    for (const host of this.#hosts) {
      const spawn = host.spec.spawn;
      if (!spawn || host.procs.length <= spawn.minProcs) continue;
      const idle = host.procs.find((p) => p.load === 0 && p.pid > 0 && p.state === 'up' && now - p.lastUsed > spawn.idleTimeout * 1000);
      if (!idle) continue;
      this.log(`idle-timeout reached, terminating child: socket: ${idle.name} pid ${idle.pid}`);
      host.procs.splice(host.procs.indexOf(idle), 1);
      setProcState(idle, 'dead');
      idle.supervisor?.close().catch((err: unknown) => this.log(`stopping ${idle.name} failed: ${String(err)}`));
    }
  }

  async #resolve(host: BackendHost): Promise<void> {
    const a = host.spec.address;
    if (a.kind !== 'tcp' || isIP(a.host) !== 0) return;
    let ip: string;
    if (a.host === 'localhost') {
      // lighttpd (sock_addr_from_str_hints): exactly "localhost" is 127.0.0.1, never asked of the
      // resolver, which answers ::1 first with Debian's /etc/hosts (a backend on 127.0.0.1 only: refused)
      ip = '127.0.0.1';
    } else {
      try {
        ip = (await lookup(a.host)).address;
      } catch {
        throw new Error(`getaddrinfo failed: Name or service not known '${a.host}'`);
      }
    }
    host.address = { kind: 'tcp', host: ip, port: a.port };
    const remote = host.procs[0];
    if (!host.spec.spawn && remote) {
      host.procs[0] = new BackendProc(0, host.address, 'up');
    }
  }

  /** Starts one more process for a `bin-path` host (ids 0, 1, …; the newest goes first in the list). */
  async spawnProc(host: BackendHost): Promise<BackendProc> {
    const spawn = host.spec.spawn;
    if (!spawn) throw new Error('not a bin-path host');
    // the lowest free id: an idle-stopped process leaves a gap that the next one fills
    let id = 0;
    while (host.procs.some((p) => p.id === id)) id++;
    const proc = new BackendProc(id, procAddress(host.address, id), 'starting');
    proc.lastUsed = this.clock.now();
    host.procs.unshift(proc);
    const sup = new ProcessSupervisor(
      spawn,
      proc.address,
      {
        log: this.log,
        onUp: (pid) => {
          proc.pid = pid;
          setProcState(proc, 'up');
        },
        onDown: () => {
          proc.pid = 0;
          setProcState(proc, 'dead');
        },
      },
      this.#env,
    );
    proc.supervisor = sup;
    if (this.#closed) return proc;
    try {
      await sup.start();
    } catch (err) {
      setProcState(proc, 'dead');
      throw new Error(`ERROR: spawning gw failed: ${spawn.binPath}: ${err instanceof Error ? err.message : String(err)}`);
    }
    return proc;
  }

  /** Shutdown: every spawned process gets its kill-signal; socket files are removed. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#ticker) clearInterval(this.#ticker);
    const sups: Promise<void>[] = [];
    for (const h of this.#hosts) {
      for (const p of h.procs) {
        if (p.supervisor) sups.push(p.supervisor.close());
        setProcState(p, 'dead');
      }
    }
    await Promise.all(sups);
  }
}
