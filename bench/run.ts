/**
 * `npm run bench`: the WebSocket tunnel benchmark — tswstunnel vs lighttpd 1.4.69 (mod_wstunnel) vs
 * websockify, with the C WebSocket server as a "direct" column that shows the load generator's ceiling.
 *
 *   node dist/bench/run.js [--quick] [--runs N] [--only tswstunnel,lighttpd,...] [--scenarios rr1,idle,...]
 *
 * For every run, every scenario and every server: a fresh backend (C echo/flood) and a fresh server
 * are started, pinned (server on core 0, client + backend on core 1), then torn down. Medians over the
 * runs are printed as one Markdown table; results also go to bench/out/ws-<time>.{json,md}.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { OUT_DIR, buildTools, choosePinning, describeMachine, openFilesLimit, type Tools } from './env.js';
import { startPinned, stopChild, waitForLine, type Child, type Pinning } from './proc.js';
import { TARGETS, type Running, type Target, type TargetId } from './servers.js';
import { SCENARIOS, type Scenario, type Timing } from './ws-scenarios.js';
import { cellOf, emptyResults, resultNotes, resultTable, type Results } from './report.js';
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

interface Options {
  readonly quick: boolean;
  readonly runs: number;
  readonly only: ReadonlySet<TargetId> | undefined;
  readonly scenarios: ReadonlySet<string> | undefined;
}

function parseArgs(argv: readonly string[]): Options {
  const quick = argv.includes('--quick');
  const val = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const list = (flag: string): Set<string> | undefined => {
    const v = val(flag);
    return v === undefined ? undefined : new Set(v.split(','));
  };
  const runs = Number(val('--runs') ?? (quick ? 1 : 3));
  return { quick, runs, only: list('--only') as Set<TargetId> | undefined, scenarios: list('--scenarios') };
}

/** Whole-run bound: stop starting new work after this (the full run is designed for ~12 minutes). */
const BUDGET_MS = 28 * 60 * 1000;

/**
 * websockify forks a Python process per tunnel (~3 MB PSS each: 5,000 would need ~15 GB) and opens only
 * 20–70 tunnels/s on this machine, so it gets 500.
 */
function idleCountFor(target: TargetId, quick: boolean, fdLimit: number): number {
  const wanted = target === 'websockify' ? (quick ? 100 : 500) : quick ? 500 : 5000;
  const byFds = Math.floor((fdLimit - 200) / 2);
  return Math.max(1, Math.min(wanted, byFds));
}

async function startBackend(tools: Tools, pinning: Pinning, mode: 'echo' | 'flood'): Promise<{ child: Child; port: number }> {
  const child = startPinned(pinning.load, tools.echo, ['-p', '0', '-m', mode]);
  const m = await waitForLine(child, /listening (\d+)/, 5000);
  return { child, port: Number(m[1]) };
}

async function probe(tools: Tools, pinning: Pinning, run: Running): Promise<string | undefined> {
  const child = startPinned(pinning.load, tools.wsload, ['-p', String(run.port), '-P', run.path, '-m', 'probe']);
  await Promise.race([child.exited(), sleep(8000, undefined, { ref: false })]);
  if (child.proc.exitCode === 0) return undefined;
  await stopChild(child, 200);
  return `no WebSocket echo through the tunnel: ${child.output().trim().slice(-160) || 'timeout'}`;
}

async function runOne(
  target: Target,
  scenario: Scenario,
  env: { tools: Tools; pinning: Pinning; timing: Timing; idleCount: number },
  results: Results,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tsw-bench-'));
  const backend = target.id === 'direct' ? undefined : await startBackend(env.tools, env.pinning, scenario.backend);
  const started = await target.start({
    tools: env.tools,
    cpus: env.pinning.server,
    backendPort: backend?.port ?? 0,
    backendMode: scenario.backend,
    dir,
  });
  try {
    if ('unavailable' in started) {
      results.unavailable.set(target.id, started.unavailable);
      return;
    }
    if (scenario.backend === 'echo') {
      const bad = await probe(env.tools, env.pinning, started);
      if (bad !== undefined) {
        results.unavailable.set(target.id, bad);
        return;
      }
    }
    const cell = cellOf(results, target.id, scenario.id);
    try {
      const figures = await scenario.run({
        wsload: env.tools.wsload,
        cpus: env.pinning.load,
        port: started.port,
        path: started.path,
        serverPid: started.pid,
        timing: env.timing,
        idleCount: env.idleCount,
      });
      cell.runs.push(figures);
      const shown = Object.entries(figures)
        .map(([k, v]) => `${k}=${Number.isFinite(v) ? +v.toFixed(1) : v}`)
        .join(' ');
      console.error(`  ${target.id.padEnd(10)} ${scenario.id.padEnd(9)} ${shown}`);
    } catch (err) {
      cell.failure = (err as Error).message;
      console.error(`  ${target.id.padEnd(10)} ${scenario.id.padEnd(9)} FAILED: ${cell.failure}`);
    }
  } finally {
    if (!('unavailable' in started)) await stopChild(started.child);
    if (backend) await stopChild(backend.child, 500);
    rmSync(dir, { recursive: true, force: true });
  }
}

