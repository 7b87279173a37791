/**
 * Whether Basic credentials pass a rule with the configured file backend (http-core.md §11.3, §11.5):
 * htpasswd hashes, plain-text passwords, or an htdigest line whose digest of `user:realm:password` (the
 * rule's algorithm) matches; then the rule's `require` must admit the user. Comparisons are timing-safe.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AuthConf, FileBackend } from './config.js';
import type { AuthRule } from './rules.js';
import { admits } from './require-rule.js';
import { checkHtpasswd, unsupportedHash } from './htpasswd.js';
import { findDigest, findPassword, type FileLog } from './userfile.js';
import { DIGEST_HASH, DIGEST_HEX_LENGTH, type DigestAlgorithm } from './digest-algorithm.js';

function sha256(s: string): Buffer {
  return createHash('sha256').update(Buffer.from(s, 'latin1')).digest();
}

/** Whether the text is all hex digits (what lighttpd's hex decoder accepts). */
export function isHex(s: string): boolean {
  return /^[0-9a-fA-F]*$/.test(s);
}

/** H(user:realm:password) with the algorithm (all latin1 byte strings). */
export function ha1(algorithm: DigestAlgorithm, user: string, realm: string, password: string): Buffer {
  return createHash(DIGEST_HASH[algorithm]).update(Buffer.from(`${user}:${realm}:${password}`, 'latin1')).digest();
}

/** Equal without telling how long or where they differ. */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b)) && a === b;
}

/** The one algorithm an htdigest file is read with for Basic: SHA-256 if offered, else SHA-512-256, else MD5. */
export function htdigestAlgorithm(rule: AuthRule): DigestAlgorithm {
  if (rule.algorithms.includes('SHA-256')) return 'SHA-256';
  if (rule.algorithms.includes('SHA-512-256')) return 'SHA-512-256';
  return 'MD5';
}

async function passwordOk(backend: FileBackend, conf: AuthConf, rule: AuthRule, user: string, password: string, log: FileLog): Promise<boolean> {
  switch (backend) {
    case 'plain': {
      if (conf.plainFile === null) return false;
      const stored = await findPassword(conf.plainFile, user, log);
      return stored !== null && sameSecret(stored, password);
    }
    case 'htpasswd': {
      if (conf.htpasswdFile === null) return false;
      const stored = await findPassword(conf.htpasswdFile, user, log);
      if (stored === null) return false;
      const unsupported = unsupportedHash(stored);
      if (unsupported !== null) {
        log(`${unsupported} (user ${user})`);
        return false;
      }
      return checkHtpasswd(stored, password);
    }
    case 'htdigest': {
      if (conf.htdigestFile === null) return false;
      const algorithm = htdigestAlgorithm(rule);
      const entry = await findDigest(conf.htdigestFile, { user }, rule.realm, DIGEST_HEX_LENGTH[algorithm], log);
      if (entry === null || !isHex(entry.digest)) return false;
      return timingSafeEqual(ha1(algorithm, user, rule.realm, password), Buffer.from(entry.digest, 'hex'));
    }
  }
}

/** Whether the user/password pass the rule with this file backend. */
export async function basicAllowed(backend: FileBackend, conf: AuthConf, rule: AuthRule, user: string, password: string, log: FileLog): Promise<boolean> {
  const ok = await passwordOk(backend, conf, rule, user, password, log);
  return ok && admits(rule.require, user);
}
