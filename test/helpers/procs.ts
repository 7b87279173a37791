/**
 * Process and descriptor counts from /proc (Linux), for leak checks: children of this process
 * (zombies included) and open file descriptors.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** PIDs whose parent is this process, with their state letter (Z = zombie). */
export function childProcesses(): Array<{ pid: number; state: string }> {
  const out: Array<{ pid: number; state: string }> = [];
  for (const name of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue;
    }
    // pid (comm) state ppid ...; comm may contain spaces, so split after the last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[1]) === process.pid) out.push({ pid: Number(name), state: fields[0] ?? '?' });
  }
  return out;
}

/** Number of open file descriptors of this process. */
export function openFdCount(): number {
  return readdirSync('/proc/self/fd').length;
}
