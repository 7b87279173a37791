/**
 * The benchmark machine: checks that the peers and tools are installed, builds the C helpers, and
 * describes the machine (cores, CPU, memory, versions) for the report.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpus, totalmem, loadavg } from 'node:os';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Pinning } from './proc.js';

/** The repository root (dist/bench/env.js → ../..). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Where the C helpers are built and results are written (git-ignored). */
export const OUT_DIR = join(REPO_ROOT, 'bench', 'out');

/** Absolute paths of the compiled C helpers. */
export interface Tools {
  readonly echo: string;
  readonly wsload: string;
}

function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  const p = r.stdout.trim();
  return r.status === 0 && p !== '' ? p : undefined;
}

/** Path of a required program, or exit with how to install it. */
export function requireProgram(cmd: string, install: string): string {
  const p = which(cmd);
  if (p === undefined) {
    console.error(`bench: ${cmd} is not installed; install it with: ${install}`);
    process.exit(2);
  }
  return p;
}

/** Compile bench/c/*.c with `cc -O2` into bench/out when the source is newer than the binary. */
export function buildTools(): Tools {
  requireProgram('cc', 'apt-get install gcc');
  mkdirSync(OUT_DIR, { recursive: true });
  const build = (name: string): string => {
    const src = join(REPO_ROOT, 'bench', 'c', `${name}.c`);
    const hdr = join(REPO_ROOT, 'bench', 'c', 'sha1.h');
    const bin = join(OUT_DIR, name);
    const newest = Math.max(statSync(src).mtimeMs, statSync(hdr).mtimeMs);
    if (!existsSync(bin) || statSync(bin).mtimeMs < newest) {
      execFileSync('cc', ['-O2', '-Wall', '-o', bin, src], { stdio: 'inherit' });
    }
    return bin;
  };
  return { echo: build('echo'), wsload: build('wsload') };
}

/** Pin the server to core 0 and client + backend to core 1 when there are ≥ 2 cores and taskset exists. */
export function choosePinning(): { pinning: Pinning; note: string } {
  const n = cpus().length;
  if (n < 2) return { pinning: { server: undefined, load: undefined }, note: `only ${n} core: nothing pinned` };
  if (which('taskset') === undefined) {
    return { pinning: { server: undefined, load: undefined }, note: 'taskset missing (apt-get install util-linux): nothing pinned' };
  }
  return { pinning: { server: '0', load: '1' }, note: 'server on core 0; load generator and backend on core 1 (taskset)' };
}

/** The soft open-files limit children inherit. */
export function openFilesLimit(): number {
  const r = spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' });
  const v = r.stdout.trim();
  return v === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(v);
}

function firstLine(cmd: string, args: readonly string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`.split('\n').find((l) => l.trim() !== '')?.trim() ?? 'unknown';
}

/** A one-paragraph description of this machine and the software versions. */
export function describeMachine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const memGiB = (totalmem() / 2 ** 30).toFixed(1);
  const lighttpd = which('lighttpd') ? firstLine('lighttpd', ['-v']) : 'lighttpd not installed';
  const dpkg = spawnSync('dpkg-query', ['-W', '-f', '${Version}', 'websockify'], { encoding: 'utf8' });
  const websockify = dpkg.status === 0 ? `websockify ${dpkg.stdout.trim()} (Python)` : 'websockify (version unknown)';
  const wrk = which('wrk') ? firstLine('wrk', ['-v']).split(' ').slice(0, 2).join(' ') : 'wrk not installed';
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  return [
    `${cpus().length} cores (nproc), ${cpu}, ${memGiB} GiB RAM, Linux ${firstLine('uname', ['-r'])}`,
    `node ${process.version}, ${lighttpd}, ${websockify}, ${wrk}, ${firstLine('cc', ['--version'])}`,
    `load average at start: ${load}`,
  ].join('\n');
}
