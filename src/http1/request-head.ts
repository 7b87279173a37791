/**
 * Parsing one complete request head (request line + header lines) the way lighttpd 1.4.69 does
 * (src/request.c: http_request_parse_reqline, http_request_parse_headers, http_request_parse_single_header;
 * http-core.md §3.2, §3.3). The head is a latin1 string (one char per byte) with its line starts.
 *
 * What needs the config beyond `header-strict` (target normalisation, Host policy, a missing Host, 411,
 * GET with a body) is checked by the caller afterwards, in lighttpd's order.
 */

/** `HTTP/1.0` or `HTTP/1.1` as `1.0` / `1.1`; null while unknown (the answer then says HTTP/1.0). */
export type HttpVersion = '1.0' | '1.1';

/** Methods lighttpd 1.4.69 knows (src/http_kv.c); anything else is 501. */
const KNOWN_METHODS = new Set(
  ('GET HEAD QUERY POST PUT DELETE CONNECT OPTIONS TRACE ACL BASELINE-CONTROL BIND CHECKIN CHECKOUT COPY LABEL LINK LOCK MERGE ' +
    'MKACTIVITY MKCALENDAR MKCOL MKREDIRECTREF MKWORKSPACE MOVE ORDERPATCH PATCH PROPFIND PROPPATCH REBIND REPORT SEARCH ' +
    'UNBIND UNCHECKOUT UNLINK UNLOCK UPDATE UPDATEREDIRECTREF VERSION-CONTROL PRI').split(' '),
);

/**
 * Lower-case forms of header names already seen: clients send a handful, over and over (bounded). Only
 * names of letters, digits and '-' are kept, which every header-strict setting accepts.
 */
const knownNames = new Map<string, string>();

function isPlainName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2d)) return false;
  }
  return true;
}

/** A parsed request head. `status` 0 = no error so far; otherwise lighttpd's answer (400, 501, 505). */
export interface RequestHead {
  status: number;
  /** Why `status` was chosen (lighttpd's debug text, for debug.log-request-header-on-error). */
  reason: string;
  method: string;
  /** The target as lighttpd keeps it (absolute-form: the path part; the authority became Host). */
  target: string;
  version: HttpVersion | null;
  /** Keep-alive as the request asks for it (version default, `Connection: close` / `keep-alive`). */
  keepAlive: boolean;
  /** Request headers by lower-case name, joined as lighttpd does; no Transfer-Encoding (lighttpd drops it). */
  readonly headers: Map<string, string>;
  /**
   * name, value, name, value … in arrival order with the client's spelling: the header list lighttpd keeps
   * (values trimmed, folded lines joined; no empty values, ignored repeats or Transfer-Encoding).
   */
  readonly rawHeaders: string[];
  /** Host from the absolute-form target or the Host header, lower-cased (null: none). */
  host: string | null;
  /** 0 none, n bytes, -1 chunked. */
  bodyLength: number;
  hasContentLength: boolean;
  /** Bytes of the head including the empty line. */
  headLength: number;
  /** Set when the head itself could not be framed (431, or a first byte below 0x20). */
  framing?: 'oversized' | 'tls' | 'first-byte';
}

/** Parser switches from `server.http-parseopts`. */
export interface HeadOptions {
  readonly headerStrict: boolean;
}

function fail(h: RequestHead, status: number, reason: string): RequestHead {
  h.status = status;
  h.reason = reason;
  return h;
}

/** Token characters of a header name that are not letters or '-' (RFC 9110 tchar). */
function isOtherTokenChar(c: number, strict: boolean): boolean {
  switch (c) {
    case 0x20: case 0x09: case 0x0d: case 0x0a: case 0x28: case 0x29: case 0x3c: case 0x3e: case 0x40: case 0x2c:
    case 0x3a: case 0x3b: case 0x5c: case 0x22: case 0x2f: case 0x5b: case 0x5d: case 0x3f: case 0x3d: case 0x7b: case 0x7d:
      return false;
    default:
      return strict ? c >= 0x20 && c < 0x7f : c !== 0;
  }
}

function checkName(name: string, strict: boolean): string {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x2d) continue;
    if (c === 0x20 || c === 0x09) return 'WS character in key';
    if (!isOtherTokenChar(c, strict)) return 'invalid character in header key';
  }
  return '';
}

/** Whether `value` holds a control character other than TAB (or DEL): lighttpd's header-strict rule. */
function hasCtl(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return true;
  }
  return false;
}

/** lighttpd's http_header_str_contains_token (case-insensitive, comma/space separated, no quoting). */
export function hasToken(value: string, token: string): boolean {
  const lower = value.toLowerCase();
  let i = 0;
  const n = lower.length;
  do {
    while (i < n && (lower[i] === ' ' || lower[i] === '\t' || lower[i] === ',')) i++;
    if (n - i < token.length) return false;
    if (lower.startsWith(token, i)) {
      i += token.length;
      const c = lower[i];
      if (i === n || c === ' ' || c === '\t' || c === ',' || c === ';') return true;
    }
    while (i < n && lower[i] !== ',') i++;
  } while (i < n);
  return false;
}

