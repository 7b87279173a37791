/**
 * Checking and converting `proxy.header` and `proxy.forwarded` (proxy.md §1): both are arrays of
 * `"name" => value`; an unknown name or a bad value is fatal at startup, as in lighttpd.
 */
import type { DiagnosticSink, SourceLoc } from '../../diagnostics.js';
import type { ConfigValue } from '../../config/tree.js';
import { NO_HEADER_OPTS, type ForwardedOpts, type OrderedMap, type ProxyHeaderOpts } from './options.js';

function fail(report: DiagnosticSink, code: string, message: string, loc: SourceLoc | undefined): undefined {
  report.report({ severity: 'error', code, message, ...(loc ? { loc } : {}) });
  return undefined;
}

/** lighttpd's boolean spellings, or undefined. */
export function boolOf(v: ConfigValue): boolean | undefined {
  if (v.type === 'integer') return v.value !== 0;
  if (v.type !== 'string') return undefined;
  const s = v.value.toLowerCase();
  if (s === 'enable' || s === 'enabled' || s === 'true' || s === 'on' || s === '1') return true;
  if (s === 'disable' || s === 'disabled' || s === 'false' || s === 'off' || s === '0') return false;
  return undefined;
}

function pairsOf(v: ConfigValue, name: string, report: DiagnosticSink, loc: SourceLoc | undefined): OrderedMap | undefined {
  if (v.type !== 'array') return fail(report, 'TSW_PROXY_BAD_VALUE', `proxy.header "${name}" should be ( "key" => "value", ... )`, v.loc ?? loc);
  const out: (readonly [string, string])[] = [];
  for (const item of v.items) {
    if (item.key === null || item.value.type !== 'string') {
      return fail(report, 'TSW_PROXY_BAD_VALUE', `proxy.header "${name}" should be ( "key" => "value", ... )`, item.value.loc ?? v.loc ?? loc);
    }
    out.push([item.key, item.value.value]);
  }
  return out;
}

/** Reads a `proxy.header` value; undefined (reported) when it is invalid. */
export function parseHeaderOpts(value: ConfigValue, report: DiagnosticSink, loc?: SourceLoc): ProxyHeaderOpts | undefined {
  if (value.type !== 'array') return fail(report, 'TSW_PROXY_BAD_VALUE', 'proxy.header should be an array of "key" => value', value.loc ?? loc);
  const o = { ...NO_HEADER_OPTS };
  let ok = true;
  for (const item of value.items) {
    const vloc = item.value.loc ?? value.loc ?? loc;
    const key = item.key?.toLowerCase() ?? null;
    switch (key) {
      case 'upgrade':
      case 'connect':
      case 'force-http10':
      case 'https-remap': {
        const b = boolOf(item.value);
        if (b === undefined) {
          ok = false;
          fail(report, 'TSW_PROXY_BAD_VALUE', `proxy.header "${key}" should be "enable" or "disable"`, vloc);
        } else if (key === 'upgrade') o.upgrade = b;
        else if (key === 'connect') o.connect = b;
        else if (key === 'force-http10') o.forceHttp10 = b;
        else o.httpsRemap = b;
        break;
      }
      case 'map-urlpath':
      case 'map-host-request':
      case 'map-host-response': {
        const m = pairsOf(item.value, key, report, vloc);
        if (m === undefined) ok = false;
        else if (key === 'map-urlpath') o.mapUrlpath = m;
        else if (key === 'map-host-request') o.mapHostRequest = m;
        else o.mapHostResponse = m;
        break;
      }
      default:
        ok = false;
        fail(report, 'TSW_PROXY_HEADER_KEY', `unexpected key for proxy.header; expected ( "param" => "value" ): ${item.key ?? '(no key)'}`, vloc);
    }
  }
  return ok ? o : undefined;
}

const FORWARDED_KEYS = new Map<string, keyof ForwardedOpts>([
  ['for', 'for'],
  ['proto', 'proto'],
  ['host', 'host'],
  ['by', 'by'],
  ['remote_user', 'remoteUser'],
]);

/** Reads a `proxy.forwarded` value; undefined (reported) when it is invalid. */
export function parseForwardedOpts(value: ConfigValue, report: DiagnosticSink, loc?: SourceLoc): ForwardedOpts | undefined {
  if (value.type !== 'array') return fail(report, 'TSW_PROXY_BAD_VALUE', 'proxy.forwarded should be an array of "param" => value', value.loc ?? loc);
  const o: Record<keyof ForwardedOpts, boolean> = { for: false, proto: false, host: false, by: false, remoteUser: false };
  let ok = true;
  for (const item of value.items) {
    const vloc = item.value.loc ?? value.loc ?? loc;
    const field = item.key === null ? undefined : FORWARDED_KEYS.get(item.key.toLowerCase());
    if (field === undefined) {
      ok = false;
      fail(report, 'TSW_PROXY_FORWARDED_KEY', `proxy.forwarded keys must be one of: for, proto, host, by, remote_user, but not: ${item.key ?? '(no key)'}`, vloc);
      continue;
    }
    const b = boolOf(item.value);
    if (b === undefined) {
      ok = false;
      fail(report, 'TSW_PROXY_BAD_VALUE', `proxy.forwarded values must be one of: 0, 1, enable, disable; error for key: ${item.key ?? ''}`, vloc);
      continue;
    }
    o[field] = b;
  }
  return ok ? o : undefined;
}
