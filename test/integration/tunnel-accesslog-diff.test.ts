/**
 * Differential check of tunnels' access-log lines against the real lighttpd 1.4.69 (mod_wstunnel, mod_proxy
 * Upgrade pass-through, mod_proxy CONNECT): the same config, each server with its own echo backend, the
 * same clients sending payloads of known sizes, ending their tunnels by a client CLOSE, the client's FIN,
 * the backend's FIN, an immediate stop (SIGTERM / close()) or a graceful one (SIGINT / shutdown()) whose
 * timeout cuts them. The lines (`%h %s %b %I %O %X "%r"`: status, bytes out without and with the head,
 * bytes in, how the tunnel ended) must be the same, compared sorted, as a tunnel's line comes when it ends.
 * One documented difference is checked as such: answering a CLOSE that carries only a code, tswstunnel's
 * CLOSE is 2 bytes shorter than 1.4.69's ASCII `1000` (docs/compat.md), so its `%b` and `%O` are 2 less.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLighttpd } from '../helpers/lighttpd.js';
import { startTestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';
import { openTunnel, tunnelEchoBackend, type OpenTunnel, type TunnelPlan } from '../helpers/tunnel-log-client.js';

const FORMAT = '%h %s %b %I %O %X \\"%r\\"';

function configText(backendPort: number, log: string): string {
  const backend = `( ( "host" => "127.0.0.1", "port" => ${backendPort} ) )`;
  return [
    'server.modules = ( "mod_accesslog", "mod_wstunnel", "mod_proxy" )',
    'server.tag = "lighttpd/1.4.69"',
    'server.feature-flags = ( "server.graceful-shutdown-timeout" => 1 )',
    `accesslog.filename = "@DIR@/${log}"`,
    `accesslog.format = "${FORMAT}"`,
    'wstunnel.frame-type = "binary"',
    'proxy.header = ( "upgrade" => "enable", "connect" => "enable" )',
    `$HTTP["url"] =~ "^/ws" { wstunnel.server = ( "/ws" => ${backend} ) }`,
    `$HTTP["url"] !~ "^/ws" { proxy.server = ( "" => ${backend} ) }`,
    '',
  ].join('\n');
}

/** How a run stops its server once the plans have run: the way lighttpd is signalled. */
type Stop = 'SIGTERM' | 'SIGINT';

interface Server {
  readonly port: number;
  readonly dir: string;
  readonly log: string;
  /**
   * Waits until the tunnels that ended have their lines: tswstunnel writes one when it sees the connection
   * close, which may come after the client's close event (lighttpd's lines sit in its buffer until the stop).
   */
  settle(ended: number): Promise<void>;
  stop(how: Stop): Promise<void>;
}

async function ours(t: TestContext): Promise<Server> {
  const backend = await tunnelEchoBackend();
  t.after(() => backend.close());
  const s = await startTestServer(t, configText(backend.port, 'ours.log'));
  const server: Server = {
    port: s.port,
    dir: s.dir,
    log: 'ours.log',
    settle: (ended) => waitFor(() => lines(server).length >= ended, 3000, 'the ended tunnels\' lines').catch(() => undefined),
    stop: (how) => (how === 'SIGTERM' ? s.server.close() : s.server.shutdown()),
  };
  return server;
}

async function theirs(t: TestContext, dir: string): Promise<Server> {
  const backend = await tunnelEchoBackend();
  t.after(() => backend.close());
  const l = await startLighttpd(t, `server.port = @PORT@\nserver.bind = "127.0.0.1"\nserver.document-root = "@DIR@"\n${configText(backend.port, 'lighttpd.log')}`, { dir });
  return {
    port: l.port,
    dir,
    log: 'lighttpd.log',
    settle: () => Promise.resolve(),
    stop: async (how) => {
      l.signal(how);
      await l.whenExited;
    },
  };
}

