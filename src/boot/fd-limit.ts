/**
 * The process's descriptor figures on Linux: the open-files limit (RLIMIT_NOFILE, soft; Node has
 * already raised it to the hard limit at startup) and how many descriptors are open now. Both are
 * read from /proc; elsewhere they are unknown (null). Imports nothing but node:fs, so that the
 * command's shim can ask before the rest of the program loads.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** The soft open-files limit (`ulimit -n`), null when unknown or unlimited. */
export function openFilesLimit(): number | null {
  try {
    const line = readFileSync('/proc/self/limits', 'latin1')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
    const n = Number(soft);
    return soft !== undefined && Number.isInteger(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}

/** How many descriptors the process has open, null when unknown. */
export function openFdCount(): number | null {
  try {
    // the directory's own descriptor is in the listing while it is read
    return readdirSync('/proc/self/fd').length - 1;
  } catch {
    return null;
  }
}
