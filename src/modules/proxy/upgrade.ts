/**
 * The Upgrade path (proxy.md §4): a request node handed over as a raw socket. With `"upgrade"` enabled
 * the Upgrade header goes to the backend, and a 101 with `Upgrade` turns the connection into a raw
 * relay both ways. Otherwise (or when the backend declines) the backend's response is written to the
 * raw socket by hand and the connection is closed. The core keys come from the request's core config
 * (`req.core`): `server.tag` for the `Server` header when the backend sent none, `server.max-read-idle`
 * for how long the tunnel's client may stay silent.
 */
import type { Socket } from 'node:net';
import type { RequestCtx } from '../../request/context.js';
import type { ProxyLease } from './lease.js';
import { headFor, type ForwardOpts } from './forward.js';
import type { HostTimeouts } from './host-timeouts.js';
import { serializeHead } from './raw-response.js';
import type { RemapCtx } from './remap.js';
import { bodyFraming, remapResponseHeaders, type ResponseHead } from './response-head.js';
import { connOf } from './backend-conn.js';
import { BackendResponseError } from './response-reader.js';
import { relay } from './tunnel.js';
import { RelayTraffic } from './relay-traffic.js';

/** Per-request options of the Upgrade path. */
export interface UpgradeOpts extends ForwardOpts {
  /** The module's host-timeout checker. */
  readonly timeouts: HostTimeouts;
}

function framingHeaders(head: ResponseHead, kind: ReturnType<typeof bodyFraming>['kind']): (readonly [string, string])[] {
  // the raw path always closes: a body of unknown length is delimited by the close
  const out: (readonly [string, string])[] = [];
  if (kind === 'none' && head.contentLength === null && head.status !== 204 && head.status !== 304) out.push(['Content-Length', '0']);
  out.push(['Connection', 'close']);
  return out;
}

/**
 * Sends the handshake on `lease` and either tunnels or relays a plain response. Resolves with a status
 * for the caller to answer with (nothing written yet) or null when the socket has been taken care of.
 */
export async function forwardUpgrade(
  req: RequestCtx,
  client: Socket,
  early: Buffer,
  lease: ProxyLease,
  opts: UpgradeOpts,
): Promise<number | null> {
  const { socket } = lease;
  // lighttpd counts the client's bytes from the request head on, interim answers included
  const traffic = new RelayTraffic(client, early.length);
  const backendHead = headFor(req, lease, opts, 0, false);
  const rc: RemapCtx = {
    opts: opts.header,
    clientHost: req.headers.has('host') && req.host !== '' ? req.host : null,
    clientScheme: req.scheme,
    state: backendHead.remap,
  };
  socket.on('error', (err: NodeJS.ErrnoException) => {
    if (opts.debug > 0) opts.log(`${lease.proc.name}: ${err.code ?? err.message}`);
  });
  socket.once('close', () => lease.release());
  const onClientGone = (): void => {
    socket.destroy();
  };
  client.once('close', onClientGone);
  client.on('error', () => client.destroy());
  socket.write(backendHead.text, 'latin1');
  if (backendHead.upgrade && early.length > 0) socket.write(early);
  // a tunnel's socket is never reused: the checker forgets it once it is closed
  opts.timeouts.watch(socket, lease);

  const conn = connOf(socket);
  let head: ResponseHead;
  let rest: Buffer;
  try {
    ({ head, rest } = await conn.readHead((interim) => {
      if (!client.destroyed) client.write(serializeHead(interim.status, interim.headers, ''));
    }, client));
  } catch (e) {
    const err = e instanceof BackendResponseError ? e : new BackendResponseError(502, 'TSW_PROXY_BAD_RESPONSE', String(e));
    opts.log(`${err.message} from ${lease.proc.name} for ${req.path}`);
    socket.destroy();
    client.off('close', onClientGone);
    return err.status;
  }
  if (client.destroyed) {
    socket.destroy();
    return null;
  }
  // the host read-timeout (if any) stays armed: it also limits backend silence inside a tunnel
  const headers = remapResponseHeaders(head.headers, rc);

  // with response-start hooks loaded (mod_setenv, mod_expire) the core builds the head, as lighttpd runs them here too
  const rawHead = req.rawResponseHead;
  if (head.status === 101 && head.hasUpgrade && backendHead.upgrade) {
    // the access log gets the tunnel when its connection closes (RequestCtx.rawStatus), as lighttpd logs it at its end
    req.rawStatus = 101;
    // lighttpd: the backend's Connection is replaced by its own "Connection: upgrade"
    const head101 = rawHead ? rawHead(101, headers, 'upgrade') : serializeHead(101, [...headers, ['Connection', 'upgrade']], req.core.tag);
    traffic.headBytes = Buffer.byteLength(head101);
    req.rawTraffic = traffic;
    client.write(head101);
    if (rest.length > 0) client.write(rest);
    client.off('close', onClientGone);
    conn.detach();
    relay(client, socket, () => undefined, req.core.maxReadIdle * 1000, traffic);
    return null;
  }

  const framing = bodyFraming(head, req.method);
  const framed = [...headers, ...framingHeaders(head, framing.kind)];
  // logged when the connection closes, with the backend's status (as lighttpd)
  req.rawStatus = head.status;
  const answer = rawHead ? rawHead(head.status, framed.filter(([k]) => k !== 'Connection'), 'close') : serializeHead(head.status, framed, req.core.tag);
  traffic.headBytes = Buffer.byteLength(answer);
  req.rawTraffic = traffic;
  client.write(answer);
  const body = conn.readBody(framing, rest);
  body.on('error', () => {
    socket.destroy();
    client.destroy();
  });
  body.on('end', () => socket.destroy());
  // "Connection: close": nobody reads the client any more, so its FIN would go unseen and the connection
  // (its descriptor) would stay open for good; close it once the answer is written
  client.once('finish', () => client.destroy());
  body.pipe(client);
  return null;
}