function installed(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const t0 = Date.now();
  const tools = buildTools();
  const { pinning, note: pinNote } = choosePinning();
  const fdLimit = openFilesLimit();
  const machine = describeMachine();
  const timing: Timing = opts.quick ? { duration: 1, warmup: 0.2, hold: 2 } : { duration: 4, warmup: 2, hold: 10 };
  const results = emptyResults();
  const targets = TARGETS.filter((t) => opts.only === undefined || opts.only.has(t.id));
  const scenarios = SCENARIOS.filter((s) => opts.scenarios === undefined || opts.scenarios.has(s.id));
  if (!installed('lighttpd')) results.unavailable.set('lighttpd', 'not installed: apt-get install lighttpd');
  if (!installed('websockify')) results.unavailable.set('websockify', 'not installed: apt-get install websockify');
  const needFds = 2 * 5000 + 200;
  const fdNote =
    fdLimit >= needFds ? `ulimit -n ${fdLimit} (enough)` : `ulimit -n is ${fdLimit}; 5,000 idle tunnels need ${needFds}: raise it with \`ulimit -n 20000\` (idle count reduced)`;
  console.error(`bench: ${machine.replace(/\n/g, '\nbench: ')}\nbench: ${pinNote}; ${fdNote}`);
  console.error(`bench: ${opts.runs} run(s), ${timing.duration} s per scenario${opts.quick ? ' (--quick)' : ''}`);

  let outOfTime = false;
  for (let run = 1; run <= opts.runs && !outOfTime; run++) {
    console.error(`bench: run ${run}/${opts.runs}`);
    // scenario-major order: the servers' figures for one scenario are taken close together in time,
    // so background load on a shared machine hits them alike
    for (const scenario of scenarios) {
      for (const target of targets) {
        if (results.unavailable.has(target.id)) continue;
        if (Date.now() - t0 > BUDGET_MS) {
          outOfTime = true;
          break;
        }
        const idleCount = idleCountFor(target.id, opts.quick, fdLimit);
        await runOne(target, scenario, { tools, pinning, timing, idleCount }, results);
      }
    }
  }

  const columns = targets.map((t) => ({ id: t.id, label: t.label }));
  const table = resultTable(results, scenarios, columns, [
    ['tswstunnel', 'lighttpd'],
    ['tswstunnel', 'websockify'],
  ]);
  const idleNote = targets
    .map((t) => `${t.id} ${idleCountFor(t.id, opts.quick, fdLimit).toLocaleString('en-US')}`)
    .join(', ');
  const notes = [
    ...resultNotes(results, scenarios),
    `idle tunnels per server: ${idleNote}; held ${timing.hold} s`,
    ...(outOfTime ? ['the time budget ran out: fewer runs than asked'] : []),
  ];
  const elapsed = ((Date.now() - t0) / 1000).toFixed(0);
  const md = [
    `### WebSocket tunnel (${opts.runs} run(s), median (min–max); ${timing.duration} s per figure)`,
    '',
    '```',
    machine,
    pinNote,
    '```',
    '',
    table,
    '',
    ...notes.map((n) => `- ${n}`),
    `- wall time of the whole benchmark: ${elapsed} s; load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
    '',
  ].join('\n');
  console.log(md);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  writeFileSync(join(OUT_DIR, `ws-${stamp}.md`), md);
  const raw = Object.fromEntries([...results.cells].map(([id, m]) => [id, Object.fromEntries(m)]));
  writeFileSync(
    join(OUT_DIR, `ws-${stamp}.json`),
    JSON.stringify({ machine, timing, opts: { ...opts, only: undefined, scenarios: undefined }, unavailable: Object.fromEntries(results.unavailable), raw }, null, 2),
  );
}

await main();
