/**
 * mod_authn_file's user files (http-core.md §11.5), read anew for every check so edits apply at once:
 * one entry per line; blank lines, lines starting with `#` and lines longer than 1024 bytes are skipped;
 * a final CR is dropped. Files are handled as latin1 text (one char per byte), like the credentials.
 */
import { timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { strerror } from '../../strerror.js';

/** Where lookups report a bad line or an unreadable file (lighttpd logs and goes on). */
export type FileLog = (message: string) => void;

/** lighttpd's limit on a user file. */
const MAX_FILE = 64 * 1024 * 1024;
const MAX_LINE = 1024;

/** The file's text (latin1), or null after logging why it cannot be read. */
async function load(path: string, log: FileLog): Promise<string | null> {
  try {
    const data = await readFile(path);
    if (data.length > MAX_FILE) throw Object.assign(new Error('too large'), { code: 'EFBIG' });
    return data.toString('latin1');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    log(`fdevent_load_file() ${path}: ${strerror(code) ?? (code || String(e))}`);
    return null;
  }
}

/** The lines lighttpd looks at, without their line end. */
function* entries(text: string): Generator<string> {
  for (const raw of text.split('\n')) {
    if (raw === '' || raw.startsWith('\r') || raw.startsWith('#') || raw.length > MAX_LINE) continue;
    yield raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  }
}

/** htpasswd / plain: the second field of the first `user:…` line, or null. */
export async function findPassword(path: string, user: string, log: FileLog): Promise<string | null> {
  const text = await load(path, log);
  if (text === null) return null;
  for (const line of entries(text)) {
    const colon = line.indexOf(':');
    if (colon < 0) {
      log(`parsed error in ${path} expected 'username:password'`);
      continue;
    }
    if (line.slice(0, colon) === user) return line.slice(colon + 1);
  }
  return null;
}

/** Which htdigest line to find: by user name, or (Digest `userhash=true`) by the hash in the 4th field. */
export type HtdigestKey = { readonly user: string } | { readonly userhash: string };

/** A found htdigest line: the user named in it and its hex digest. */
export interface HtdigestEntry {
  readonly user: string;
  readonly digest: string;
}

function sameKey(key: HtdigestKey, user: string, userhash: string | undefined): boolean {
  if ('user' in key) return user === key.user;
  return userhash !== undefined && userhash.length === key.userhash.length && timingSafeEqual(Buffer.from(userhash, 'latin1'), Buffer.from(key.userhash, 'latin1'));
}

/** htdigest: the first `user:realm:digest[:userhash]` line for the key and realm whose digest has `hexLength`. */
export async function findDigest(path: string, key: HtdigestKey, realm: string, hexLength: number, log: FileLog): Promise<HtdigestEntry | null> {
  const text = await load(path, log);
  if (text === null) return null;
  for (const line of entries(text)) {
    const fields = line.split(':');
    if (fields.length < 3) {
      log(`parse error in ${path} expected 'username:realm:digest[:userhash]'`);
      continue;
    }
    const [u = '', r, digest = '', userhash] = fields;
    if (r === realm && digest.length === hexLength && sameKey(key, u, userhash)) return { user: u, digest };
  }
  return null;
}
