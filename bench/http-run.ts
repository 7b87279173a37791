/**
 * The shared loop of the wrk-based benchmarks (`bench:http`, `bench:proxy`): for each run and each
 * server, start it pinned on a fresh config, check it answers, run every scenario, stop it; then print
 * one Markdown table of medians with the tswstunnel / lighttpd ratio.
 */
import { get } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { OUT_DIR, buildTools, choosePinning, describeMachine, requireProgram } from './env.js';
import { stopChild } from './proc.js';
import { cellOf, emptyResults, resultNotes, resultTable, type Figures, type RatioPair, type ScenarioInfo } from './report.js';
import type { Target } from './servers.js';

/** A wrk scenario: runs against a started server's port. */
export interface HttpScenario extends ScenarioInfo {
  run(port: number, cpus: string | undefined, seconds: number): Promise<Figures>;
}

/** One wrk-based benchmark. */
export interface HttpBench {
  /** Short name for the output files, e.g. "http-static". */
  readonly name: string;
  readonly title: string;
  readonly targets: readonly Target[];
  readonly scenarios: readonly HttpScenario[];
  readonly ratios: readonly RatioPair[];
  /** A path every target must answer with 200 before it is measured. */
  readonly checkPath: string;
  /** Extra lines for the report (what was served, sizes). */
  readonly notes: readonly string[];
}

/** GET 127.0.0.1:port/path → status code (0 on a connection error or after 5 s). */
export function httpStatus(port: number, path: string): Promise<number> {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path, timeout: 5000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

/** Run the benchmark from the command line (`--quick`, `--runs N`) and print/write the table. */
export async function runHttpBench(bench: HttpBench, argv: readonly string[]): Promise<void> {
  requireProgram('wrk', 'apt-get install wrk');
  const quick = argv.includes('--quick');
  const runsArg = argv.indexOf('--runs');
  const runs = runsArg >= 0 ? Number(argv[runsArg + 1]) : quick ? 1 : 3;
  const seconds = quick ? 2 : 5;
  const tools = buildTools();
  const { pinning, note: pinNote } = choosePinning();
  const machine = describeMachine();
  const results = emptyResults();
  const t0 = Date.now();
  console.error(`${bench.name}: ${machine.replace(/\n/g, `\n${bench.name}: `)}\n${bench.name}: ${pinNote}`);
  for (let run = 1; run <= runs; run++) {
    console.error(`${bench.name}: run ${run}/${runs}`);
    for (const target of bench.targets) {
      if (results.unavailable.has(target.id)) continue;
      const dir = mkdtempSync(join(tmpdir(), `tsw-${bench.name}-`));
      const started = await target.start({ tools, cpus: pinning.server, backendPort: 0, backendMode: 'echo', dir });
      try {
        if ('unavailable' in started) {
          results.unavailable.set(target.id, started.unavailable);
          continue;
        }
        const status = await httpStatus(started.port, bench.checkPath);
        if (status !== 200) {
          results.unavailable.set(target.id, `GET ${bench.checkPath} answered ${status || 'nothing'}`);
          continue;
        }
        for (const s of bench.scenarios) {
          const cell = cellOf(results, target.id, s.id);
          try {
            const f = await s.run(started.port, pinning.load, seconds);
            cell.runs.push(f);
            const shown = Object.entries(f).map(([k, v]) => `${k}=${+v.toFixed(1)}`);
            console.error(`  ${target.id.padEnd(10)} ${shown.join(' ')}`);
          } catch (err) {
            cell.failure = (err as Error).message;
            console.error(`  ${target.id.padEnd(10)} ${s.id} FAILED: ${cell.failure}`);
          }
        }
      } finally {
        if (!('unavailable' in started)) await stopChild(started.child);
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  const columns = bench.targets.map((t) => ({ id: t.id, label: t.label }));
  const md = [
    `### ${bench.title} (${runs} run(s), median (min–max); ${seconds} s per figure)`,
    '',
    '```',
    machine,
    pinNote,
    '```',
    '',
    resultTable(results, bench.scenarios, columns, bench.ratios),
    '',
    ...[...bench.notes, ...resultNotes(results, bench.scenarios)].map((n) => `- ${n}`),
    `- wall time: ${((Date.now() - t0) / 1000).toFixed(0)} s; load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
    '',
  ].join('\n');
  console.log(md);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  writeFileSync(join(OUT_DIR, `${bench.name}-${stamp}.md`), md);
}
