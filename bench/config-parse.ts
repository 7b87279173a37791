/**
 * Config parsing benchmark (`npm run bench:config`): read + evaluate (loadConfig) a generated 10,000-line
 * config and Debian's default lighttpd.conf (corpus entry 01), median of several runs, then write the
 * figures and the machine into docs/benchmarks.md under "## Config parsing". Target: 10,000 lines < 300 ms.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig, type LoadOptions } from '../src/config/load.js';
import { REPO_ROOT, sharedDir } from '../test/helpers/run-cli.js';

const RUNS = 9;
const TARGET_MS = 300;

/** A 10,000-line config in the style of real ones: assignments, arrays, nested conditions, else chains. */
function generateBigConfig(lines: number): string {
  const out: string[] = ['server.document-root = "/srv/www"', 'server.modules = ( "mod_access", "mod_wstunnel", "mod_proxy" )'];
  const block = 18;
  let i = 0;
  while (out.length + block <= lines) {
    i++;
    out.push(
      `# vhost ${i}`,
      `var.site${i} = "site${i}.example.org"`,
      `$HTTP["host"] == site${i} {`,
      `  server.document-root = "/srv/www/" + site${i}`,
      `  server.name = site${i}`,
      `  $HTTP["url"] =~ "^/ws/${i}/" {`,
      `    wstunnel.server = ( "" => ( ( "host" => "127.0.0.1", "port" => ${1024 + (i % 60000)} ) ) )`,
      `    wstunnel.frame-type = "binary"`,
      `  }`,
      `  else $HTTP["url"] =^ "/api/" {`,
      `    proxy.server = ( "" => ( "api" => ( "host" => "127.0.0.1", "port" => 9000 ) ) )`,
      `  }`,
      `  else {`,
      `    url.access-deny = ( "~", ".inc", ".bak" )`,
      `  }`,
      `  mimetype.assign = ( ".html" => "text/html", ".js" => "text/javascript", ".css" => "text/css" )`,
      `}`,
      '',
    );
  }
  while (out.length < lines) out.push(`var.pad${out.length} = ${out.length}`);
  return out.join('\n') + '\n';
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

interface Figures {
  /** Median wall-clock time. */
  readonly wall: number;
  /** Median CPU time of this process (user + system), less disturbed by other load on the machine. */
  readonly cpu: number;
}

function measure(label: string, opts: LoadOptions): Figures {
  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const result = loadConfig(opts);
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpuTimes.push((c.user + c.system) / 1000);
    if (result.tree === null) throw new Error(`${label}: the config was rejected: ${result.diagnostics[0]?.message ?? ''}`);
  }
  const f = { wall: median(times), cpu: median(cpuTimes) };
  console.log(
    `${label}: median ${f.wall.toFixed(1)} ms wall, ${f.cpu.toFixed(1)} ms CPU over ${RUNS} runs ` +
      `(wall min ${Math.min(...times).toFixed(1)}, max ${Math.max(...times).toFixed(1)})`,
  );
  return f;
}

function writeSection(body: string): void {
  const file = path.join(REPO_ROOT, 'docs', 'benchmarks.md');
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const heading = '## Config parsing';
  const start = old.indexOf(heading);
  let next = start < 0 ? -1 : old.indexOf('\n## ', start + heading.length);
  if (next < 0) next = old.length;
  const section = `${heading}\n\n${body}`;
  const text = start < 0 ? `${old.trimEnd()}\n\n${section}` : `${old.slice(0, start)}${section}${old.slice(next)}`;
  writeFileSync(file, text.endsWith('\n') ? text : `${text}\n`);
}

const dir = mkdtempSync(path.join(tmpdir(), 'tsw-bench-'));
try {
  const bigFile = path.join(dir, 'big.conf');
  writeFileSync(bigFile, generateBigConfig(10_000));
  const big = measure('generated 10,000 lines', { file: bigFile, cwd: dir, env: { PATH: '/usr/bin:/bin' } });
  const debianDir = path.join(sharedDir(), 'corpus', '01-debian-bookworm');
  const debian = measure('Debian lighttpd.conf (corpus 01)', {
    file: 'lighttpd.conf',
    cwd: debianDir,
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', SHELL: '/bin/sh', LANG: 'C' },
  });
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const [load1] = loadavg();
  const row = (f: Figures): string => `${f.wall.toFixed(1)} ms | ${f.cpu.toFixed(1)} ms`;
  const verdict = (ms: number): string => (ms < TARGET_MS ? 'met' : '**missed**');
  const busy = (load1 ?? 0) > availableParallelism();
  const body =
    `\`npm run bench:config\` (bench/config-parse.ts): \`loadConfig\` (read, tokenize, parse, evaluate, core checks), ` +
    `median of ${RUNS} runs in one process.\n\n` +
    `| config | median wall | median CPU |\n|---|---|---|\n` +
    `| generated, 10,000 lines (vhosts with nested conditions, else chains, arrays) | ${row(big)} |\n` +
    `| Debian bookworm default lighttpd.conf (corpus 01, runs its include_shell helpers) | ${row(debian)} |\n\n` +
    `Target: 10,000 lines < ${TARGET_MS} ms — CPU time ${verdict(big.cpu)}, wall clock ${verdict(big.wall)}.` +
    (busy ? ` The machine was busy (load average ${load1?.toFixed(1) ?? '?'} on ${availableParallelism()} CPUs), so the wall-clock figures are mostly waiting for a CPU; the CPU times are the comparable figures.` : '') +
    '\n\n' +
    `Machine: ${availableParallelism()} CPUs (nproc), ${cpu}, Node.js ${process.version}, ` +
    `load average ${load1?.toFixed(1) ?? '?'} while measuring, ${new Date().toISOString().slice(0, 10)}.\n`;
  writeSection(body);
  console.log('written to docs/benchmarks.md');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
