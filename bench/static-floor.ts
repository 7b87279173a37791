/**
 * Where small-file time goes: 1 KiB keep-alive requests (wrk, 64 connections, as `npm run bench:http`)
 * against three servers started side by side, measured in interleaved rounds so host noise falls on all
 * of them alike:
 *
 *   raw handles   a Node server on the accepted libuv handles that answers each request head with a
 *                 fixed 200 for the file (floors/raw-static.ts): Node's read → callback → write, nothing else
 *   tswstunnel    the full path: HTTP parsing, conditions, routing through the modules, the stat cache
 *   lighttpd      1.4.69 on the same lighttpd.conf
 *
 * Reported per server: requests/s and server CPU µs per request (from /proc/PID/stat), medians over the
 * rounds with min–max, and both against lighttpd; host steal for the whole run. The floor shows how
 * much of tswstunnel's CPU per request Node itself spends, and how much is tswstunnel's own work.
 *
 * `--compare ROOT` adds a row for the tswstunnel build of another checkout, in the same rounds.
 *
 *   node dist/bench/static-floor.js [--rounds N] [--seconds S] [--compare ROOT]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTools, choosePinning, describeMachine, REPO_ROOT } from './env.js';
import { cpuSeconds, startPinned, stopChild, waitForLine, type Child } from './proc.js';
import { interleavedRounds, roundsArgs, roundsPreamble, spread } from './rounds.js';
import { lighttpdWith, tswstunnelWith, type Running, type StartContext, type Unavailable } from './servers.js';
import { makeDocroot, staticConf } from './static-site.js';
import { median } from './stats.js';
import { runWrk } from './wrk.js';

interface Server {
  readonly label: string;
  readonly port: number;
  readonly pid: number;
  readonly child: Child;
  readonly rates: number[];
  readonly cpu: number[];
}

function fromRunning(label: string, r: Running | Unavailable): Server {
  if ('unavailable' in r) throw new Error(`${label} did not start: ${r.unavailable}`);
  return { label, port: r.port, pid: r.pid, child: r.child, rates: [], cpu: [] };
}

/** One wrk run; answers requests/s and the server's CPU µs per request. */
async function measure(cpus: string | undefined, s: Server, seconds: number): Promise<[number, number]> {
  const before = cpuSeconds(s.pid);
  const r = await runWrk({ url: `http://127.0.0.1:${s.port}/small.html`, connections: 64, seconds, cpus });
  const used = cpuSeconds(s.pid) - before;
  if (r.errors > 0) throw new Error(`${s.label}: ${r.errors} errors / non-2xx responses`);
  return [r.requestsPerS, (used * 1e6) / (r.requestsPerS * seconds)];
}

function row(s: Server, lig: Server): string {
  const rate = median(s.rates) / median(lig.rates);
  const cpu = median(s.cpu) / median(lig.cpu);
  return `| ${s.label} | ${spread(s.rates, 0)} | ${spread(s.cpu, 2)} | ${rate.toFixed(2)}× | ${cpu.toFixed(2)}× |`;
}

async function main(): Promise<void> {
  const { rounds, seconds, compare } = roundsArgs(process.argv.slice(2));
  const tools = buildTools();
  const { pinning, note } = choosePinning();
  const dir = mkdtempSync(join(tmpdir(), 'tsw-static-floor-'));
  const docroot = makeDocroot(false);
  const conf = staticConf(docroot);
  const ctx: StartContext = { tools, cpus: pinning.server, backendPort: 0, backendMode: 'echo', dir };
  const servers: Server[] = [];
  try {
    const floor = startPinned(pinning.server, process.execPath, [join(REPO_ROOT, 'dist', 'bench', 'floors', 'raw-static.js'), join(docroot, 'small.html')]);
    const port = await waitForLine(floor, /listening (\d+)/, 10_000).then(
      (m) => Number(m[1]),
      async (e: unknown) => {
        await stopChild(floor, 500);
        throw e;
      },
    );
    servers.push({ label: 'raw handles, fixed answer', port, pid: floor.pid, child: floor, rates: [], cpu: [] });
    servers.push(fromRunning('tswstunnel', await tswstunnelWith(conf).start(ctx)));
    if (compare !== undefined) {
      const label = `tswstunnel (${compare})`;
      servers.push(fromRunning(label, await tswstunnelWith(conf, compare, label).start(ctx)));
    }
    servers.push(fromRunning('lighttpd 1.4.69', await lighttpdWith(conf).start(ctx)));
    // the warm-up (Node's JIT) is not counted
    const steal = await interleavedRounds(
      servers,
      rounds,
      (s) => measure(pinning.load, s, 2),
      (s) => measure(pinning.load, s, seconds),
    );
    const lig = servers[servers.length - 1];
    if (lig === undefined) return;
    console.log(roundsPreamble(describeMachine(), note, rounds, seconds, steal));
    console.log('| server | requests/s | server CPU µs per request | requests/s vs lighttpd | CPU per request vs lighttpd |');
    console.log('|---|---|---|---|---|');
    for (const s of servers) console.log(row(s, lig));
  } finally {
    for (const s of servers) await stopChild(s.child, 1000);
    rmSync(dir, { recursive: true, force: true });
    rmSync(docroot, { recursive: true, force: true });
  }
}

await main();
