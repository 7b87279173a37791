/**
 * A child process owned by a test: started in its own process group, its output kept (the last lines)
 * for error messages, and stopped with SIGTERM, then SIGKILL, within a bounded time.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

const TAIL_CHARS = 4000;

/** Options for {@link startProcess}. */
export interface StartOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Extra stdio entries after stdin/stdout/stderr (e.g. `'pipe'` for Xvfb's -displayfd 3). */
  readonly extraStdio?: readonly 'pipe'[];
}

/** A running (or exited) child process started by {@link startProcess}. */
export class ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  #output = '';
  #exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  readonly #exited: Promise<void>;

  constructor(name: string, child: ChildProcess) {
    this.name = name;
    this.child = child;
    const keep = (chunk: Buffer): void => {
      this.#output = (this.#output + chunk.toString('utf8')).slice(-TAIL_CHARS);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.#exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.#exit = { code, signal };
        resolve();
      });
      child.once('error', (err) => {
        this.#output += `\n[spawn error: ${err.message}]`;
        this.#exit ??= { code: null, signal: null };
        resolve();
      });
    });
  }

  /** The last few thousand characters the process wrote to stdout and stderr. */
  get output(): string {
    return this.#output;
  }

  /** Whether the process has exited (or failed to start). */
  get hasExited(): boolean {
    return this.#exit !== undefined;
  }

  /** A one-paragraph description for error messages: name, exit status, output tail. */
  describe(): string {
    const status = this.#exit ? `exited (code ${this.#exit.code}, signal ${this.#exit.signal})` : 'running';
    const tail = this.#output.trim();
    return `${this.name} ${status}${tail ? `; its output:\n${tail}` : ''}`;
  }

  /** Throws with {@link describe} if the process has exited; used while waiting for readiness. */
  assertRunning(): void {
    if (this.hasExited) throw new Error(`${this.describe()}`);
  }

  /**
   * Stops the whole process group (as Ctrl-C in a terminal would): SIGTERM, then SIGKILL after `graceMs`;
   * resolves once the process exited. With `sweep` (the default) whatever is left in the group, e.g. a
   * backend the server spawned and failed to stop, is killed too; pass false to observe such leftovers.
   */
  async stop(graceMs = 3000, sweep = true): Promise<void> {
    if (!this.hasExited && this.child.pid !== undefined) {
      this.#signalGroup('SIGTERM');
      const exited = await Promise.race([this.#exited.then(() => true), sleep(graceMs).then(() => false)]);
      if (!exited) {
        this.#signalGroup('SIGKILL');
        await Promise.race([this.#exited, sleep(2000)]);
      }
    }
    if (sweep) this.#signalGroup('SIGKILL');
  }

  #signalGroup(sig: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, sig);
    } catch {
      // The group is already gone.
    }
  }
}

/** Spawns `command args` detached (its own process group) with piped output. */
export async function startProcess(
  name: string,
  command: string,
  args: readonly string[],
  opts: StartOptions = {},
): Promise<ManagedProcess> {
  const spawnOpts: SpawnOptions = {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe', ...(opts.extraStdio ?? [])],
    env: opts.env ?? process.env,
  };
  if (opts.cwd !== undefined) spawnOpts.cwd = opts.cwd;
  const child = spawn(command, args, spawnOpts);
  const proc = new ManagedProcess(name, child);
  // Surface "command not found" at once instead of as a later timeout.
  await Promise.race([once(child, 'spawn'), once(child, 'error')]).catch(() => undefined);
  proc.assertRunning();
  return proc;
}

/** Stops every process in reverse start order; never throws. */
export async function stopAll(procs: readonly ManagedProcess[]): Promise<void> {
  for (const p of [...procs].reverse()) await p.stop();
}
