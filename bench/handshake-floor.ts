/**
 * Where handshake time goes: WebSocket handshake + close cycles (the `handshake` scenario of run.ts,
 * 16 concurrent loops) against four servers started side by side, measured in interleaved rounds so
 * host noise falls on all of them alike:
 *
 *   raw handles   a Node server driving the accepted libuv handle directly (floors/raw-accept.ts)
 *   node:net      the same cycle on net.Socket (floors/net-accept.ts)
 *   tswstunnel    the full path: HTTP parsing, conditions, a backend connect per tunnel
 *   lighttpd      1.4.69 with mod_wstunnel on the same config
 *
 * The two floors do no parsing, routing or backend connect: they show what Node's accept path alone
 * costs with and without net.Socket. Reported per server: cycles/s and server CPU µs per cycle (from
 * /proc/PID/stat), medians over the rounds with min–max; host steal for the whole run.
 *
 * `--compare ROOT` adds a row for the tswstunnel build of another checkout (e.g. main before a
 * change), measured in the same interleaved rounds: the paired comparison of two versions.
 *
 *   node dist/bench/handshake-floor.js [--rounds N] [--seconds S] [--compare ROOT]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTools, choosePinning, describeMachine, REPO_ROOT } from './env.js';
import { cpuSeconds, startPinned, stopChild, waitForLine, type Child } from './proc.js';
import { lighttpd, tswstunnel, tswstunnelAt, type Running, type StartContext } from './servers.js';
import { median } from './stats.js';
import { interleavedRounds, roundsArgs, roundsPreamble, spread } from './rounds.js';

interface Server {
  readonly label: string;
  readonly port: number;
  readonly path: string;
  readonly pid: number;
  readonly child: Child;
  readonly rates: number[];
  readonly cpu: number[];
}

async function startFloor(label: string, script: string, cpus: string | undefined): Promise<Server> {
  const child = startPinned(cpus, process.execPath, [join(REPO_ROOT, 'dist', 'bench', 'floors', script)]);
  const m = await waitForLine(child, /listening (\d+)/, 10_000);
  return { label, port: Number(m[1]), path: '/ws', pid: child.pid, child, rates: [], cpu: [] };
}

function fromRunning(label: string, r: Running | { unavailable: string }): Server {
  if ('unavailable' in r) throw new Error(`${label} did not start: ${r.unavailable}`);
  return { label, port: r.port, path: r.path, pid: r.pid, child: r.child, rates: [], cpu: [] };
}

/** One wsload handshake run; answers cycles/s and the server's CPU µs per cycle. */
async function measure(wsload: string, cpus: string | undefined, s: Server, seconds: number): Promise<[number, number]> {
  const before = cpuSeconds(s.pid);
  const child = startPinned(cpus, wsload, ['-p', String(s.port), '-P', s.path, '-m', 'handshake', '-c', '16', '-d', String(seconds), '-W', '0']);
  let out = '';
  child.proc.stdout?.on('data', (b: Buffer) => {
    out += b.toString('utf8');
  });
  await Promise.race([child.exited(), new Promise((resolve) => setTimeout(resolve, (seconds + 20) * 1000).unref())]);
  await stopChild(child, 200);
  const used = cpuSeconds(s.pid) - before;
  const line = out.trim().split('\n').reverse().find((l) => l.startsWith('{'));
  if (line === undefined) throw new Error(`wsload printed no report against ${s.label}`);
  const r = JSON.parse(line) as { cycles_per_s: number; wall_s: number };
  const cycles = r.cycles_per_s * r.wall_s;
  return [r.cycles_per_s, cycles > 0 ? (used * 1e6) / cycles : Number.NaN];
}

function row(s: Server, lig: Server): string {
  const ratio = median(s.rates) / median(lig.rates);
  return `| ${s.label} | ${spread(s.rates, 0)} | ${spread(s.cpu, 1)} | ${ratio.toFixed(2)}× |`;
}

async function main(): Promise<void> {
  const { rounds, seconds, compare } = roundsArgs(process.argv.slice(2));
  const tools = buildTools();
  const { pinning, note } = choosePinning();
  const dir = mkdtempSync(join(tmpdir(), 'tsw-floor-'));
  const backend = startPinned(pinning.load, tools.echo, ['-p', '0', '-m', 'echo']);
  const servers: Server[] = [];
  try {
    const backendPort = Number((await waitForLine(backend, /listening (\d+)/, 5000))[1]);
    const ctx: StartContext = { tools, cpus: pinning.server, backendPort, backendMode: 'echo', dir };
    servers.push(await startFloor('raw handles (no net.Socket), no backend', 'raw-accept.js', pinning.server));
    servers.push(await startFloor('node:net, no backend', 'net-accept.js', pinning.server));
    servers.push(fromRunning('tswstunnel', await tswstunnel.start(ctx)));
    if (compare !== undefined) {
      const label = `tswstunnel (${compare})`;
      servers.push(fromRunning(label, await tswstunnelAt(compare, label).start(ctx)));
    }
    servers.push(fromRunning('lighttpd 1.4.69', await lighttpd.start(ctx)));
    const steal = await interleavedRounds(
      servers,
      rounds,
      (s) => measure(tools.wsload, pinning.load, s, 1),
      (s) => measure(tools.wsload, pinning.load, s, seconds),
    );
    const lig = servers[servers.length - 1];
    if (lig === undefined) return;
    console.log(roundsPreamble(describeMachine(), note, rounds, seconds, steal));
    console.log('| server | handshake + close cycles/s | server CPU µs per cycle | cycles/s vs lighttpd |');
    console.log('|---|---|---|---|');
    for (const s of servers) console.log(row(s, lig));
  } finally {
    for (const s of servers) await stopChild(s.child, 1000);
    await stopChild(backend, 500);
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
