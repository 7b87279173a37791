/**
 * The WebSocket tunnel scenarios: each one runs the C load generator (wsload) against a started
 * server and turns its JSON report into named figures.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { startPinned, stopChild, treeMemory, waitForLine, type Child } from './proc.js';
import type { Figures, Metric, ScenarioInfo } from './report.js';

/** Timing knobs shared by all scenarios. */
export interface Timing {
  /** Measured seconds per scenario. */
  readonly duration: number;
  /** Unmeasured seconds before that. */
  readonly warmup: number;
  /** How long idle tunnels are held. */
  readonly hold: number;
}

/** What a scenario gets to run against. */
export interface ScenarioContext {
  readonly wsload: string;
  readonly cpus: string | undefined;
  readonly port: number;
  readonly path: string;
  /** The server process (memory is measured over its whole tree). */
  readonly serverPid: number;
  readonly timing: Timing;
  /** Idle tunnels to open for this server. */
  readonly idleCount: number;
}

/** A benchmark scenario: which backend it needs, what it reports, how it runs. */
export interface Scenario extends ScenarioInfo {
  readonly backend: 'echo' | 'flood';
  run(ctx: ScenarioContext): Promise<Figures>;
}

/** The JSON line wsload prints at the end. */
interface WsloadReport {
  readonly established: number;
  readonly setup_s: number;
  readonly errors: number;
  readonly msgs_per_s: number;
  readonly mb_per_s: number;
  readonly cycles_per_s: number;
  readonly p50_us: number;
  readonly p99_us: number;
  readonly alive: number;
  readonly cpu_pct: number;
}

function parseReport(text: string): WsloadReport {
  const line = text.trim().split('\n').reverse().find((l) => l.startsWith('{'));
  if (line === undefined) throw new Error(`wsload printed no report: ${text.trim().slice(-200)}`);
  return JSON.parse(line) as WsloadReport;
}

async function collect(child: Child, timeoutMs: number): Promise<WsloadReport> {
  let out = '';
  child.proc.stdout?.on('data', (b: Buffer) => {
    out += b.toString('utf8');
  });
  const timedOut = await Promise.race([child.exited().then(() => false), sleep(timeoutMs, undefined, { ref: false }).then(() => true)]);
  if (timedOut) {
    await stopChild(child, 500);
    throw new Error(`wsload did not finish within ${Math.round(timeoutMs / 1000)} s`);
  }
  return parseReport(out);
}

function wsloadArgs(ctx: ScenarioContext, mode: string, extra: readonly string[]): string[] {
  const t = ctx.timing;
  return ['-p', String(ctx.port), '-P', ctx.path, '-m', mode, '-d', String(t.duration), '-W', String(t.warmup), ...extra];
}

async function runWsload(ctx: ScenarioContext, mode: string, extra: readonly string[]): Promise<WsloadReport> {
  const child = startPinned(ctx.cpus, ctx.wsload, wsloadArgs(ctx, mode, extra));
  const bound = (ctx.timing.duration + ctx.timing.warmup + 30) * 1000;
  const r = await collect(child, bound);
  if (r.established === 0 && mode !== 'handshake') throw new Error(`no connection established (${r.errors} errors)`);
  return r;
}

const msgsPerS = (id: string): Metric => ({ id, label: 'messages/s', unit: 'count/s', better: 'higher' });
const p50 = (id: string): Metric => ({ id, label: 'p50 latency µs', unit: 'us', better: 'lower' });
const p99 = (id: string): Metric => ({ id, label: 'p99 latency µs', unit: 'us', better: 'lower' });

function requestResponse(id: string, title: string, conns: number, size: number): Scenario {
  const metrics = [msgsPerS(`${id}.rate`), p50(`${id}.p50`), p99(`${id}.p99`)];
  return {
    id,
    title,
    backend: 'echo',
    metrics: size >= 1024 ? [...metrics, { id: `${id}.mbs`, label: 'MB/s echoed', unit: 'MB/s', better: 'higher' }] : metrics,
    async run(ctx) {
      const r = await runWsload(ctx, 'rr', ['-c', String(conns), '-s', String(size)]);
      return {
        [`${id}.rate`]: r.msgs_per_s,
        [`${id}.p50`]: r.p50_us,
        [`${id}.p99`]: r.p99_us,
        [`${id}.mbs`]: r.mb_per_s,
        clientCpu: r.cpu_pct,
      };
    },
  };
}