function lines(s: Server): string[] {
  const f = join(s.dir, s.log);
  if (!existsSync(f)) return [];
  return readFileSync(f, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .sort();
}

/**
 * Runs the finished tunnels one by one, then opens the `open` ones, stops the server `how` (the ones whose
 * ending is not 'server' end themselves 300 ms later, during a graceful stop), and returns the log.
 */
async function run(s: Server, finished: readonly TunnelPlan[], open: readonly TunnelPlan[], how: Stop): Promise<string[]> {
  for (const plan of finished) await (await openTunnel(s.port, plan)).end();
  await s.settle(finished.length);
  const running: [TunnelPlan, OpenTunnel][] = [];
  for (const plan of open) running.push([plan, await openTunnel(s.port, plan)]);
  const stopped = s.stop(how);
  await new Promise((r) => setTimeout(r, 300));
  await Promise.all(running.map(([plan, tunnel]) => tunnel.end(plan.ending)));
  await stopped;
  return lines(s);
}

/** tswstunnel's line as 1.4.69 writes it where the documented difference applies (a code-only CLOSE answered). */
function asLighttpd(line: string): string {
  if (!line.includes('?close-code ')) return line;
  const f = line.split(' ');
  f[2] = String(Number(f[2]) + 2);
  f[4] = String(Number(f[4]) + 2);
  return f.join(' ');
}

interface Tally {
  agree: number;
  total: number;
  readonly diffs: string[];
}

async function compare(t: TestContext, name: string, finished: readonly TunnelPlan[], open: readonly TunnelPlan[], how: Stop, tally: Tally): Promise<void> {
  const mine = await ours(t);
  const oracle = await theirs(t, mine.dir);
  const want = await run(oracle, finished, open, how);
  const got = (await run(mine, finished, open, how)).map(asLighttpd).sort();
  tally.total += want.length;
  tally.agree += want.filter((l) => got.includes(l)).length;
  if (got.join('\n') !== want.join('\n')) tally.diffs.push(`${name}\n  lighttpd: ${want.join('\n            ')}\n  ours:     ${got.join('\n            ')}`);
}

const SIZES = [5, 100, 1000] as const;

test('tunnels\' access log lines (bytes both ways, %X) agree with lighttpd 1.4.69', { timeout: 120_000 }, async (t) => {
  const tally: Tally = { agree: 0, total: 0, diffs: [] };
  const ended: TunnelPlan[] = [
    { kind: 'wstunnel', target: '/ws?close-reason', sizes: SIZES, ending: 'close-reason' },
    { kind: 'wstunnel', target: '/ws?close-code', sizes: SIZES, ending: 'close-code' },
    { kind: 'wstunnel', target: '/ws?fin', sizes: SIZES, ending: 'fin' },
    { kind: 'wstunnel', target: '/ws?nothing', sizes: [], ending: 'fin' },
    { kind: 'upgrade', target: '/up?fin', sizes: [7, 300, 5000], ending: 'fin' },
    { kind: 'upgrade', target: '/up?backend', sizes: [7, 300], ending: 'backend' },
    { kind: 'connect', target: '127.0.0.1:1', sizes: [7, 300, 5000], ending: 'fin' },
    { kind: 'connect', target: '127.0.0.1:2', sizes: [7, 300], ending: 'backend' },
  ];
  await compare(t, 'tunnels that end', ended, [], 'SIGTERM', tally);
  const open: TunnelPlan[] = [
    { kind: 'wstunnel', target: '/ws?open', sizes: SIZES, ending: 'server' },
    { kind: 'upgrade', target: '/up?open', sizes: [7, 300], ending: 'server' },
    { kind: 'connect', target: '127.0.0.1:3', sizes: [7, 300], ending: 'server' },
  ];
  // an immediate stop drops open tunnels without their lines
  await compare(t, 'immediate stop', [ended[2] as TunnelPlan], open, 'SIGTERM', tally);
  // a graceful stop: a tunnel its client ends meanwhile, and the ones its timeout cuts (lighttpd sends no
  // CLOSE then, tswstunnel a CLOSE 1001: the cut WebSocket is left out)
  const graceful: TunnelPlan[] = [{ kind: 'wstunnel', target: '/ws?graceful-fin', sizes: SIZES, ending: 'fin' }, ...open.slice(1)];
  await compare(t, 'graceful stop', [], graceful, 'SIGINT', tally);
  console.log(`tunnel access log differential: ${tally.agree} of ${tally.total} lines agree`);
  assert.equal(tally.diffs.length, 0, tally.diffs.join('\n'));
  assert.ok(tally.total >= 11, `lighttpd wrote ${tally.total} lines`);
});

test('tswstunnel writes the tunnels\' lines before its access log closes (waits for them)', { timeout: 30_000 }, async (t) => {
  const mine = await ours(t);
  const tunnel = await openTunnel(mine.port, { kind: 'upgrade', target: '/up?late', sizes: [10], ending: 'server' });
  await mine.stop('SIGINT');
  await tunnel.end('server');
  assert.equal(lines(mine).length, 1, 'the line of the tunnel the graceful stop cut');
  assert.match(lines(mine)[0] ?? '', / 101 10 \d+ \d+ X "GET \/up\?late HTTP\/1\.1"$/);
});
