/**
 * Number formatting and the Markdown table every benchmark prints (so the output pastes into docs).
 */
import type { Summary } from './stats.js';

/** How a figure is printed. */
export type Unit = 'count/s' | 'MB/s' | 'us' | 'KiB' | 'n';

/** Format one number for its unit: thousands separators for rates, 1–3 significant decimals otherwise. */
export function formatNumber(v: number, unit: Unit): string {
  switch (unit) {
    case 'count/s':
    case 'n':
      return Math.round(v).toLocaleString('en-US');
    case 'MB/s':
    case 'KiB':
    case 'us':
      if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-US');
      if (Math.abs(v) >= 100) return v.toFixed(0);
      if (Math.abs(v) >= 10) return v.toFixed(1);
      return v.toFixed(2);
  }
}

/** "median (min–max)", or only the median when the spread is empty (a single run or identical runs). */
export function formatSummary(s: Summary | undefined, unit: Unit): string {
  if (s === undefined) return '—';
  const med = formatNumber(s.median, unit);
  if (s.n < 2) return med;
  const lo = formatNumber(s.min, unit);
  const hi = formatNumber(s.max, unit);
  return lo === hi ? med : `${med} (${lo}–${hi})`;
}

/** A ratio as "1.23×" (two decimals below 10; two significant digits below 0.1). */
export function formatRatio(r: number | undefined): string {
  if (r === undefined || !Number.isFinite(r)) return '—';
  if (r >= 10) return `${r.toFixed(1)}×`;
  if (r >= 0.1 || r === 0) return `${r.toFixed(2)}×`;
  return `${Number(r.toPrecision(2))}×`;
}

/** A Markdown table: the header row, then the rows; pipes inside cells are escaped. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const esc = (c: string): string => c.replace(/\|/g, '\\|');
  const line = (cells: readonly string[]): string => `| ${cells.map(esc).join(' | ')} |`;
  const sep = `|${header.map(() => '---').join('|')}|`;
  return [line(header), sep, ...rows.map(line)].join('\n');
}
