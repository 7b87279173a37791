/**
 * How many descriptors and connections the server plans with, as lighttpd 1.4.69's server.c decides it:
 * `server.max-fds` (default: the open-files limit, at most 4096; never below 32 for the load checks),
 * `server.max-connections` (default a third of that, at most half: "can't have more connections than
 * fds/2"). lighttpd raises or lowers RLIMIT_NOFILE to `server.max-fds`; Node cannot, so a value above
 * the limit is reduced to it with a line saying so (lighttpd, unable to raise it, says "setrlimit(): …"
 * and does the same).
 *
 * Beyond `server.max-connections` lighttpd leaves new connections in the kernel's backlog; tswstunnel
 * accepts them and lets them wait unread (http1/server.ts), which costs a descriptor each. `waitRoom`
 * is how many may wait per listener without eating into the descriptors the served connections need
 * (two each: the client, and a backend or a file).
 */

/** A startup line for the error log: lighttpd's source reference and text. */
export interface FdNote {
  readonly ref: string;
  readonly text: string;
}

export interface FdPlan {
  readonly maxFds: number;
  readonly maxConnections: number;
  readonly notes: readonly FdNote[];
}

const DEFAULT_MAX_FDS = 4096;
const LEAST_MAX_FDS = 32;

/**
 * `maxFdsSetting` / `maxConnsSetting`: the config values, 0 when unset; `limit`: the open-files limit,
 * `inUse`: descriptors open at start (null: unknown). Node keeps ~20 descriptors where lighttpd keeps
 * ~6, so where lighttpd's limits would run into its own out-of-fds check (more than 90 % of max-fds in
 * use) the connection limit is lowered to what fits, two descriptors each, and a line says so.
 */
export function planFds(maxFdsSetting: number, maxConnsSetting: number, limit: number | null, inUse: number | null = null): FdPlan {
  const notes: FdNote[] = [];
  const osLimit = limit ?? DEFAULT_MAX_FDS;
  let maxFds = Math.min(osLimit, DEFAULT_MAX_FDS);
  if (maxFdsSetting > 0 && maxFdsSetting <= osLimit) maxFds = maxFdsSetting;
  else if (maxFdsSetting > 0) {
    maxFds = osLimit;
    notes.push({ ref: 'server.c.1530', text: `server.max-fds ${maxFdsSetting} is above the open files limit (ulimit -n ${osLimit}), which tswstunnel cannot raise; using ${osLimit}` });
  }
  maxFds = Math.max(LEAST_MAX_FDS, maxFds);
  let maxConnections = maxConnsSetting > 0 ? maxConnsSetting : Math.floor(maxFds / 3);
  if (maxConnsSetting > Math.floor(maxFds / 2)) {
    notes.push({ ref: 'server.c.1761', text: `can't have more connections than fds/2: ${maxConnsSetting} ${maxFds}` });
    maxConnections = Math.floor(maxFds / 2);
  }
  const fit = inUse === null ? maxConnections : Math.max(1, Math.floor((Math.floor((maxFds * 9) / 10) - inUse) / 2));
  if (fit < maxConnections) {
    notes.push({ ref: 'server.c.1770', text: `max-connections lowered from ${maxConnections} to ${fit}: ${inUse ?? 0} of ${maxFds} descriptors are in use at start, each connection may need two` });
    maxConnections = fit;
  }
  return { maxFds, maxConnections, notes };
}

/** Connections that may wait unread per listener (see the file header); `inUse`: descriptors open now (null: unknown). */
export function waitRoom(plan: FdPlan, inUse: number | null, listeners: number): number {
  if (inUse === null) return Number.POSITIVE_INFINITY;
  return Math.max(0, Math.floor((plan.maxFds - inUse - 2 * plan.maxConnections) / Math.max(1, listeners)));
}
