/**
 * Runs the built CLI (`node bin/tswstunnel …`) as a child process, the way users run it.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is compiled to dist/test/helpers/). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const BIN = path.join(REPO_ROOT, 'bin', 'tswstunnel');

/** The shared specs/corpus folder: beside the repository, or /work/shared (brief.md). */
export function sharedDir(): string {
  const beside = path.resolve(REPO_ROOT, '..', 'shared');
  return existsSync(beside) ? beside : '/work/shared';
}

export interface RunResult {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly input?: string;
  /** Kill after this many ms (default 10 s). */
  readonly timeoutMs?: number;
}

/** Spawns `command args…` and collects its output; never rejects for a non-zero exit. */
export function runProcess(command: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult & { pid: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: opts.cwd ?? REPO_ROOT,
      env: opts.env ?? { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: opts.timeoutMs ?? 10_000,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (status, signal) => {
      resolve({
        status,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        pid: child.pid ?? -1,
      });
    });
    child.stdin.on('error', () => undefined); // the child may exit before reading its input
    child.stdin.end(opts.input ?? '');
  });
}

/** Runs `node bin/tswstunnel args…`. */
export function runTsw(args: readonly string[], opts: RunOptions = {}): Promise<RunResult & { pid: number }> {
  return runProcess(process.execPath, [BIN, ...args], opts);
}

/** A `tswstunnel -D -f conf` child running for one test. */
export interface CliChild {
  readonly pid: number;
  /** Everything it wrote to stderr so far. */
  readonly stderr: () => string;
  readonly kill: (sig: NodeJS.Signals) => void;
  /** Resolves with the exit code (null after a signal). */
  readonly exit: Promise<number | null>;
  /** Whether it has exited. */
  readonly exited: () => boolean;
}

/** Starts `node bin/tswstunnel -D -f conf …args`; it is killed when the test ends (or after 40 s). */
export function startCli(t: { after(fn: () => Promise<void>): void }, conf: string, args: readonly string[] = []): CliChild {
  const child = spawn(process.execPath, [BIN, '-D', '-f', conf, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const killer = setTimeout(() => child.kill('SIGKILL'), 40000);
  t.after(async () => {
    child.kill('SIGKILL');
    await exit;
    clearTimeout(killer);
  });
  return { pid: child.pid ?? 0, stderr: () => err, kill: (s) => child.kill(s), exit, exited: () => child.exitCode !== null };
}
