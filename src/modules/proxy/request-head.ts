/**
 * The request head mod_proxy sends to a backend (proxy.md §2): request line, Host first, the client's
 * headers in their order minus the ones lighttpd drops, then Forwarded / X-Forwarded-* / X-Host /
 * Content-Length / Transfer-Encoding, and `Connection` last. Pure: no sockets.
 */
import { hasForwarded, type ForwardedOpts, type ProxyHeaderOpts } from './options.js';
import { forwardedElement, seedFromXff, type HopInfo } from './forwarded.js';
import { hasRequestRemap, mapHostRequest, mapUri, newRemapState, type RemapCtx, type RemapState } from './remap.js';

/** The client request as far as the head builder needs it. */
export interface ClientHead extends HopInfo {
  readonly method: string;
  /** The raw request-target. */
  readonly target: string;
  /** `1.0` or `1.1` (the client's version). */
  readonly httpVersion: string;
  /** The request's raw headers: name, value, name, value … in arrival order and spelling. */
  readonly rawHeaders: readonly string[];
  /**
   * The request's headers now, by lower-case name, repeats joined (RequestCtx.headers): mod_setenv
   * may have added, changed or removed some since they arrived. Absent: the raw headers as they came.
   */
  readonly headers?: ReadonlyMap<string, string>;
  /** How headers in `headers` that did not come from the client are spelled (mod_setenv keeps its config's). */
  readonly addedNames?: ReadonlyMap<string, string> | undefined;
  /** Body length when known (Content-Length, or a fully buffered body); null = unknown (streamed). */
  readonly bodyLength: number | null;
}

/** How this hop is configured for the request. */
export interface HeadOpts {
  readonly header: ProxyHeaderOpts;
  readonly forwarded: ForwardedOpts | null;
  /** `proxy.replace-http-host`: the chosen host's label, else null. */
  readonly replaceHost: string | null;
  /**
   * Ask the backend to keep the connection open (`Connection: keep-alive` where lighttpd sends
   * `close`). Ignored for HTTP/1.0 requests (force-http10, no client Host) and forwarded Upgrades.
   */
  readonly keepAlive?: boolean;
}

/** The built head plus what the response side needs to know. */
export interface BackendHead {
  /** Request line and header lines, ending with the empty line. */
  readonly text: string;
  /** The body must be sent with chunked framing (unknown length, HTTP/1.1 backend). */
  readonly chunked: boolean;
  /** An `Upgrade` header was forwarded (a 101 may start a tunnel). */
  readonly upgrade: boolean;
  /** `Connection: keep-alive` was sent: the connection may be reused if the response allows it. */
  readonly keepAlive: boolean;
  readonly remap: RemapState;
}

/** A header line being built; `lower` is the lower-cased name, computed once. */
type Header = [name: string, value: string, lower: string];

/**
 * Header names lighttpd never forwards from the client: Connection is rebuilt, Proxy is httpoxy, the core
 * consumes Transfer-Encoding and Expect (it answers 100-continue itself; observed).
 */
const DROPPED = new Set(['host', 'connection', 'proxy-connection', 'proxy', 'set-cookie', 'transfer-encoding', 'expect']);

/** Lower-case token list of a comma-separated header value. */
function tokens(v: string): string[] {
  return v.split(',').map((t) => t.trim().toLowerCase());
}

/** Joins repeated request headers the way lighttpd stores them (one field; Cookie with `; `). */
function mergeDuplicates(raw: readonly string[]): Header[] {
  const out: Header[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? '';
    const value = raw[i + 1] ?? '';
    const lower = name.toLowerCase();
    // requests carry a handful of headers: a linear search beats building a map
    const prev = find(out, lower);
    if (prev) {
      if (value !== '') prev[1] = prev[1] === '' ? value : `${prev[1]}${lower === 'cookie' ? '; ' : ', '}${value}`;
      continue;
    }
    out.push([name, value, lower]);
  }
  return out;
}

/** `x-forwarded-proto` → `X-Forwarded-Proto`: the spelling of an added header nobody named. */
function canonicalName(lower: string): string {
  return lower.replace(/(^|-)([a-z])/g, (_m: string, sep: string, c: string) => sep + c.toUpperCase());
}

/**
 * The headers to forward: the client's, in arrival order and spelling, with their current values
 * (lighttpd forwards r->rqst_headers, which mod_setenv edits); removed ones dropped, added ones last.
 */
function currentHeaders(raw: readonly string[], current: ReadonlyMap<string, string> | undefined, added: ReadonlyMap<string, string> | undefined): Header[] {
  const out = mergeDuplicates(raw);
  if (!current) return out;
  let kept = 0;
  for (const h of out) {
    const v = current.get(h[2]);
    if (v === undefined) continue;
    h[1] = v;
    out[kept++] = h;
  }
  out.length = kept;
  // every kept name is in `current`, so it holds others only when it is larger
  if (current.size > kept) for (const [lower, v] of current) if (!find(out, lower)) out.push([added?.get(lower) ?? canonicalName(lower), v, lower]);
  return out;
}

function find(list: readonly Header[], lower: string): Header | undefined {
  for (const h of list) if (h[2] === lower) return h;
  return undefined;
}

