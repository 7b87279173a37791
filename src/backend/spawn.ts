/**
 * Spawning `bin-path` processes exactly as lighttpd's gw_backend.c does (backends.md §4):
 * probe the address first (an existing listener is used, nothing is spawned), create a listening
 * socket, start the program with that socket as fd 0 (fd 1 → /dev/null, fd 2 → our stderr), cwd =
 * the program's directory, argv = bin-path split on blanks, environment per bin-environment /
 * bin-copy-environment plus PHP_FCGI_CHILDREN=1. A child that exits is respawned, at most once per
 * second; at shutdown each child gets `kill-signal` (SIGKILL if it lingers) and its socket file goes.
 *
 * Node has no public way to hand a listening socket to a child as fd 0: we create it with
 * `net.Server.listen()`, pass the handle's descriptor as an integer stdio entry (the child gets a
 * dup), and close our copy in the same tick, before the event loop could accept on it. libuv unlinks
 * a unix socket's path when its server closes, so the socket is bound under a temporary name and
 * renamed into place first (a unix socket is reached through its inode, so the rename keeps it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { renameSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { addressName, type BackendAddress, type SpawnSpec } from './spec.js';

/** How long a child may take to exit after `kill-signal` before it gets SIGKILL. */
const KILL_GRACE_MS = 3000;
/** lighttpd restarts a process at most once per second. */
const RESPAWN_INTERVAL_MS = 1000;

/** What a supervisor tells its owner. */
export interface SupervisorHooks {
  log(message: string): void;
  /** The process (or a listener that was already there) serves the address. */
  onUp(pid: number): void;
  /** The process is gone; the owner takes it out of rotation until onUp. */
  onDown(): void;
}

/** The environment of a spawned process (backends.md §4.3). */
export function buildEnvironment(spec: SpawnSpec, parent: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const env: Record<string, string> = {};
  if (spec.copyEnvironment.length > 0) {
    for (const name of spec.copyEnvironment) {
      const v = parent[name];
      if (v !== undefined) env[name] = v;
    }
  } else {
    for (const [k, v] of Object.entries(parent)) if (v !== undefined) env[k] = v;
  }
  for (const [k, v] of spec.environment) env[k] = v;
  env.PHP_FCGI_CHILDREN ??= '1';
  return env;
}

/** Tries to connect; resolves to null when something listens, else to the error code. */
export function probeAddress(address: BackendAddress): Promise<string | null> {
  return new Promise((resolve) => {
    const s = address.kind === 'tcp' ? net.connect({ host: address.host, port: address.port }) : net.connect({ path: address.path });
    s.once('connect', () => {
      s.destroy();
      resolve(null);
    });
    s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'EIO'));
  });
}

/** The OS descriptor behind a listening net.Server (Node keeps it on the undocumented handle). */
export function listenerFd(server: net.Server): number {
  const handle: unknown = (server as unknown as { _handle?: unknown })._handle;
  const fd = typeof handle === 'object' && handle !== null ? (handle as { fd?: unknown }).fd : undefined;
  if (typeof fd !== 'number' || fd < 0) throw new Error('listening socket has no file descriptor');
  return fd;
}

/** Binds a listening socket for one process; for unix sockets under a temporary name (see header). */
export function openListener(address: BackendAddress, backlog: number): Promise<{ server: net.Server; tmpPath: string | null }> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    let tmpPath: string | null = null;
    if (address.kind === 'unix') {
      tmpPath = path.join(path.dirname(address.path), `.${path.basename(address.path)}.${randomBytes(6).toString('hex')}`);
      server.listen({ path: tmpPath, backlog });
    } else {
      server.listen({ host: address.host, port: address.port, backlog, exclusive: true });
    }
    server.once('listening', () => {
      server.off('error', reject);
      resolve({ server, tmpPath });
    });
  });
}

/** Supervises one process slot of a `bin-path` host: start, respawn, stop. */
export class ProcessSupervisor {
  readonly spec: SpawnSpec;
  readonly address: BackendAddress;
  readonly #hooks: SupervisorHooks;
  readonly #env: Record<string, string>;
  #child: ChildProcess | null = null;
  #lastStart = -Infinity;
  #respawnTimer: NodeJS.Timeout | null = null;
  #closing = false;
  /** True when the address was served by someone else and nothing was spawned. */
  isExternal = false;

