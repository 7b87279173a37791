/**
 * Building the head-builder's view of a client request from the core's RequestCtx, and reading the
 * request body's length (a small chunked body is collected first so the backend gets a
 * Content-Length, as lighttpd does; a large one is streamed with chunked framing).
 */
import type { Readable } from 'node:stream';
import type { RequestCtx } from '../../request/context.js';
import type { ClientHead } from './request-head.js';

/** The head-builder input for `req`; `bodyLength` null = unknown (streamed chunked). */
export function clientHeadOf(req: RequestCtx, bodyLength: number | null): ClientHead {
  const raw = req.raw;
  const sentHost = req.headers.has('host') && req.host !== '';
  return {
    method: req.method,
    // lighttpd sends r->target: the normalised target (or mod_rewrite's result), query included
    target: req.target,
    httpVersion: raw.httpVersion,
    rawHeaders: raw.rawHeaders,
    headers: req.headers,
    addedNames: req.addedHeaderNames,
    remoteAddr: req.remoteAddr,
    actualFor: req.env.get('_L_EXTFORWARD_ACTUAL_FOR'),
    actualProto: req.env.get('_L_EXTFORWARD_ACTUAL_PROTO'),
    localAddr: req.localAddr,
    localPort: req.localPort,
    scheme: req.scheme,
    socketScheme: raw.peer.tls ? 'https' : 'http',
    host: sentHost ? req.host : null,
    remoteUser: req.env.get('REMOTE_USER') ?? null,
    bodyLength,
  };
}

/** What was read of a body before the backend is contacted. */
export interface Prebuffered {
  readonly chunks: Buffer[];
  /** The whole body is in `chunks`. */
  readonly complete: boolean;
  readonly length: number;
}

/** A chunked body up to this size is collected and sent with Content-Length. */
export const PREBUFFER_LIMIT = 256 * 1024;

/** Reads `src` until it ends or more than `limit` bytes arrived; `src` is left paused. */
export function prebuffer(src: Readable, limit = PREBUFFER_LIMIT): Promise<Prebuffered> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    if (src.readableEnded) {
      resolve({ chunks, complete: true, length });
      return;
    }
    const cleanup = (): void => {
      src.off('data', onData);
      src.off('end', onEnd);
      src.off('error', onError);
      src.off('close', onClose);
    };
    const onData = (c: Buffer): void => {
      chunks.push(c);
      length += c.length;
      if (length > limit) {
        cleanup();
        src.pause();
        resolve({ chunks, complete: false, length });
      }
    };
    const onEnd = (): void => {
      cleanup();
      resolve({ chunks, complete: true, length });
    };
    const onError = (e: Error): void => {
      cleanup();
      reject(e);
    };
    const onClose = (): void => {
      cleanup();
      reject(new Error('client closed the connection during the request body'));
    };
    src.on('data', onData);
    src.on('end', onEnd);
    src.on('error', onError);
    src.on('close', onClose);
  });
}

/** The declared body length of a request, or null when it is chunked (unknown). */
export function declaredLength(req: RequestCtx): number | null {
  const n = req.raw.bodyLength;
  return n < 0 ? null : n;
}
