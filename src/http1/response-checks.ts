/**
 * Checks on response header names and values, as node's setHeader makes them: a name must be an
 * RFC 9110 token, a value must not hold CR, LF, NUL or other controls (TAB allowed) or chars above 0xFF.
 * Checked names are remembered with their lower-case form (handlers use a handful of constant names).
 */
import type { HeaderValue } from './header-block.js';

/** Header names already checked, with their lower-case form (handlers use a handful of constant names). */
const goodNames = new Map<string, string>();

function isTokenChar(c: number): boolean {
  // RFC 9110 tchar: ALPHA DIGIT ! # $ % & ' * + - . ^ _ ` | ~
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)) return true;
  return c === 0x2d || c === 0x21 || (c >= 0x23 && c <= 0x27) || c === 0x2a || c === 0x2b || c === 0x2e || c === 0x5e || c === 0x5f || c === 0x60 || c === 0x7c || c === 0x7e;
}

function headerError(code: string, message: string): TypeError {
  const e = new TypeError(message) as TypeError & { code: string };
  e.code = code;
  return e;
}

export function checkValue(name: string, v: string): void {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    // node's rule: TAB, SP..~, and 0x80..0xFF
    if ((c < 0x20 && c !== 0x09) || c === 0x7f || c > 0xff) throw headerError('ERR_INVALID_CHAR', `Invalid character in header content ["${name}"]`);
  }
}

/** Checks a header name (node's token rule) and returns its lower-case form. */
export function checkName(name: string): string {
  let lower = goodNames.get(name);
  if (lower === undefined) {
    let ok = name.length > 0;
    for (let i = 0; ok && i < name.length; i++) ok = isTokenChar(name.charCodeAt(i));
    if (!ok) throw headerError('ERR_INVALID_HTTP_TOKEN', `Header name must be a valid HTTP token ["${name}"]`);
    lower = name.toLowerCase();
    if (goodNames.size < 1024) goodNames.set(name, lower);
  }
  return lower;
}

/** Lower-case form of a name for lookups (from the checked names when known). */
export function lowerOf(name: string): string {
  return goodNames.get(name) ?? name.toLowerCase();
}

/**
 * Throws like node's setHeader for a name that is not a token or a value with CR, LF or NUL; returns
 * the name's lower-case form.
 */
export function checkHeader(name: string, value: HeaderValue): string {
  const lower = checkName(name);
  if (typeof value === 'string') checkValue(name, value);
  else if (typeof value === 'object') for (const v of value) checkValue(name, v);
  return lower;
}
