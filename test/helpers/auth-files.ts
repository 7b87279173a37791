/**
 * User files for mod_auth tests, hashed by tools outside the project so the server's checks are tested
 * against independent implementations: `openssl passwd` (apr1, MD5-, SHA-256-, SHA-512-crypt) and the
 * system crypt(3) through perl (DES, bcrypt, yescrypt); `{SHA}` and htdigest lines with node's crypto.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The password of every generated user. */
export const PASSWORD = 'secret';

function openssl(flag: string, salt: string): string {
  return execFileSync('openssl', ['passwd', flag, '-salt', salt, PASSWORD], { encoding: 'utf8' }).trim();
}

function crypt3(salt: string): string {
  return execFileSync('perl', ['-e', 'print crypt($ARGV[0], $ARGV[1])', PASSWORD, salt], { encoding: 'utf8' });
}

/** htpasswd users by hash format (user name = format name). `yescrypt` is one tswstunnel does not support. */
export function htpasswdUsers(): Readonly<Record<string, string>> {
  return {
    apr1: openssl('-apr1', 'abcdefgh'),
    md5crypt: openssl('-1', 'abcdefgh'),
    sha256crypt: openssl('-5', 'abcdefghijkl'),
    sha512crypt: openssl('-6', 'abcdefghijkl'),
    sha1: `{SHA}${createHash('sha1').update(PASSWORD).digest('base64')}`,
    des: crypt3('ab'),
    bcrypt2y: crypt3('$2b$05$abcdefghijklmnopqrstuu').replace(/^\$2b/, '$2y'),
    bcrypt2b: crypt3('$2b$05$abcdefghijklmnopqrstuu'),
    yescrypt: crypt3('$y$j9T$abcdefghijklmnop$'),
    plaintext: PASSWORD,
  };
}

/** An htdigest line for `user` in `realm` (MD5, or SHA-256). */
export function htdigestLine(user: string, realm: string, algorithm: 'md5' | 'sha256' = 'md5'): string {
  return `${user}:${realm}:${createHash(algorithm).update(`${user}:${realm}:${PASSWORD}`).digest('hex')}`;
}

/**
 * Writes `htpasswd`, `plain` and `htdigest` files into `dir`; htdigest has alice (realm R), bob (realm
 * Other), carol (realm S, SHA-256) and dave (realm R, with a userhash field). Returns their paths.
 */
export function writeUserFiles(dir: string): { htpasswd: string; plain: string; htdigest: string } {
  const htpasswd = join(dir, 'htpasswd');
  const plain = join(dir, 'plain');
  const htdigest = join(dir, 'htdigest');
  const users = htpasswdUsers();
  writeFileSync(htpasswd, `# comment\n\n${Object.entries(users).map(([u, h]) => `${u}:${h}`).join('\n')}\r\nother:${users.apr1 ?? ''}\n`);
  writeFileSync(plain, `alice:${PASSWORD}\nbob:${PASSWORD}\r\nbroken line\n`);
  const userhash = createHash('md5').update('dave:R').digest('hex');
  const lines = [htdigestLine('alice', 'R'), htdigestLine('bob', 'Other'), htdigestLine('carol', 'S', 'sha256'), `${htdigestLine('dave', 'R')}:${userhash}`, 'broken'];
  writeFileSync(htdigest, `${lines.join('\n')}\n`);
  return { htpasswd, plain, htdigest };
}

/** `Authorization: Basic …` for user:password. */
export function basicAuth(user: string, password = PASSWORD): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'latin1').toString('base64')}`;
}
