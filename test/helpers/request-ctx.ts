/**
 * A RequestCtx built straight from a node request, for module tests that run without the server
 * core (the core builds the real one).
 */
import type { IncomingMessage } from 'node:http';
import type { RequestCtx } from '../../src/request/context.js';

/** Path (decoded), query, host and client address of a request, as the core would set them. */
export function requestCtx(req: IncomingMessage): RequestCtx {
  const target = req.url ?? '/';
  const q = target.indexOf('?');
  const rawPath = q < 0 ? target : target.slice(0, q);
  let path = rawPath;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    path = rawPath;
  }
  const remote = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  return {
    raw: req,
    method: req.method ?? 'GET',
    protocol: req.httpVersion === '1.0' ? 'HTTP/1.0' : 'HTTP/1.1',
    targetOrig: target,
    target,
    path,
    query: q < 0 ? '' : target.slice(q + 1),
    host: (req.headers.host ?? '').toLowerCase(),
    scheme: 'http',
    remoteAddr: remote,
    remotePort: req.socket.remotePort ?? 0,
    localAddr: (req.socket.localAddress ?? '').replace(/^::ffff:/, ''),
    localPort: req.socket.localPort ?? 0,
    serverSocket: `${req.socket.localAddress ?? ''}:${req.socket.localPort ?? 0}`,
    headers: new Map(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')])),
    env: new Map(),
    captures: new Map(),
    keepAliveIndex: 0,
    startTime: Date.now(),
  };
}
