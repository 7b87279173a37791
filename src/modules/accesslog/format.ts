/**
 * `accesslog.format` parsing and rendering (lighttpd src/mod_accesslog.c, http-core.md §10.2–10.3).
 * Parsed once per config block; rendering a line is a walk over the compiled fields.
 */
import type { RequestCtx, RequestDone } from '../../request/context.js';
import { CLF_TIME, strftime } from './strftime.js';

/** lighttpd's default format. */
export const DEFAULT_FORMAT = '%h %V %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"';

/** One compiled piece of a format. */
export type Field = { kind: 'text'; text: string } | { kind: 'spec'; spec: string; arg: string };

const SPECS = new Set('aAbBCDefhHiIklmnoOpPqrstTuUvVX%'.split(''));

/** Interprets the backslash escapes lighttpd accepts in a format (others drop the backslash). */
function unescape(s: string): string {
  const map: Record<string, string> = { t: '\t', n: '\n', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v' };
  return s.replace(/\\(.)/gs, (_m, c: string) => map[c] ?? c);
}

/** Compiles a format; throws an Error with lighttpd's message for a bad one. */
export function parseFormat(format: string): Field[] {
  const fmt = unescape(format);
  const fields: Field[] = [];
  let text = '';
  let strftimeCount = 0;
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i] ?? '';
    if (c !== '%') {
      text += c;
      continue;
    }
    let arg = '';
    let j = i + 1;
    if (fmt[j] === '{') {
      const close = fmt.indexOf('}', j);
      if (close < 0) throw new Error('%{ missing } in accesslog.format');
      arg = fmt.slice(j + 1, close);
      j = close + 1;
    }
    if (fmt[j] === '>' || fmt[j] === '<') j++;
    const spec = fmt[j] ?? '';
    if (!SPECS.has(spec)) throw new Error('% or %{...} must be followed by a valid format-specifier');
    if (spec === '%') {
      text += '%';
      i = j;
      continue;
    }
    if (spec === 't') {
      const a = arg.replace(/^(begin|end):/, '');
      const keyword = ['sec', 'msec', 'usec', 'nsec', 'msec_frac', 'usec_frac', 'nsec_frac'].includes(a);
      if (a !== '' && !keyword && !a.includes('%')) throw new Error(`invalid format %{...}t: ${arg}`);
      if (a === '' || a === 'sec' || !keyword) {
        if (++strftimeCount > 1) throw new Error('you may not use strftime timestamp format %{}t twice in the same access log');
      }
    }
    if (text) fields.push({ kind: 'text', text });
    text = '';
    fields.push({ kind: 'spec', spec, arg });
    if (fields.length > 127) throw new Error('too many fields (> 127) in accesslog.format');
    i = j;
  }
  if (text) fields.push({ kind: 'text', text });
  return fields;
}

/** lighttpd's escaping of request-derived values: `\xHH` (upper-case hex) outside printable ASCII, `\"`, `\\`. */
export function escapeValue(s: string, json: boolean): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const b = s.charCodeAt(i);
    if (b === 0x22) out += '\\"';
    else if (b === 0x5c) out += '\\\\';
    else if (b >= 0x20 && b <= 0x7e) out += s[i];
    else if (b === 0x07) out += '\\a';
    else if (b === 0x08) out += '\\b';
    else if (b === 0x09) out += '\\t';
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x0b) out += '\\v';
    else if (b === 0x0c) out += '\\f';
    else if (b === 0x0d) out += '\\r';
    else {
      // lighttpd's buffer_append_bs_escaped(_json): upper-case hex digits
      const hex = (b & 0xff).toString(16).toUpperCase().padStart(2, '0');
      out += json ? `\\u00${hex}` : `\\x${hex}`;
    }
  }
  return out;
}

