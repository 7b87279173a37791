/**
 * URL and host remapping for `proxy.header` "map-urlpath", "map-host-request", "map-host-response" and
 * "https-remap" (proxy.md §3). Pure functions: the request side remembers what matched in a RemapState so
 * the response side can map back.
 */
import type { OrderedMap, ProxyHeaderOpts } from './options.js';

/** What the request side matched; the response side reverses it first. */
export interface RemapState {
  /** The `map-urlpath` entry that rewrote the request path, if any. */
  urlpath: readonly [string, string] | null;
  /** The first `map-host-request` value that matched (lighttpd's "forwarded host"), if any. */
  forwardedHost: string | null;
}

/** Context shared by both directions: the options, the client's Host and scheme. */
export interface RemapCtx {
  readonly opts: ProxyHeaderOpts;
  /** The client's Host header value; null when none was sent. */
  readonly clientHost: string | null;
  readonly clientScheme: 'http' | 'https';
  readonly state: RemapState;
}

/** A fresh, empty state. */
export function newRemapState(): RemapState {
  return { urlpath: null, forwardedHost: null };
}

/** True when the request side has anything to rewrite. */
export function hasRequestRemap(opts: ProxyHeaderOpts): boolean {
  return opts.mapUrlpath.length > 0 || opts.mapHostRequest.length > 0;
}

/** True when the response side has anything to rewrite. */
export function hasResponseRemap(opts: ProxyHeaderOpts): boolean {
  return opts.mapUrlpath.length > 0 || opts.mapHostResponse.length > 0;
}

/** Request side: an authority through `map-host-request` (key `-` = any sent Host; value `-` = the client's). */
export function mapHostRequest(host: string, c: RemapCtx): string {
  const lower = host.toLowerCase();
  for (const [key, value] of c.opts.mapHostRequest) {
    const hit = key === '-' ? c.clientHost !== null && c.clientHost !== '' : key.toLowerCase() === lower;
    if (!hit) continue;
    // lighttpd: an empty value means "leave as is and stop"
    if (value === '') return host;
    const out = value === '-' ? (c.clientHost ?? host) : value;
    c.state.forwardedHost ??= out;
    return out;
  }
  return host;
}

/** Response side: an authority through `map-host-response` (key `-` = the remembered forwarded host). */
export function mapHostResponse(host: string, c: RemapCtx): string {
  const lower = host.toLowerCase();
  for (const [key, value] of c.opts.mapHostResponse) {
    const keyHost = key === '-' ? c.state.forwardedHost : key;
    if (keyHost === null || keyHost.toLowerCase() !== lower) continue;
    if (value === '') return host;
    if (value === '-') return c.clientHost ?? host;
    return value;
  }
  return host;
}

/** Request side: the first `map-urlpath` key that prefixes the path is replaced (and remembered). */
export function mapPathRequest(path: string, c: RemapCtx): string {
  for (const entry of c.opts.mapUrlpath) {
    if (path.startsWith(entry[0])) {
      c.state.urlpath ??= entry;
      return entry[1] + path.slice(entry[0].length);
    }
  }
  return path;
}

/** Response side: the remembered mapping reversed first, then every entry (value prefix → key). */
export function mapPathResponse(path: string, c: RemapCtx): string {
  const tries: OrderedMap = c.state.urlpath ? [c.state.urlpath, ...c.opts.mapUrlpath] : c.opts.mapUrlpath;
  for (const [key, value] of tries) {
    if (value !== '' && path.startsWith(value)) return key + path.slice(value.length);
  }
  return path;
}

const ABSOLUTE_URI = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/s;

/** Splits a path-with-query into the part map-urlpath sees and the untouched rest (`?…`). */
function splitQuery(s: string): [string, string] {
  const q = s.search(/[?#]/);
  return q < 0 ? [s, ''] : [s.slice(0, q), s.slice(q)];
}

/** Rewrites a URI (absolute or a path) for one direction; other forms pass unchanged. */
export function mapUri(uri: string, c: RemapCtx, dir: 'request' | 'response'): string {
  const abs = ABSOLUTE_URI.exec(uri);
  if (abs) {
    let scheme = abs[1] ?? '';
    const authority = abs[2] ?? '';
    const [path, rest] = splitQuery(abs[3] ?? '');
    if (c.opts.httpsRemap && c.clientScheme === 'https') {
      // lighttpd: https-remap swaps the scheme only for https clients
      if (dir === 'request' && scheme.toLowerCase() === 'https') scheme = 'http';
      else if (dir === 'response' && scheme.toLowerCase() === 'http') scheme = 'https';
    }
    const host = dir === 'request' ? mapHostRequest(authority, c) : mapHostResponse(authority, c);
    const p = path === '' ? '' : dir === 'request' ? mapPathRequest(path, c) : mapPathResponse(path, c);
    return `${scheme}://${host}${p}${rest}`;
  }
  if (uri.startsWith('/')) {
    const [path, rest] = splitQuery(uri);
    return (dir === 'request' ? mapPathRequest(path, c) : mapPathResponse(path, c)) + rest;
  }
  return uri;
}

/** Response side: `Set-Cookie` `Domain=` (leading dot kept) and `Path=` attributes remapped. */
export function mapSetCookie(value: string, c: RemapCtx): string {
  const parts = value.split(';');
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i] ?? '';
    const m = /^(\s*)(domain|path)(\s*=\s*)(.*)$/is.exec(part);
    if (!m) continue;
    const [, lead = '', name = '', eq = '', v = ''] = m;
    let out: string;
    if (name.toLowerCase() === 'domain') {
      const dot = v.startsWith('.') ? '.' : '';
      out = dot + mapHostResponse(v.slice(dot.length), c);
    } else {
      out = mapPathResponse(v, c);
    }
    parts[i] = `${lead}${name}${eq}${out}`;
  }
  return parts.join(';');
}
