/**
 * The echo example's backend: examples/echo.pl copied to /dev/shm/echo.pl, where the verbatim
 * lighttpd-wstunnel.conf expects it, and a check that no copy of it outlives the servers.
 */
import { chmod, copyFile, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { EXAMPLES_DIR } from './paths.js';
import { waitFor } from './wait.js';

/** Where examples/lighttpd-wstunnel.conf's "bin-path" points. */
export const ECHO_BIN = '/dev/shm/echo.pl';
/** Where examples/lighttpd-wstunnel.conf's "socket" points. */
export const ECHO_SOCKET = '/dev/shm/psock';

/** Installs examples/echo.pl as /dev/shm/echo.pl (executable); returns a function that removes it. */
export async function installEchoScript(): Promise<() => Promise<void>> {
  await copyFile(join(EXAMPLES_DIR, 'echo.pl'), ECHO_BIN);
  await chmod(ECHO_BIN, 0o755);
  return () => rm(ECHO_BIN, { force: true });
}

/** The parent pid of a process, or undefined if it is gone. */
async function parentOf(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Field 4, after the parenthesised command name (which may itself contain spaces or parentheses).
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(ppid) ? ppid : undefined;
  } catch {
    return undefined;
  }
}

/** Process ids running /dev/shm/echo.pl that descend from one of `ancestors` (read from /proc). */
export async function echoProcessesUnder(ancestors: readonly number[]): Promise<number[]> {
  const found: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    let cmdline: string;
    try {
      cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replaceAll('\0', ' ');
    } catch {
      continue; // The process ended while we looked.
    }
    if (!cmdline.includes(ECHO_BIN)) continue;
    for (let p: number | undefined = pid, hops = 0; p !== undefined && p > 1 && hops < 32; hops++) {
      if (ancestors.includes(p)) {
        found.push(pid);
        break;
      }
      p = await parentOf(p);
    }
  }
  return found;
}

/** Whether a process still exists (zombies count as gone). */
async function isAlive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Waits (bounded) until every given echo.pl process has ended; throws naming the survivors. */
export async function waitEchoProcessesGone(pids: readonly number[], timeoutMs = 10_000): Promise<void> {
  let left: number[] = [];
  await waitFor(`the spawned ${ECHO_BIN} (pid ${pids.join(', ')}) to end after its server stopped`, async () => {
    left = [];
    for (const pid of pids) if (await isAlive(pid)) left.push(pid);
    return left.length === 0 ? true : undefined;
  }, timeoutMs, () => `still running: pid ${left.join(', ')}`);
}
