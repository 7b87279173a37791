/**
 * Home directories by user name for mod_userdir, read from the passwd file (lighttpd calls getpwnam();
 * node has no binding for it). Only the file is consulted — users that the system's NSS finds elsewhere
 * (LDAP, systemd-homed, …) are unknown here (docs/compat.md). The file is read again when its size or
 * modification time changed; the first entry for a name wins, as with getpwnam().
 */
import { readFileSync, statSync } from 'node:fs';

/** The system's passwd file. */
export const PASSWD_FILE = '/etc/passwd';

/** A passwd file's home directories, re-read when the file changes. */
export class PasswdHomes {
  readonly #file: string;
  #stamp = '';
  #homes = new Map<string, string>();

  constructor(file: string = PASSWD_FILE) {
    this.#file = file;
  }

  /** The home directory of `user`, or null when the file has no such user (or cannot be read). */
  home(user: string): string | null {
    this.#refresh();
    return this.#homes.get(user) ?? null;
  }

  #refresh(): void {
    let stamp: string;
    try {
      const st = statSync(this.#file);
      stamp = `${st.size}:${st.mtimeMs}:${st.ino}`;
    } catch {
      this.#stamp = '';
      this.#homes = new Map();
      return;
    }
    if (stamp === this.#stamp) return;
    this.#stamp = stamp;
    this.#homes = parsePasswd(readFileSync(this.#file, 'utf8'));
  }
}

/** name → home directory of a passwd file's text (`name:pw:uid:gid:gecos:dir:shell`), first entry first. */
export function parsePasswd(text: string): Map<string, string> {
  const homes = new Map<string, string>();
  for (const line of text.split('\n')) {
    const f = line.split(':');
    const name = f[0] ?? '';
    // NIS compat lines (+name, -name) name no local user
    if (f.length < 7 || name === '' || name.startsWith('+') || name.startsWith('-')) continue;
    if (!homes.has(name)) homes.set(name, f[5] ?? '');
  }
  return homes;
}
