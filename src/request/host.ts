/**
 * Host header validation and normalisation as lighttpd 1.4.69 does with `host-strict` (the default):
 * http-core.md §3.4, src/request.c (http_request_host_policy / host_normalize).
 */
import { canonicalIPv6 } from '../config/host-normalize.js';

function isIPv4Dotted(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => /^[0-9]{1,3}$/.test(p) && Number(p) <= 255);
}

function canonicalIPv4(s: string): string {
  return s.split('.').map((p) => String(Number(p))).join('.');
}

/** Results by Host value, per scheme: clients send the same few Host values again and again. */
const memo = { http: new Map<string, string | null>(), https: new Map<string, string | null>() };
const MEMO_MAX = 256;

/**
 * Validates and normalises a Host value for the given scheme. Returns null when lighttpd answers 400.
 * The result is lower-cased, has no trailing dot, canonical IP literals and no default port.
 */
export function normaliseHost(value: string, scheme: 'http' | 'https'): string | null {
  const seen = memo[scheme];
  const hit = seen.get(value);
  if (hit !== undefined) return hit;
  const result = computeHost(value, scheme);
  if (seen.size >= MEMO_MAX) seen.clear();
  seen.set(value, result);
  return result;
}

function computeHost(value: string, scheme: 'http' | 'https'): string | null {
  if (value.length >= 1024) return null;
  let host = value.toLowerCase();
  let port = '';
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    if (close < 0) return null;
    const inner = host.slice(1, close);
    const rest = host.slice(close + 1);
    if (!/^[0-9a-f:.]+$/.test(inner)) return null;
    const canon = canonicalIPv6(inner);
    if (canon === null) return null;
    if (rest !== '' && rest !== ':' && !/^:[0-9]+$/.test(rest)) return null;
    host = `[${canon}]`;
    port = rest.length > 1 ? rest.slice(1) : '';
  } else {
    const colon = host.indexOf(':');
    if (colon >= 0) {
      port = host.slice(colon + 1);
      host = host.slice(0, colon);
      if (port !== '' && !/^[0-9]+$/.test(port)) return null;
    }
    if (host.endsWith('.')) host = host.slice(0, -1);
    if (host === '' || !/^[a-z0-9.-]+$/.test(host)) return null;
    const labels = host.split('.');
    if (labels.some((l) => l === '' || l.startsWith('-'))) return null;
    const last = labels[labels.length - 1] ?? '';
    if (/^[0-9]+$/.test(last)) {
      if (!isIPv4Dotted(host)) return null;
      host = canonicalIPv4(host);
    }
  }
  if (port !== '') {
    const n = Number(port);
    if (!(n >= 1 && n <= 65535)) return null;
    const dflt = scheme === 'https' ? 443 : 80;
    port = n === dflt ? '' : String(n);
  }
  return port === '' ? host : `${host}:${port}`;
}

/** The host part without port (for `$HTTP["host"] == "name"`, which ignores the port). */
export function stripPort(host: string): string {
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    return close >= 0 ? host.slice(0, close + 1) : host;
  }
  const colon = host.indexOf(':');
  return colon >= 0 ? host.slice(0, colon) : host;
}
