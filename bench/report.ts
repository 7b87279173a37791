/**
 * Turns collected runs into one table: median (min–max) per server, the client's CPU beside each
 * scenario's first figure, and ratios such as tswstunnel / lighttpd.
 */
import { ratio, summarize, type Summary } from './stats.js';
import { formatRatio, formatSummary, markdownTable, type Unit } from './table.js';

/** Figures of one scenario run; `clientCpu` is the client's CPU % during the measured interval. */
export type Figures = Record<string, number>;

/** One figure a scenario produces (a table row). */
export interface Metric {
  readonly id: string;
  readonly label: string;
  readonly unit: Unit;
  readonly better: 'higher' | 'lower';
}

/** What the table needs to know about a scenario. */
export interface ScenarioInfo {
  readonly id: string;
  readonly title: string;
  readonly metrics: readonly Metric[];
}

/** A server column's id. */
export type TargetId = string;

/** Everything one target produced for one scenario over the runs. */
export interface Cell {
  readonly runs: Figures[];
  /** The last failure, if any run failed. */
  failure?: string;
}

/** Per target: per scenario cells, or the reason the whole column is missing. */
export interface Results {
  readonly cells: Map<TargetId, Map<string, Cell>>;
  readonly unavailable: Map<TargetId, string>;
}

/** A fresh, empty result set. */
export function emptyResults(): Results {
  return { cells: new Map(), unavailable: new Map() };
}

/** The cell for a target and scenario, created on first use. */
export function cellOf(results: Results, target: TargetId, scenario: string): Cell {
  let byScenario = results.cells.get(target);
  if (!byScenario) {
    byScenario = new Map();
    results.cells.set(target, byScenario);
  }
  let cell = byScenario.get(scenario);
  if (!cell) {
    cell = { runs: [] };
    byScenario.set(scenario, cell);
  }
  return cell;
}

function summaryOf(results: Results, target: TargetId, scenario: string, key: string): Summary | undefined {
  const cell = results.cells.get(target)?.get(scenario);
  if (!cell) return undefined;
  return summarize(cell.runs.map((f) => f[key] ?? Number.NaN));
}

/** Column header and key of each target shown. */
export interface Column {
  readonly id: TargetId;
  readonly label: string;
}

/** A ratio column: numerator / denominator (target ids). */
export type RatioPair = readonly [TargetId, TargetId];

/** The Markdown table: one row per metric, one column per target, then the ratio columns. */
export function resultTable(
  results: Results,
  scenarios: readonly ScenarioInfo[],
  columns: readonly Column[],
  ratios: readonly RatioPair[],
): string {
  const header = ['scenario', 'figure', ...columns.map((c) => c.label), ...ratios.map(([a, b]) => `${a} / ${b}`)];
  const rows: string[][] = [];
  for (const s of scenarios) {
    s.metrics.forEach((m, i) => {
      const cells = columns.map((c) => {
        const why = results.unavailable.get(c.id);
        if (why !== undefined) return i === 0 ? `${c.id}: not available` : '—';
        const sum = summaryOf(results, c.id, s.id, m.id);
        if (sum === undefined) {
          const failure = results.cells.get(c.id)?.get(s.id)?.failure;
          return failure !== undefined && i === 0 ? `failed: ${failure.slice(0, 60)}` : '—';
        }
        const cpu = summaryOf(results, c.id, s.id, 'clientCpu');
        const cpuNote = cpu !== undefined && i === 0 ? ` · client ${Math.round(cpu.median)}%` : '';
        return `${formatSummary(sum, m.unit)}${cpuNote}`;
      });
      const med = (id: TargetId): number | undefined => summaryOf(results, id, s.id, m.id)?.median;
      const ratioCells = ratios.map(([a, b]) => formatRatio(ratio(med(a), med(b))));
      const arrow = m.better === 'higher' ? '↑' : '↓';
      rows.push([i === 0 ? s.title : '', `${m.label} ${arrow}`, ...cells, ...ratioCells]);
    });
  }
  return markdownTable(header, rows);
}

/** Lines under the table: why a column is missing, and failures seen in some runs. */
export function resultNotes(results: Results, scenarios: readonly ScenarioInfo[]): string[] {
  const notes: string[] = [];
  for (const [id, why] of results.unavailable) notes.push(`${id}: not available (${why})`);
  for (const [id, byScenario] of results.cells) {
    for (const s of scenarios) {
      const cell = byScenario.get(s.id);
      if (cell?.failure !== undefined) notes.push(`${id}, ${s.id}: ${cell.runs.length} good run(s); a run failed: ${cell.failure}`);
    }
  }
  return notes;
}
