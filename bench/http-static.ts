/**
 * `npm run bench:http`: static files, tswstunnel vs lighttpd 1.4.69 on the same lighttpd.conf —
 * requests/s for a small file with keep-alive, and MB/s for one download of a 100 MiB file.
 * The files are generated in a temp dir and deleted afterwards.
 */
import { rmSync } from 'node:fs';
import { runHttpBench, type HttpScenario } from './http-run.js';
import { lighttpdWith, tswstunnelWith } from './servers.js';
import { BIG_MIB, makeDocroot, SMALL_BYTES, staticConf } from './static-site.js';
import { runWrk } from './wrk.js';

/**
 * Not measured: the same load first, for 1 s (--quick) or 2 s, so both columns are measured warm (Node's
 * JIT needs about a second; lighttpd does not care). bench:proxy and bench (WebSocket) do the same.
 */
function warmUpSeconds(seconds: number): number {
  return seconds <= 2 ? 1 : 2;
}

const small: HttpScenario = {
  id: 'small',
  title: `small file (${SMALL_BYTES} B), keep-alive, 64 connections`,
  metrics: [
    { id: 'small.rps', label: 'requests/s', unit: 'count/s', better: 'higher' },
    { id: 'small.p50', label: 'p50 latency µs', unit: 'us', better: 'lower' },
    { id: 'small.p99', label: 'p99 latency µs', unit: 'us', better: 'lower' },
  ],
  async run(port, cpus, seconds) {
    const url = `http://127.0.0.1:${port}/small.html`;
    await runWrk({ url, connections: 64, seconds: warmUpSeconds(seconds), cpus });
    const r = await runWrk({ url, connections: 64, seconds, cpus });
    if (r.errors > 0) throw new Error(`${r.errors} errors / non-2xx responses`);
    return { 'small.rps': r.requestsPerS, 'small.p50': r.p50us, 'small.p99': r.p99us, clientCpu: r.cpuPct };
  },
};

const big: HttpScenario = {
  id: 'big',
  title: `${BIG_MIB} MiB file, 1 connection`,
  metrics: [{ id: 'big.mbs', label: 'MB/s', unit: 'MB/s', better: 'higher' }],
  async run(port, cpus, seconds) {
    const url = `http://127.0.0.1:${port}/big.bin`;
    await runWrk({ url, connections: 1, seconds: warmUpSeconds(seconds), cpus, timeoutS: 60 });
    const r = await runWrk({ url, connections: 1, seconds, cpus, timeoutS: 60 });
    if (r.errors > 0) throw new Error(`${r.errors} errors / non-2xx responses`);
    return { 'big.mbs': r.mbPerS, clientCpu: r.cpuPct };
  },
};

const docroot = makeDocroot(true);
try {
  const conf = staticConf(docroot);
  await runHttpBench(
    {
      name: 'http-static',
      title: 'Static files (wrk)',
      targets: [tswstunnelWith(conf), lighttpdWith(conf)],
      scenarios: [small, big],
      ratios: [['tswstunnel', 'lighttpd']],
      checkPath: '/small.html',
      notes: [
        'same lighttpd.conf for both (server.max-worker = 0, lighttpd defaults otherwise); wrk -t1 on the other core',
        'each figure follows the same load for 1 s (--quick) or 2 s, not measured (warm-up)',
      ],
    },
    process.argv.slice(2),
  );
} finally {
  rmSync(docroot, { recursive: true, force: true });
}