  constructor(spec: SpawnSpec, address: BackendAddress, hooks: SupervisorHooks, env: Readonly<Record<string, string | undefined>> = process.env) {
    this.spec = spec;
    this.address = address;
    this.#hooks = hooks;
    this.#env = buildEnvironment(spec, env);
  }

  /** The running child's pid, or 0. */
  get pid(): number {
    return this.#child?.pid ?? 0;
  }

  /** First start. Rejects when the program cannot be started at all (a fatal startup error). */
  async start(): Promise<void> {
    const probe = await probeAddress(this.address);
    if (probe === null) {
      // lighttpd: "socket is already used; won't spawn"
      this.isExternal = true;
      this.#hooks.onUp(0);
      return;
    }
    await this.#spawnOnce(probe);
  }

  async #spawnOnce(probeCode: string | null): Promise<void> {
    if (this.address.kind === 'unix' && probeCode !== null && probeCode !== 'ENOENT') {
      // a stale socket file (ECONNREFUSED): lighttpd unlinks it and logs the connect error
      this.#hooks.log(`connect ${this.address.path}: ${probeCode === 'ECONNREFUSED' ? 'Connection refused' : probeCode}`);
      tryUnlink(this.address.path);
    }
    const { server, tmpPath } = await openListener(this.address, this.spec.listenBacklog);
    // From here to server.close() everything is synchronous, so the event loop never accepts on it.
    let child: ChildProcess;
    try {
      if (tmpPath !== null && this.address.kind === 'unix') renameSync(tmpPath, this.address.path);
      const argv0 = this.spec.argv[0] ?? '';
      const file = path.resolve(argv0);
      child = spawn(file, this.spec.argv.slice(1), {
        argv0,
        cwd: path.dirname(file),
        env: this.#env,
        stdio: [listenerFd(server), 'ignore', 'inherit'],
      });
    } finally {
      server.close();
    }
    this.#lastStart = Date.now();
    this.#child = child;
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', () => {
        child.off('error', reject);
        resolve();
      });
      child.once('error', (err: NodeJS.ErrnoException) => {
        this.#hooks.log(`gw-backend failed to start: ${this.spec.binPath}: ${err.message}`);
        reject(err);
      });
    });
    child.on('error', (err) => this.#hooks.log(`error on child ${this.spec.binPath}: ${err.message}`));
    child.once('exit', (code, signal) => this.#childOnExit(child, code, signal));
    this.#hooks.onUp(child.pid ?? 0);
  }

  #childOnExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.#child === child) this.#child = null;
    if (this.#closing) return;
    if (signal !== null) this.#hooks.log(`child signalled: ${signal} ${addressName(this.address)}`);
    else this.#hooks.log(`child exited: ${code ?? 0} ${addressName(this.address)}`);
    this.#hooks.onDown();
    this.#scheduleRespawn();
  }

  #scheduleRespawn(): void {
    if (this.#closing || this.#respawnTimer) return;
    const wait = Math.max(0, this.#lastStart + RESPAWN_INTERVAL_MS - Date.now());
    this.#respawnTimer = setTimeout(() => {
      this.#respawnTimer = null;
      if (this.#closing) return;
      this.#hooks.log(`new proc, socket: ${addressName(this.address)}`);
      probeAddress(this.address)
        .then((code) => (code === null ? this.#adoptExternal() : this.#spawnOnce(code)))
        .catch((err: unknown) => {
          this.#hooks.log(`ERROR: spawning gw failed. ${err instanceof Error ? err.message : String(err)}`);
          this.#lastStart = Date.now();
          this.#scheduleRespawn();
        });
    }, wait);
    this.#respawnTimer.unref();
  }

  #adoptExternal(): void {
    this.isExternal = true;
    this.#hooks.onUp(0);
  }

  /** Sends `kill-signal`, waits for the exit (SIGKILL after a grace period), removes the socket file. */
  async close(): Promise<void> {
    this.#closing = true;
    if (this.#respawnTimer) clearTimeout(this.#respawnTimer);
    this.#respawnTimer = null;
    const child = this.#child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill(this.spec.killSignal);
      const timer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
      await exited;
      clearTimeout(timer);
    }
    this.#child = null;
    if (!this.isExternal && this.address.kind === 'unix') tryUnlink(this.address.path);
  }
}

function tryUnlink(p: string): void {
  try {
    unlinkSync(p);
  } catch {
    // already gone
  }
}