function cookieValue(cookies: string, name: string): string | undefined {
  for (const part of cookies.split(';')) {
    const eq = part.indexOf('=');
    if (eq >= 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** What a line needs besides the request and its outcome. */
export interface LineInput {
  readonly req: RequestCtx;
  readonly done: RequestDone;
  readonly serverName: string;
  readonly json: boolean;
}

function timeField(arg: string, d: RequestDone, req: RequestCtx): string {
  const which = arg.startsWith('begin:') ? 'begin' : 'end';
  const a = arg.replace(/^(begin|end):/, '');
  const ms = which === 'begin' ? req.startTime : d.endTime;
  switch (a) {
    case '':
      return strftime(CLF_TIME, new Date(ms));
    case 'sec':
      return String(Math.floor(ms / 1000));
    case 'msec':
      return String(Math.floor(ms));
    case 'usec':
      return String(Math.floor(ms * 1000));
    case 'nsec':
      return String(Math.floor(ms * 1e6));
    case 'msec_frac':
      return String(Math.floor(ms % 1000)).padStart(3, '0');
    case 'usec_frac':
      return String(Math.floor((ms * 1000) % 1e6)).padStart(6, '0');
    case 'nsec_frac':
      return String(Math.floor((ms * 1e6) % 1e9)).padStart(9, '0');
    default:
      return strftime(a, new Date(ms));
  }
}

/** The request's protocol as lighttpd logs it: nothing when the request line failed before its version was read. */
function protocolOf(req: RequestCtx): string {
  return req.raw.head.version === null ? '' : req.protocol;
}

function durationField(arg: string, micros: number): string {
  switch (arg) {
    case 'ms':
      return String(Math.floor(micros / 1000));
    case 'us':
      return String(Math.floor(micros));
    case 'ns':
      return String(Math.floor(micros * 1000));
    default:
      return String(Math.floor(micros / 1e6));
  }
}

function renderSpec(f: { spec: string; arg: string }, x: LineInput): string {
  const { req, done } = x;
  const esc = (s: string): string => escapeValue(s, x.json);
  const micros = Math.max(0, (done.endTime - req.startTime) * 1000);
  switch (f.spec) {
    case 'a':
    case 'h':
      return req.remoteAddr;
    case 'A':
      return req.localAddr;
    case 'b':
    case 'B':
      return done.bodyBytes < 0 ? '-' : String(done.bodyBytes);
    case 'C': {
      if (f.arg === '') return '';
      const v = cookieValue(req.headers.get('cookie') ?? '', f.arg);
      return v === undefined ? '-' : esc(v);
    }
    case 'D':
      return String(Math.floor(micros));
    case 'e':
    case 'n': {
      const v = req.env.get(f.arg);
      return v === undefined ? '-' : esc(v);
    }
    case 'f':
      return req.physicalPath ? esc(req.physicalPath) : '-';
    case 'H':
      return protocolOf(req);
    case 'i': {
      const v = req.headers.get(f.arg.toLowerCase());
      return v === undefined ? '-' : esc(v);
    }
    case 'I':
      return String(done.bytesIn);
    case 'k':
      return String(req.keepAliveIndex);
    case 'l':
      return '-';
    case 'm':
      return esc(req.method);
    case 'o': {
      const v = done.responseHeaders.get(f.arg.toLowerCase());
      return v === undefined ? '-' : esc(v);
    }
    case 'O':
      return done.bodyBytes < 0 && done.headerBytes === 0 ? '-' : String(done.headerBytes + Math.max(0, done.bodyBytes));
    case 'p':
      return f.arg === 'remote' ? String(req.remotePort) : String(req.localPort);
    case 'P':
      return '';
    case 'q':
      return esc(req.query);
    case 'r':
      return esc(`${req.method} ${req.targetOrig} ${protocolOf(req)}`);
    case 's':
      return String(done.status);
    case 't':
      return timeField(f.arg, done, req);
    case 'T':
      return durationField(f.arg, micros);
    case 'u':
      return esc(req.env.get('REMOTE_USER') ?? '-');
    case 'U': {
      const q = req.target.indexOf('?');
      return esc(q >= 0 ? req.target.slice(0, q) : req.target);
    }
    case 'v':
      return esc(x.serverName !== '' ? x.serverName : req.host || '-');
    case 'V':
      return req.host === '' ? '-' : esc(req.host);
    case 'X':
      return done.connState;
    default:
      return '';
  }
}

/** Renders one log line (without the newline). */
export function renderLine(fields: readonly Field[], x: LineInput): string {
  let out = '';
  for (const f of fields) out += f.kind === 'text' ? f.text : renderSpec(f, x);
  return out;
}
