/**
 * Reading `Authorization: Basic …` as lighttpd's mod_auth does (http-core.md §11.3): no header or another
 * scheme asks for credentials (401 challenge); more than 1363 base64 characters too (they could not fit
 * lighttpd's 1 KiB buffer); undecodable base64 or no `:` in the decoded text is a bad request (400, with
 * lighttpd's log line).
 */
import { decodeBase64Loose } from './base64.js';

/** What the header holds. `user` / `password` keep one char per byte (latin1), as sent. */
export type BasicCredentials =
  | { readonly kind: 'none' }
  | { readonly kind: 'bad'; readonly log: string }
  | { readonly kind: 'credentials'; readonly user: string; readonly password: string };

const PREFIX = 'basic ';
/** The most base64 characters lighttpd decodes (1363 / 4 * 3 + 3 = 1023 bytes). */
const MAX_ENCODED = 1363;

/** Parses the Authorization header value (latin1), or undefined when there is none. */
export function readBasicCredentials(header: string | undefined): BasicCredentials {
  if (header === undefined || header.length < PREFIX.length || header.slice(0, PREFIX.length).toLowerCase() !== PREFIX) return { kind: 'none' };
  const encoded = header.slice(PREFIX.length);
  if (encoded.length > MAX_ENCODED) return { kind: 'none' };
  const decoded = decodeBase64Loose(encoded);
  if (decoded === null) return { kind: 'bad', log: `decoding base64-string failed ${encoded}` };
  const text = decoded.toString('latin1');
  const colon = text.indexOf(':');
  if (colon < 0) return { kind: 'bad', log: `missing ':' in ${text}` };
  return { kind: 'credentials', user: text.slice(0, colon), password: text.slice(colon + 1) };
}
