/**
 * A server started in a child shell under a descriptor limit (`ulimit -n N; exec …`): its stderr, exit,
 * CPU time (from /proc) and a stop that waits for it. Used with tswstunnel's bin and with lighttpd.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface LimitedChild {
  readonly pid: number;
  stderr(): string;
  exited(): boolean;
  readonly exit: Promise<number | null>;
  /** User + system CPU time so far, in clock ticks. */
  cpuTicks(): number;
  stop(): Promise<void>;
}

/** Runs `argv` under `ulimit -n limit` (soft and hard) in a child bash. */
export function spawnLimited(limit: number, argv: readonly string[], cwd: string): LimitedChild {
  const quoted = argv.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const child = spawn('bash', ['-c', `ulimit -n ${limit} && exec ${quoted}`], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  let done = false;
  const exit = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      done = true;
      resolve(code);
    }),
  );
  const pid = child.pid ?? 0;
  return {
    pid,
    stderr: () => err,
    exited: () => done,
    exit,
    cpuTicks: () => {
      // fields after the command name: state is 3rd, utime 14th, stime 15th
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(f[11]) + Number(f[12]);
    },
    stop: async () => {
      if (done) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exit;
      clearTimeout(t);
    },
  };
}