/** Sets a header in place (keeping its position and spelling) or appends it; `name` is as sent when new. */
function setHeader(list: Header[], name: string, lower: string, value: string): void {
  const h = find(list, lower);
  if (h) h[1] = value;
  else list.push([name, value, lower]);
}

function getHeader(list: readonly Header[], lower: string): string | undefined {
  return find(list, lower)?.[1];
}

/** Builds the backend request head for one client request. */
export function buildRequestHead(req: ClientHead, opts: HeadOpts): BackendHead {
  const { header } = opts;
  const all = currentHeaders(req.rawHeaders, req.headers, req.addedNames);
  const isHttp11 = req.httpVersion === '1.1';
  const force10 = header.forceHttp10;
  const clientConnection = getHeader(all, 'connection');
  const clientHost = req.host;
  const remap: RemapState = newRemapState();
  const rc: RemapCtx = { opts: header, clientHost, clientScheme: req.scheme, state: remap };
  const doRemap = hasRequestRemap(header);

  let upgradeOk = header.upgrade && isHttp11 && !force10;
  const upgradeValue = getHeader(all, 'upgrade');
  // core (proxy.md §4.1): an h2c Upgrade, or one without any Connection header, is deleted
  if (upgradeValue !== undefined && (clientConnection === undefined || tokens(upgradeValue).includes('h2c'))) {
    upgradeOk = false;
  }
  let sentTe = false;
  let sentUpgrade = false;

  const out: Header[] = [];
  if (clientHost !== null && clientHost !== '') {
    const host = opts.replaceHost ?? (doRemap ? mapHostRequest(clientHost, rc) : clientHost);
    out.push(['Host', host, 'host']);
  }
  for (const h of all) {
    const [name, value, lower] = h;
    if (DROPPED.has(lower) || value === '') continue;
    if (lower === 'te') {
      if (value.toLowerCase() !== 'trailers' || !isHttp11 || force10) continue;
      sentTe = true;
    } else if (lower === 'upgrade') {
      if (!upgradeOk) continue;
      sentUpgrade = true;
    } else if (doRemap && (lower === 'destination' || lower === 'content-location')) {
      out.push([name, mapUri(value, rc, 'request'), lower]);
      continue;
    }
    out.push(h);
  }

  // observed: the core records the length of a fully received chunked body as a request header, so it
  // comes after the client's headers and before mod_proxy's own
  const hasLength = getHeader(out, 'content-length') !== undefined;
  if (req.bodyLength !== null && !hasLength && (req.bodyLength > 0 || (req.method !== 'GET' && req.method !== 'HEAD'))) {
    out.push(['Content-Length', String(req.bodyLength), 'content-length']);
  }

  if (hasForwarded(opts.forwarded)) {
    const elem = forwardedElement(opts.forwarded, req);
    const existing = getHeader(out, 'forwarded');
    const xff = getHeader(out, 'x-forwarded-for');
    if (existing !== undefined) setHeader(out, 'Forwarded', 'forwarded', `${existing}, ${elem}`);
    else if (xff !== undefined) out.push(['Forwarded', `${seedFromXff(xff)}, ${elem}`, 'forwarded']);
    else out.push(['Forwarded', elem, 'forwarded']);
  }
  const xff = getHeader(out, 'x-forwarded-for');
  const hop = req.actualFor ?? req.remoteAddr;
  setHeader(out, 'X-Forwarded-For', 'x-forwarded-for', xff === undefined ? hop : `${xff}, ${hop}`);
  if (clientHost !== null && clientHost !== '') {
    setHeader(out, 'X-Host', 'x-host', clientHost);
    setHeader(out, 'X-Forwarded-Host', 'x-forwarded-host', clientHost);
  }
  setHeader(out, 'X-Forwarded-Proto', 'x-forwarded-proto', req.scheme);

  let chunked = false;
  if (req.bodyLength === null && !force10) {
    // lighttpd (stream-request-body): a body of unknown length is re-chunked; force-http10 gets 411 earlier
    out.push(['Transfer-Encoding', 'chunked', 'transfer-encoding']);
    chunked = true;
  }


  const version = force10 || clientHost === null ? 'HTTP/1.0' : 'HTTP/1.1';
  // lighttpd always sends close; a kept-alive connection says keep-alive in the same place
  const keepAlive = opts.keepAlive === true && version === 'HTTP/1.1' && !sentUpgrade;
  let connection = keepAlive ? 'keep-alive' : 'close';
  if (clientConnection !== undefined && clientConnection.toLowerCase() !== 'close' && isHttp11 && !force10) {
    connection += `${sentTe ? ', te' : ''}${sentUpgrade ? ', upgrade' : ''}`;
  }
  out.push(['Connection', connection, 'connection']);

  const target = doRemap ? mapUri(req.target, rc, 'request') : req.target;
  let text = `${req.method} ${target} ${version}\r\n`;
  for (const h of out) text += `${h[0]}: ${h[1]}\r\n`;
  text += '\r\n';
  return { text, chunked, upgrade: sentUpgrade, keepAlive, remap };
}