const INT64_MAX = '9223372036854775807';

/** Only digits, and not above INT64_MAX (lighttpd's li_restricted_strtoint64). */
function isContentLength(s: string): boolean {
  if (s.length === 0 || s.length > INT64_MAX.length) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return s.length < INT64_MAX.length || s <= INT64_MAX;
}

/** lighttpd's spelling of the headers whose repeats must be identical. */
const SINGLE_NAMES: Readonly<Record<string, string>> = {
  'if-modified-since': 'If-Modified-Since',
  'content-type': 'Content-Type',
  'http2-settings': 'HTTP2-Settings',
};

/** The request line: version from the last 8 bytes, method up to the first space, the target between. */
function parseRequestLine(h: RequestHead, text: string, lineEnd: number, strict: boolean): void {
  let len = lineEnd + 1; // the line including its '\n'
  if (len < 13) {
    fail(h, 400, 'invalid request line (too short)');
    return;
  }
  if (text.charCodeAt(len - 2) === 0x0d) len -= 2;
  else if (!strict) len -= 1;
  else {
    fail(h, 400, 'missing CR before LF in header');
    return;
  }
  let protoStart = len - 8;
  const proto = text.slice(protoStart, len);
  if (text.charCodeAt(protoStart - 1) === 0x20 && (proto === 'HTTP/1.1' || proto === 'HTTP/1.0')) {
    h.version = proto === 'HTTP/1.1' ? '1.1' : '1.0';
    h.keepAlive = h.version === '1.1';
  } else {
    // lighttpd's loose path: the protocol is whatever follows the second space
    const s1 = text.indexOf(' ');
    const s2 = s1 < 0 || s1 >= len ? -1 : text.indexOf(' ', s1 + 1);
    if (s2 < 0 || s2 >= len) {
      fail(h, 400, 'incomplete request line');
      return;
    }
    const p = s2 + 1;
    if (!text.startsWith('HTTP/', p)) {
      fail(h, 400, 'unknown protocol');
      return;
    }
    const major = text[p + 5];
    const minor = text[p + 7];
    if (major !== '1' || text[p + 6] !== '.' || (minor !== '1' && minor !== '0')) {
      fail(h, 505, 'unknown HTTP version');
      return;
    }
    if (strict) {
      fail(h, 400, 'incomplete request line');
      return;
    }
    h.version = minor === '1' ? '1.1' : '1.0';
    h.keepAlive = h.version === '1.1';
    protoStart = len - 8;
    while (protoStart > 0 && text.charCodeAt(protoStart - 1) !== 0x20) protoStart--;
  }
  const sp = text.indexOf(' ');
  const method = text.slice(0, sp);
  if (!KNOWN_METHODS.has(method)) {
    // lighttpd keeps no method then (the access log's %m and %r show none)
    fail(h, 501, 'unknown http-method');
    return;
  }
  h.method = method;
  let uri = sp + 1;
  if (uri === protoStart) {
    fail(h, 400, 'no uri specified');
    return;
  }
  const uriEnd = protoStart - 1;
  if (text.charCodeAt(uri) !== 0x2f) {
    const lower = text.slice(uri, Math.min(uriEnd, uri + 8)).toLowerCase();
    const skip = lower.startsWith('http://') ? 7 : lower.startsWith('https://') ? 8 : 0;
    const slash = skip > 0 && uriEnd - uri > skip ? text.indexOf('/', uri + skip) : -1;
    if (slash >= 0 && slash < uriEnd) {
      const authLen = slash - (uri + skip);
      if (authLen === 0 || authLen >= 1024) {
        fail(h, 400, 'uri-authority empty or too long');
        return;
      }
      h.host = text.slice(uri + skip, slash).toLowerCase();
      h.headers.set('host', h.host);
      uri = slash;
    } else {
      const first = text.charCodeAt(uri);
      const isConnect = h.method === 'CONNECT' && (first === 0x3a || (first >= 0x30 && first <= 0x39));
      const isStar = h.method === 'OPTIONS' && first === 0x2a && uriEnd - uri === 1;
      if (strict && !isConnect && !isStar) {
        fail(h, 400, 'request-URI parse error');
        return;
      }
    }
  }
  if (uriEnd - uri <= 0) {
    fail(h, 400, 'no uri specified');
    return;
  }
  // lighttpd 1.4.69 only logs characters it dislikes here (the check's result is unused); url-ctrls-reject
  // rejects them later during normalisation
  h.target = text.slice(uri, uriEnd);
}

