/**
 * Runs wrk (the HTTP load generator) pinned to the load core and parses its report, including the
 * CPU wrk itself used (read from its parent shell's cutime/cstime), so a reader sees if wrk was the limit.
 */
import { startPinned, statFields, stopChild, USER_HZ } from './proc.js';
import { setTimeout as sleep } from 'node:timers/promises';

/** What one wrk run measured. */
export interface WrkReport {
  readonly requestsPerS: number;
  /** Response bytes per second, in MB (10^6 bytes). */
  readonly mbPerS: number;
  readonly p50us: number;
  readonly p99us: number;
  /** Socket errors plus non-2xx/3xx responses. */
  readonly errors: number;
  /** wrk's CPU use over the run, % of one core. */
  readonly cpuPct: number;
}

const UNIT: Readonly<Record<string, number>> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** "1.23GB" / "512.00KB" / "17B" → bytes (wrk uses powers of 1024). */
export function parseWrkBytes(s: string): number {
  const m = s.match(/^([\d.]+)([KMGT]?)B$/);
  if (!m) return Number.NaN;
  return Number(m[1]) * (UNIT[m[2] ?? ''] ?? Number.NaN);
}

/** "1.25ms" / "830.00us" / "2.01s" / "1.00m" → microseconds. */
export function parseWrkDuration(s: string): number {
  const m = s.match(/^([\d.]+)(us|ms|s|m)$/);
  if (!m) return Number.NaN;
  const scale = { us: 1, ms: 1e3, s: 1e6, m: 60e6 }[m[2] as 'us' | 'ms' | 's' | 'm'];
  return Number(m[1]) * scale;
}

/** Parse wrk's text report (run with --latency). */
export function parseWrkReport(text: string, wallS: number, cpuTicks: number, ticksPerS = USER_HZ): WrkReport {
  const num = (re: RegExp): number => {
    const m = text.match(re);
    return m ? Number(m[1]) : 0;
  };
  const rps = text.match(/Requests\/sec:\s+([\d.]+)/);
  const transfer = text.match(/Transfer\/sec:\s+([\d.]+[KMGT]?B)/);
  const p50 = text.match(/^\s+50%\s+(\S+)/m);
  const p99 = text.match(/^\s+99%\s+(\S+)/m);
  const socketErrors = text.match(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/);
  const sockErr = socketErrors ? socketErrors.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
  return {
    requestsPerS: rps ? Number(rps[1]) : Number.NaN,
    mbPerS: transfer ? parseWrkBytes(transfer[1] ?? '') / 1e6 : Number.NaN,
    p50us: p50 ? parseWrkDuration(p50[1] ?? '') : Number.NaN,
    p99us: p99 ? parseWrkDuration(p99[1] ?? '') : Number.NaN,
    errors: sockErr + num(/Non-2xx or 3xx responses:\s+(\d+)/),
    cpuPct: wallS > 0 ? (100 * cpuTicks) / ticksPerS / wallS : Number.NaN,
  };
}

/** wrk settings for one measurement. */
export interface WrkOptions {
  readonly url: string;
  readonly connections: number;
  readonly seconds: number;
  readonly cpus: string | undefined;
  /** wrk's per-request timeout in seconds (wrk's default of 2 s would count a slow 100 MiB download as an error). */
  readonly timeoutS?: number;
}

/**
 * Run wrk once. The wrapper shell prints its own /proc stat after wrk exits: fields 16–17 (cutime,
 * cstime) are then wrk's CPU time in clock ticks.
 */
export async function runWrk(o: WrkOptions): Promise<WrkReport> {
  const script = 'wrk "$@"; echo "CPUSTAT $(cat /proc/$$/stat)"';
  const timeout = `--timeout=${o.timeoutS ?? 10}s`;
  const args = ['-c', script, 'sh', '-t1', `-c${o.connections}`, `-d${o.seconds}s`, timeout, '--latency', o.url];
  const t0 = Date.now();
  const child = startPinned(o.cpus, 'sh', args);
  const timedOut = await Promise.race([
    child.exited().then(() => false),
    sleep((o.seconds + 20) * 1000, undefined, { ref: false }).then(() => true),
  ]);
  if (timedOut) {
    await stopChild(child, 500);
    throw new Error('wrk did not finish in time');
  }
  const wallS = (Date.now() - t0) / 1000;
  const text = child.output();
  const stat = text.match(/CPUSTAT (.*)$/m)?.[1];
  const fields = stat === undefined ? [] : statFields(stat);
  // cutime is field 16, cstime field 17
  const ticks = Number(fields[13] ?? Number.NaN) + Number(fields[14] ?? Number.NaN);
  const r = parseWrkReport(text, Math.min(wallS, o.seconds), ticks);
  if (!Number.isFinite(r.requestsPerS)) throw new Error(`wrk failed: ${text.trim().slice(-200)}`);
  return r;
}
