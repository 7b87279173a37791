/**
 * Child processes for the benchmarks: start pinned to a core, wait until they serve, measure their
 * memory (with every descendant), and stop them within a bound.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A started child: its process, and the tail of what it wrote (for error messages). */
export interface Child {
  readonly proc: ChildProcess;
  readonly pid: number;
  /** stdout + stderr, last 4 KiB. */
  output(): string;
  /** Resolves when the process has exited (immediately if it already has). */
  exited(): Promise<void>;
}

/** Where each side runs: the server under test on one core, client and backend on the other. */
export interface Pinning {
  readonly server: string | undefined;
  readonly load: string | undefined;
}

/** Start `cmd args` on the given CPU list (taskset) in its own process group. */
export function startPinned(cpus: string | undefined, cmd: string, args: readonly string[], cwd?: string): Child {
  const argv = cpus === undefined ? [cmd, ...args] : ['taskset', '-c', cpus, cmd, ...args];
  const [file, ...rest] = argv;
  const proc = spawn(file ?? cmd, rest, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (b: Buffer): void => {
    tail = (tail + b.toString('utf8')).slice(-4096);
  };
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  let done = proc.exitCode !== null;
  const exit = new Promise<void>((resolve) => {
    proc.once('exit', () => {
      done = true;
      resolve();
    });
    proc.once('error', (err) => {
      tail += `\n${err.message}`;
      done = true;
      resolve();
    });
  });
  return {
    proc,
    pid: proc.pid ?? -1,
    output: () => tail,
    exited: () => (done ? Promise.resolve() : exit),
  };
}

/** Wait for a line matching `re` on the child's stdout; resolves with the match, rejects on exit or timeout. */
export function waitForLine(child: Child, re: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms waiting for ${re}`)), timeoutMs);
    const onData = (b: Buffer): void => {
      buf += b.toString('utf8');
      const m = buf.match(re);
      if (m) finish(undefined, m);
    };
    const onExit = (): void => finish(new Error(`exited before printing ${re}: ${child.output().trim().slice(-300)}`));
    function finish(err: Error | undefined, m?: RegExpMatchArray): void {
      clearTimeout(timer);
      child.proc.stdout?.off('data', onData);
      child.proc.off('exit', onExit);
      if (m) resolve(m);
      else reject(err ?? new Error('no match'));
    }
    child.proc.stdout?.on('data', onData);
    child.proc.once('exit', onExit);
  });
}

/** Poll until a TCP connect to 127.0.0.1:port succeeds; false on timeout or if the child exits. */
export async function waitForPort(port: number, timeoutMs: number, child?: Child): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.proc.exitCode !== null) return false;
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return true;
    await sleep(50);
  }
  return false;
}

/** A free loopback port (bound and released; good enough for a benchmark on loopback). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** SIGTERM the child's process group, then SIGKILL it after `graceMs`. */
export async function stopChild(child: Child, graceMs = 2000): Promise<void> {
  const signal = (sig: NodeJS.Signals): void => {
    try {
      process.kill(-child.pid, sig);
    } catch {
      // already gone
    }
  };
  if (child.pid <= 0) return;
  signal('SIGTERM');
  const timer = sleep(graceMs, undefined, { ref: false }).then(() => 'timeout' as const);
  const r = await Promise.race([child.exited().then(() => 'exited' as const), timer]);
  // children of the group (websockify's forks) may outlive the leader: always sweep the group
  signal('SIGKILL');
  if (r === 'timeout') await Promise.race([child.exited(), sleep(1000, undefined, { ref: false })]);
}

/** Memory of a process and all its descendants, from /proc. */
export interface TreeMemory {
  /** Sum of VmRSS (KiB); counts pages shared between forks once per process. */
  readonly rssKiB: number;
  /** Sum of Pss from smaps_rollup (KiB): shared pages split between the sharers. */
  readonly pssKiB: number;
  readonly processes: number;
}

/**
 * The fields of a /proc/PID/stat line after "pid (comm) ": index 0 is field 3 (state), so field N is
 * index N − 3. The command name may contain spaces and parentheses, hence the last ')'.
 */
export function statFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).trim().split(' ');
}

/** Clock ticks per second of /proc's utime, stime, cutime and cstime (USER_HZ, 100 on Linux). */
export const USER_HZ = 100;

/** CPU seconds (user + system) a live process has used so far. */
export function cpuSeconds(pid: number): number {
  const f = statFields(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  return (Number(f[11]) + Number(f[12])) / USER_HZ;
}

function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue;
    }
    const ppid = Number(statFields(stat)[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(name));
    children.set(ppid, list);
  }
  const out: number[] = [root];
  for (let i = 0; i < out.length; i++) for (const c of children.get(out[i] ?? -1) ?? []) out.push(c);
  return out;
}

function kibField(text: string, field: string): number {
  const m = text.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
  return m ? Number(m[1]) : 0;
}

/** RSS and PSS of `root` and every descendant (processes that vanish mid-read are skipped). */
export function treeMemory(root: number): TreeMemory {
  let rssKiB = 0;
  let pssKiB = 0;
  let processes = 0;
  for (const pid of descendants(root)) {
    try {
      rssKiB += kibField(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmRSS');
      pssKiB += kibField(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'), 'Pss');
      processes++;
    } catch {
      // exited between listing and reading
    }
  }
  return { rssKiB, pssKiB, processes };
}
