/**
 * The runtime side of a `*.server` value, shaped like lighttpd's gw_backend.h: a group (the value)
 * has extensions (its keys), an extension has hosts, a host has processes. Processes carry the load
 * and the up/disabled/dead state; hosts carry the load the balancer compares.
 *
 * State changes go through `setProcState` only (lighttpd's gw_proc_set_state). Time comes from an
 * injected clock so disable-time is unit-tested without waiting.
 */
import { addressName, type BackendAddress, type HostSpec, type MapExtension } from './spec.js';
import { pickHostIndex, type BalanceAlgorithm, type BalanceRequest } from './balance.js';
import type { ProcessSupervisor } from './spawn.js';

/** Milliseconds since some epoch; `Date.now` in production, a fake in tests. */
export interface Clock {
  now(): number;
}

/** The real clock. */
export const SYSTEM_CLOCK: Clock = { now: () => Date.now() };

/** Where the backend layer writes its one-line-per-event log. */
export type BackendLog = (message: string) => void;

/** A process slot: `starting` until it serves, `disabled` after a connect failure, `dead` until respawned. */
export type ProcState = 'starting' | 'up' | 'disabled' | 'dead';

/** One process of a host (a remote host has exactly one). */
export class BackendProc {
  readonly id: number;
  readonly address: BackendAddress;
  readonly name: string;
  state: ProcState;
  load = 0;
  disabledUntil = 0;
  pid = 0;
  lastUsed = 0;
  supervisor: ProcessSupervisor | null = null;

  constructor(id: number, address: BackendAddress, state: ProcState) {
    this.id = id;
    this.address = address;
    this.name = addressName(address);
    this.state = state;
  }
}

/** Changes a process's state; the single place where that happens. */
export function setProcState(proc: BackendProc, state: ProcState, disabledUntil = 0): void {
  proc.state = state;
  proc.disabledUntil = state === 'disabled' ? disabledUntil : 0;
}

/** One host of a key. Several extensions (and config blocks) may share one host object. */
export class BackendHost {
  readonly spec: HostSpec;
  /** Processes, most recently created first (lighttpd's list order). */
  readonly procs: BackendProc[] = [];
  load = 0;
  /** Address with the host name resolved (set at start; the spec's address until then). */
  address: BackendAddress;

  constructor(spec: HostSpec) {
    this.spec = spec;
    this.address = spec.address;
  }

  /** What hash/sticky hash: the IP text or the unix socket path. */
  get hashName(): string {
    return this.address.kind === 'tcp' ? this.address.host : this.address.path;
  }

  get port(): number {
    return this.address.kind === 'tcp' ? this.address.port : 0;
  }

  get isLocal(): boolean {
    return this.spec.spawn !== null;
  }

  /** Re-enables processes whose disable-time has passed; logs like lighttpd. */
  refresh(now: number, log: BackendLog): void {
    for (const p of this.procs) {
      if (p.state === 'disabled' && now >= p.disabledUntil) {
        setProcState(p, 'up');
        log(`gw-server re-enabled: ${p.name}`);
      }
    }
  }

  /** True when at least one process can take a request now. */
  isUsable(): boolean {
    return this.procs.some((p) => p.state === 'up');
  }

  /** The least loaded running process; ties go to the earliest in the list. */
  pickProc(): BackendProc | null {
    let best: BackendProc | null = null;
    for (const p of this.procs) if (p.state === 'up' && (best === null || p.load < best.load)) best = p;
    return best;
  }
}

/** One key of a `*.server` value with its hosts and its round-robin memory. */
export class BackendExtension {
  readonly key: string;
  readonly hosts: readonly BackendHost[];
  lastUsed = -1;
  /** "all handlers … are down" is logged once until a request succeeds again. */
  downLogged = false;

  constructor(key: string, hosts: readonly BackendHost[]) {
    this.key = key;
    this.hosts = hosts;
  }

  /** Balancer choice among usable hosts, or null. Updates the round-robin memory. */
  pickHost(algorithm: BalanceAlgorithm, req: BalanceRequest, now: number, log: BackendLog): BackendHost | null {
    for (const h of this.hosts) h.refresh(now, log);
    const only = this.hosts.length === 1 ? this.hosts[0] : undefined;
    if (only !== undefined) {
      // one host: every algorithm picks it when it is usable (no candidate list per request)
      if (!only.isUsable()) return null;
      this.lastUsed = 0;
      return only;
    }
    const candidates = this.hosts.map((h) => ({ load: h.load, hashName: h.hashName, port: h.port, usable: h.isUsable() }));
    const i = pickHostIndex(candidates, algorithm, req, this.lastUsed);
    if (i < 0) return null;
    this.lastUsed = i;
    return this.hosts[i] ?? null;
  }
}

/** A compiled `*.server` value: its keys in config order, plus the debug level for its messages. */
export class BackendGroup {
  readonly directive: string;
  readonly extensions: readonly BackendExtension[];
  readonly debug: number;

  constructor(directive: string, extensions: readonly BackendExtension[], debug: number) {
    this.directive = directive;
    this.extensions = extensions;
    this.debug = debug;
  }

  /**
   * The key a URL path selects (backends.md §1.3): map-extensions first, then the keys in order —
   * a key starting with `/` is a prefix, anything else (including `""`) a suffix.
   */
  match(urlPath: string, mapExtensions: readonly MapExtension[] = []): BackendExtension | null {
    const mapped = mapExtensions.find((m) => urlPath.endsWith(m.suffix));
    if (mapped) {
      const target = this.extensions.find((e) => e.key === mapped.target);
      if (target) return target;
    }
    for (const e of this.extensions) {
      if (e.key.startsWith('/') ? urlPath.startsWith(e.key) : urlPath.endsWith(e.key)) return e;
    }
    return null;
  }
}
