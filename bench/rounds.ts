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

/** The options both take: `--rounds N` (5), `--seconds S` (3), `--compare ROOT` (another checkout's build). */
export interface RoundsArgs {
  readonly rounds: number;
  readonly seconds: number;
  readonly compare: string | undefined;
}

/** Reads RoundsArgs from argv. */
export function roundsArgs(argv: readonly string[]): RoundsArgs {
  const compareAt = argv.indexOf('--compare');
  return { rounds: option(argv, '--rounds', 5), seconds: option(argv, '--seconds', 3), compare: compareAt >= 0 ? argv[compareAt + 1] : undefined };
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

/** One server of an interleaved-rounds benchmark: its rate and CPU per unit of work, one entry per round. */
export interface RoundSubject {
  readonly rates: number[];
  readonly cpu: number[];
}

/**
 * Measures every subject once unrecorded (`warmUp`), then `rounds` rounds in which each is measured in
 * turn (`measure` answers [rate, CPU per unit]); answers the host steal % over the rounds.
 */
export async function interleavedRounds<S extends RoundSubject>(subjects: readonly S[], rounds: number, warmUp: (s: S) => Promise<unknown>, measure: (s: S) => Promise<[number, number]>): Promise<number> {
  for (const s of subjects) await warmUp(s);
  const t0 = hostTimes();
  for (let i = 0; i < rounds; i++) {
    for (const s of subjects) {
      const [rate, cpu] = await measure(s);
      s.rates.push(rate);
      s.cpu.push(cpu);
    }
  }
  return stealPct(t0, hostTimes());
}

/** The lines above a rounds table: the machine, the pinning, the rounds and the steal during them. */
export function roundsPreamble(machine: string, pinNote: string, rounds: number, seconds: number, steal: number): string {
  return `${machine}\n${pinNote}; ${rounds} interleaved rounds of ${seconds} s; host steal during the rounds ${steal.toFixed(1)} %\n`;
}
