/**
 * Checking a password against an htpasswd hash the way lighttpd 1.4.69 with glibc/libxcrypt's crypt()
 * accepts them (http-core.md §11.5): `{SHA}` (base64 SHA-1), `$apr1$` and `$1$` (MD5-crypt), `$5$` /
 * `$6$` (SHA-crypt), `$2a$` / `$2b$` / `$2y$` (bcrypt) and traditional 13-character DES. Anything
 * shorter than 13 characters (a plain-text password, too) never matches. The hash formats come from
 * npm libraries; every final comparison is timing-safe.
 *
 * Passwords arrive as latin1 text (one char per byte). MD5-crypt and DES take them so; SHA-crypt and
 * bcrypt take JavaScript strings they encode as UTF-8, so the bytes are decoded as UTF-8 for them.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import apacheMd5 from 'apache-md5';
import unixCrypt from 'unix-crypt-td-js';
import bcrypt from 'bcryptjs';
import { verify as shaCryptVerify } from 'unixcrypt';
import { decodeBase64Loose } from './base64.js';

/** Why a stored hash cannot be checked here (logged once per check), or null when it can. */
export function unsupportedHash(stored: string): string | null {
  if (/^\$(y|gy|7|sha1|md5|3)\$/.test(stored) || stored.startsWith('_') || stored.startsWith('$1+ntlm$')) {
    return `htpasswd hash format ${stored.slice(0, stored.indexOf('$', 1) + 1) || stored.slice(0, 1)} is not supported by tswstunnel`;
  }
  return null;
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function sameText(a: string, b: string): boolean {
  return sameBytes(Buffer.from(a, 'latin1'), Buffer.from(b, 'latin1'));
}

function utf8(latin1: string): string {
  return Buffer.from(latin1, 'latin1').toString('utf8');
}

function checkSha1(stored: string, password: string): boolean {
  const want = decodeBase64Loose(stored.slice(5));
  if (want === null || want.length !== 20) return false;
  return sameBytes(createHash('sha1').update(Buffer.from(password, 'latin1')).digest(), want);
}

function checkShaCrypt(stored: string, password: string): boolean {
  try {
    return shaCryptVerify(utf8(password), stored);
  } catch {
    return false; // a malformed salt: crypt() fails, nothing matches
  }
}

async function checkBcrypt(stored: string, password: string): Promise<boolean> {
  try {
    return await bcrypt.compare(utf8(password), stored);
  } catch {
    return false;
  }
}

const DES = /^[./0-9A-Za-z]{13}$/;

/** Whether `password` (latin1) matches the stored htpasswd hash. */
export async function checkHtpasswd(stored: string, password: string): Promise<boolean> {
  if (stored.startsWith('{SHA}')) return checkSha1(stored, password);
  if (stored.startsWith('$apr1$') || stored.startsWith('$1$')) return sameText(apacheMd5(password, stored), stored);
  if (stored.length < 13) return false;
  if (stored.startsWith('$5$') || stored.startsWith('$6$')) return checkShaCrypt(stored, password);
  if (/^\$2[aby]\$/.test(stored)) return checkBcrypt(stored, password);
  if (DES.test(stored)) return sameText(unixCrypt(password, stored), stored);
  return false;
}
