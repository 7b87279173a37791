/**
 * `npm run bench:http`: static files, tswstunnel vs lighttpd 1.4.69 on the same lighttpd.conf —
 * requests/s for a small file with keep-alive, and MB/s for one download of a 100 MiB file.
 * The files are generated in a temp dir and deleted afterwards.
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHttpBench, type HttpScenario } from './http-run.js';
import { lighttpdWith, tswstunnelWith, type ConfWriter } from './servers.js';
import { runWrk } from './wrk.js';

const SMALL_BYTES = 1024;
const BIG_MIB = 100;

function makeDocroot(): string {
  const root = mkdtempSync(join(tmpdir(), 'tsw-bench-docroot-'));
  writeFileSync(join(root, 'small.html'), `<!doctype html><title>small</title>${'x'.repeat(SMALL_BYTES - 34)}\n`);
  const chunk = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 31) & 0xff;
  const fd = openSync(join(root, 'big.bin'), 'w');
  try {
    for (let i = 0; i < BIG_MIB; i++) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
  return root;
}

function staticConf(docroot: string): ConfWriter {
  return (port, ctx) =>
    [
      `server.document-root = "${docroot}"`,
      `server.bind = "127.0.0.1"`,
      `server.port = ${port}`,
      `server.max-worker = 0`,
      `server.errorlog = "${join(ctx.dir, 'error.log')}"`,
      `mimetype.assign = ( ".html" => "text/html", ".bin" => "application/octet-stream" )`,
      '',
    ].join('\n');
}

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

const docroot = makeDocroot();
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
