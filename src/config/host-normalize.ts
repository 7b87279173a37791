/**
 * lighttpd's host and address normalisation used to validate condition values at parse time
 * (config-language.md §6.5; request.c `http_request_host_normalize`, configfile.c
 * `config_remoteip_normalize`).
 */
import { isIPv4, isIPv6 } from 'node:net';

/** C `strtol(s, &e, 0)` on a whole string: decimal, 0x hex or 0 octal; null if anything is left over. */
function strtolWhole(s: string): number | null {
  const m = /^[\t\n\v\f\r ]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return null;
  const body = m[2] ?? '';
  const n = /^0[xX]/.test(body) ? parseInt(body.slice(2), 16) : body.length > 1 && body.startsWith('0') ? parseInt(body, 8) : parseInt(body, 10);
  return m[1] === '-' ? -n : n;
}

function validPort(s: string): number | null {
  const port = strtolWhole(s);
  return port !== null && port > 0 && port <= 65535 ? port : null;
}

/** Canonical text of an IPv6 address (RFC 5952 style, lower case), or null if invalid. */
export function canonicalIPv6(addr: string): string | null {
  if (!isIPv6(addr)) return null;
  try {
    return new URL(`http://[${addr}]/`).hostname.slice(1, -1);
  } catch {
    return null;
  }
}

/**
 * Normalises `host[:port]` / `[ipv6][:port]` as lighttpd does for `$HTTP["host"]` and
 * `$SERVER["socket"]` values: null where lighttpd reports `invalid IP addr`. Any other text is accepted.
 */
export function normalizeHost(value: string): string | null {
  let port = 0;
  let host: string;
  if (!value.startsWith('[')) {
    const colon = value.indexOf(':');
    host = value;
    if (colon >= 0) {
      if (colon === 0) return null;
      const rest = value.slice(colon + 1);
      if (rest !== '') {
        const p = validPort(rest);
        if (p === null) return null;
        port = p;
      }
      host = value.slice(0, colon);
    }
    if (/^[0-9]/.test(host) && isIPv4(host)) host = host.split('.').map((x) => String(Number(x))).join('.');
  } else {
    if (value.length <= 2) return null;
    let bracket = value.length - 1;
    if (value[bracket] !== ']') {
      bracket = value.indexOf(']', 1);
      if (bracket < 0 || value[bracket + 1] !== ':' || bracket === 1) return null;
      const rest = value.slice(bracket + 2);
      if (rest !== '') {
        const p = validPort(rest);
        if (p === null) return null;
        port = p;
      }
    }
    const inner = value.slice(1, bracket);
    const percent = inner.indexOf('%');
    const canon = canonicalIPv6(percent >= 0 ? inner.slice(0, percent) : inner);
    if (canon === null) return null;
    host = `[${canon}${percent >= 0 ? inner.slice(percent) : ''}]`;
  }
  return port !== 0 ? `${host}:${port}` : host;
}

/**
 * Validates a `$HTTP["remote-ip"]` value for `==`/`!=`/`=^`/`=$`. Returns the normalised value, or null
 * where lighttpd 1.4.69 reports `invalid IP addr`. Reproduces its quirk: a bad netmask or a value its
 * host normaliser rejects is *not* reported (and kept as written).
 */
export function normalizeRemoteIp(value: string): string | null {
  if (value.startsWith('/')) return value; // a unix-socket path
  const slash = value.indexOf('/');
  const isV6 = value.includes(':');
  let bits = 0;
  let addr = value;
  if (slash >= 0) {
    const m = /^[\t\n\v\f\r ]*\+?([0-9]+)$/.exec(value.slice(slash + 1));
    const n = m ? Number(m[1]) : 0;
    if (!m || n === 0 || n > (isV6 ? 128 : 32)) return value; // quirk: not reported
    bits = n;
    addr = value.slice(0, slash);
  }
  let normal: string | null;
  if (!isV6) {
    normal = normalizeHost(addr);
    if (normal === null) return value; // quirk: not reported
    if (!isIPv4(normal)) return null;
  } else {
    const wrapped = normalizeHost(addr.startsWith('[') ? addr : `[${addr}]`);
    if (wrapped === null) return value; // quirk: not reported
    normal = wrapped.slice(1, -1);
    if (!isIPv6(normal)) return null;
  }
  return bits ? `${normal}/${bits}` : normal;
}
