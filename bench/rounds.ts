/**
 * What the interleaved-rounds benchmarks (handshake-floor.ts, static-floor.ts) share: their numeric
 * command-line options, the host's steal time over the rounds, and a median (min–max) cell.
 */
import { readFileSync } from 'node:fs';
import { median } from './stats.js';

/** `flag N` from argv when N is a positive number, else `fallback`. */
export function option(argv: readonly string[], flag: string, fallback: number): number {
  const i = argv.indexOf(flag);
  const v = i >= 0 ? Number(argv[i + 1]) : fallback;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

/** The host's cpu line: [steal, total] jiffies. */
export function hostTimes(): [number, number] {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
  return [v[7] ?? 0, v.reduce((a, b) => a + b, 0)];
}

/** Steal as % of all CPU time between two hostTimes() readings. */
export function stealPct(from: [number, number], to: [number, number]): number {
  return (100 * (to[0] - from[0])) / Math.max(1, to[1] - from[1]);
}

/** `median (min–max)` of `v` with `digits` decimals. */
export function spread(v: readonly number[], digits: number): string {
  return `${median(v).toFixed(digits)} (${Math.min(...v).toFixed(digits)}–${Math.max(...v).toFixed(digits)})`;
}
