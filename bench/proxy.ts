/**
 * `npm run bench:proxy`: requests/s through a reverse proxy to a small Node HTTP backend —
 * tswstunnel vs lighttpd 1.4.69 mod_proxy on the same lighttpd.conf, with the backend measured
 * directly as the ceiling (wrk and the backend share the load core in every column).
 */
import { join } from 'node:path';
import { REPO_ROOT, choosePinning } from './env.js';
import { runHttpBench, type HttpScenario } from './http-run.js';
import { startPinned, stopChild, waitForLine } from './proc.js';
import { lighttpdWith, tswstunnelWith, type ConfWriter, type Target } from './servers.js';
import { runWrk } from './wrk.js';

const { pinning } = choosePinning();
const backend = startPinned(pinning.load, process.execPath, [join(REPO_ROOT, 'dist', 'bench', 'http-backend.js'), '0']);
try {
  const m = await waitForLine(backend, /listening (\d+)/, 10_000);
  const backendPort = Number(m[1]);
  const conf: ConfWriter = (port, ctx) =>
    [
      `server.document-root = "${ctx.dir}"`,
      `server.bind = "127.0.0.1"`,
      `server.port = ${port}`,
      `server.max-worker = 0`,
      `server.modules = ( "mod_proxy" )`,
      `server.errorlog = "${join(ctx.dir, 'error.log')}"`,
      `proxy.server = ( "" => ( ( "host" => "127.0.0.1", "port" => ${backendPort} ) ) )`,
      '',
    ].join('\n');
  const direct: Target = {
    id: 'direct',
    label: 'Node backend direct (ceiling)',
    async start() {
      return { port: backendPort, path: '/', pid: backend.pid, child: { ...backend, pid: -1 } };
    },
  };
  const proxied: HttpScenario = {
    id: 'proxy',
    title: 'GET through the proxy, 64 B body, 64 connections',
    metrics: [
      { id: 'proxy.rps', label: 'requests/s', unit: 'count/s', better: 'higher' },
      { id: 'proxy.p50', label: 'p50 latency µs', unit: 'us', better: 'lower' },
      { id: 'proxy.p99', label: 'p99 latency µs', unit: 'us', better: 'lower' },
    ],
    async run(port, cpus, seconds) {
      const url = `http://127.0.0.1:${port}/`;
      // not measured: the same load for 1–2 s first, so every column is measured warm (tswstunnel's and
      // the Node backend's JIT; idle backend connections for tswstunnel). Without it a 2 s quick run
      // mostly shows start-up.
      await runWrk({ url, connections: 64, seconds: seconds <= 2 ? 1 : 2, cpus });
      const r = await runWrk({ url, connections: 64, seconds, cpus });
      if (r.errors > 0) throw new Error(`${r.errors} errors / non-2xx responses`);
      return { 'proxy.rps': r.requestsPerS, 'proxy.p50': r.p50us, 'proxy.p99': r.p99us, clientCpu: r.cpuPct };
    },
  };
  await runHttpBench(
    {
      name: 'proxy',
      title: 'Reverse proxy to a Node HTTP backend (wrk)',
      targets: [direct, tswstunnelWith(conf), lighttpdWith(conf)],
      scenarios: [proxied],
      ratios: [['tswstunnel', 'lighttpd']],
      checkPath: '/',
      notes: [
        'backend: node:http, one process, on the load core with wrk; same lighttpd.conf for both servers',
        'each column runs the same load for 1 s (--quick) or 2 s before the measured seconds (warm-up, not measured)',
      ],
    },
    process.argv.slice(2),
  );
} finally {
  await stopChild(backend, 500);
}