const stream: Scenario = {
  id: 'stream',
  title: 'streaming 64 KiB messages, 8 connections (256 KiB in flight each)',
  backend: 'echo',
  metrics: [{ id: 'stream.mbs', label: 'MB/s echoed', unit: 'MB/s', better: 'higher' }],
  async run(ctx) {
    const r = await runWsload(ctx, 'stream', ['-c', '8', '-s', '65536', '-w', String(256 * 1024)]);
    return { 'stream.mbs': r.mb_per_s, clientCpu: r.cpu_pct };
  },
};

const flood: Scenario = {
  id: 'flood',
  title: 'backend → client only, 1 connection (backend writes as fast as it can)',
  backend: 'flood',
  metrics: [{ id: 'flood.mbs', label: 'MB/s received', unit: 'MB/s', better: 'higher' }],
  async run(ctx) {
    const r = await runWsload(ctx, 'sink', ['-c', '1']);
    return { 'flood.mbs': r.mb_per_s, clientCpu: r.cpu_pct };
  },
};

const handshake: Scenario = {
  id: 'handshake',
  title: 'handshake + close cycles, 16 concurrent',
  backend: 'echo',
  metrics: [{ id: 'handshake.rate', label: 'cycles/s', unit: 'count/s', better: 'higher' }],
  async run(ctx) {
    const r = await runWsload(ctx, 'handshake', ['-c', '16']);
    return { 'handshake.rate': r.cycles_per_s, clientCpu: r.cpu_pct };
  },
};

const idle: Scenario = {
  id: 'idle',
  title: 'idle tunnels held, then one echo each',
  backend: 'echo',
  metrics: [
    { id: 'idle.rss', label: 'server RSS KiB per tunnel', unit: 'KiB', better: 'lower' },
    { id: 'idle.pss', label: 'server PSS KiB per tunnel', unit: 'KiB', better: 'lower' },
    { id: 'idle.opened', label: 'tunnels opened', unit: 'n', better: 'higher' },
    { id: 'idle.alive', label: 'of those, echoing at the end', unit: 'n', better: 'higher' },
    { id: 'idle.setup', label: 'tunnels opened per s', unit: 'count/s', better: 'higher' },
  ],
  async run(ctx) {
    await sleep(300); // let the probe's tunnel go away before the baseline
    const base = treeMemory(ctx.serverPid);
    const child = startPinned(ctx.cpus, ctx.wsload, [
      ...wsloadArgs(ctx, 'idle', ['-c', String(ctx.idleCount), '-i', String(ctx.timing.hold)]),
    ]);
    const bound = (ctx.timing.hold + 60 + 20) * 1000;
    const report = collect(child, bound);
    const ready = await waitForLine(child, /READY (\d+)/, 65_000);
    await sleep((ctx.timing.hold * 1000) / 2);
    const loaded = treeMemory(ctx.serverPid);
    const r = await report;
    const n = Number(ready[1]);
    if (n === 0) throw new Error('no idle tunnel established');
    return {
      'idle.rss': (loaded.rssKiB - base.rssKiB) / n,
      'idle.pss': (loaded.pssKiB - base.pssKiB) / n,
      'idle.opened': n,
      'idle.alive': r.alive,
      'idle.setup': r.setup_s > 0 ? r.established / r.setup_s : Number.NaN,
      'idle.processes': loaded.processes,
    };
  },
};

/** All scenarios, in table order. */
export const SCENARIOS: readonly Scenario[] = [
  requestResponse('rr1', 'request-response, 32 B, 1 connection', 1, 32),
  requestResponse('rr64', 'request-response, 32 B, 64 connections', 64, 32),
  requestResponse('rr4k', 'request-response, 4 KiB, 64 connections', 64, 4096),
  stream,
  flood,
  idle,
  handshake,
];