/** Rules for one header (duplicates, Connection, Content-Length, Transfer-Encoding); false = error set. */
function addHeader(h: RequestHead, lower: string, name: string, value: string): boolean {
  const headers = h.headers;
  switch (lower) {
    case 'host':
      if (h.host === null) {
        if (value.length >= 1024) return !fail(h, 400, 'uri-authority too long');
        h.host = value.toLowerCase();
        headers.set('host', h.host);
        h.rawHeaders.push(name, value);
        return true;
      }
      // a repeat equal to the first (or to the absolute-form authority) is ignored
      if (h.host === value.toLowerCase()) return true;
      return !fail(h, 400, 'duplicate Host header');
    case 'if-modified-since':
    case 'content-type':
    case 'http2-settings': {
      const prev = headers.get(lower);
      if (prev !== undefined) {
        if (prev.toLowerCase() !== value.toLowerCase()) return !fail(h, 400, `duplicate ${SINGLE_NAMES[lower] ?? name} header`);
        return true; // an identical repeat is ignored
      }
      break;
    }
    case 'if-none-match':
      if (headers.has(lower)) return true; // lighttpd: the first one wins
      break;
    case 'connection':
      if (hasToken(value, 'close')) h.keepAlive = false;
      else if (hasToken(value, 'keep-alive')) h.keepAlive = true;
      break;
    case 'content-length':
      if (h.hasContentLength) return !fail(h, 400, 'duplicate Content-Length header');
      if (!isContentLength(value)) return !fail(h, 400, 'invalid Content-Length header');
      h.hasContentLength = true;
      if (h.bodyLength === 0) h.bodyLength = Number(value);
      break;
    case 'transfer-encoding':
      if (h.version !== '1.1') return !fail(h, 400, 'HTTP/1.0 with Transfer-Encoding (bad HTTP/1.0 proxy?)');
      if (value.toLowerCase() !== 'chunked') return !fail(h, 501, 'Transfer-Encoding other than chunked');
      h.bodyLength = -1;
      // a hop-by-hop header: lighttpd removes it from the request's header list
      return true;
    default:
      break;
  }
  const prev = headers.get(lower);
  headers.set(lower, prev === undefined ? value : `${prev}${lower === 'cookie' ? '; ' : ', '}${value}`);
  h.rawHeaders.push(name, value);
  return true;
}

/**
 * Parses a complete head. `lineStarts` holds the start offset of every line, the last entry being the
 * empty line that ends the head; `headLength` is where the head ends (after the empty line).
 */
export function parseRequestHead(text: string, lineStarts: readonly number[], headLength: number, opts: HeadOptions): RequestHead {
  const h: RequestHead = {
    status: 0,
    reason: '',
    method: '',
    target: '',
    version: null,
    keepAlive: false,
    headers: new Map(),
    rawHeaders: [],
    host: null,
    bodyLength: 0,
    hasContentLength: false,
    headLength,
  };
  const strict = opts.headerStrict;
  const lines = lineStarts.length - 1; // the last entry is the empty line
  const second = lineStarts[1] ?? headLength;
  parseRequestLine(h, text, second - 1, strict);
  if (h.status !== 0) return h;
  for (let i = 1; i < lines; i++) {
    const k = lineStarts[i] ?? 0;
    let next = lineStarts[i + 1] ?? headLength;
    const colon = text.indexOf(':', k);
    if (colon < 0 || colon >= next) return fail(h, 400, 'invalid header missing \':\'');
    let nameEnd = colon;
    const before = text.charCodeAt(colon - 1);
    if (before === 0x20 || before === 0x09) {
      if (strict) return fail(h, 400, 'invalid whitespace between field-name and colon');
      while (nameEnd > k && (text.charCodeAt(nameEnd - 1) === 0x20 || text.charCodeAt(nameEnd - 1) === 0x09)) nameEnd--;
    }
    if (nameEnd === k) return fail(h, 400, 'invalid header key');
    const name = text.slice(k, nameEnd);
    let lower = knownNames.get(name);
    if (lower === undefined) {
      const bad = checkName(name, strict);
      if (bad !== '') return fail(h, 400, bad);
      lower = name.toLowerCase();
      if (knownNames.size < 512 && isPlainName(name)) knownNames.set(name, lower);
    }
    let v = colon + 1;
    while (text.charCodeAt(v) === 0x20 || text.charCodeAt(v) === 0x09) v++;
    // obsolete line folding: a following line that starts with SP/HT continues this value; lighttpd
    // turns the line break into two spaces
    let folded = false;
    while (i + 1 < lines) {
      const c = text.charCodeAt(next);
      if (c !== 0x20 && c !== 0x09) break;
      if (text.charCodeAt(next - 2) !== 0x0d && strict) return fail(h, 400, 'missing CR before LF in header');
      folded = true;
      i++;
      next = lineStarts[i + 1] ?? headLength;
    }
    let end = next - 1; // at '\n'
    if (text.charCodeAt(end - 1) === 0x0d) end--;
    else if (strict) return fail(h, 400, 'missing CR before LF in header');
    while (end > v && (text.charCodeAt(end - 1) === 0x20 || text.charCodeAt(end - 1) === 0x09)) end--;
    if (end <= v) continue; // lighttpd ignores empty header values
    let value = text.slice(v, end);
    if (folded) value = value.replace(/\r?\n/g, (m) => (m.length === 2 ? '  ' : ' '));
    if (strict && hasCtl(value)) return fail(h, 400, 'invalid character in header');
    if (!addHeader(h, lower, name, value)) return h;
  }
  return h;
}
