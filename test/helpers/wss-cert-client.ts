/**
 * One `wss://` tunnel attempt with a client certificate (or none), the way noVNC's websockify
 * connection goes: the `ws` client offers the `binary` sub-protocol, sends a binary message, expects
 * it back through an echo backend and closes. Reports how the attempt ended as one comparable line.
 */
import WebSocket from 'ws';
import type { ClientCert } from './client-certs.js';

/** How the attempt ended: `echoed <n> bytes`, `HTTP <status>`, `open, no echo`, or `refused (<how>)`. */
export interface WssOutcome {
  /** `echoed 256 bytes`, `HTTP 401` or `refused` (no HTTP answer at all). */
  readonly summary: string;
  /** For a refusal: the TLS alert's or the socket's error code. */
  readonly how: string;
}

/** Options: the client certificate, the TLS version ceiling, the path and the bytes to echo. */
export interface WssAttemptOptions {
  readonly client: ClientCert | null;
  readonly maxVersion?: 'TLSv1.2' | 'TLSv1.3';
  readonly path?: string;
  readonly payload?: Buffer;
}

/** Every byte value once: what a VNC stream may carry. */
export const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

/** Opens `wss://127.0.0.1:<port><path>`, echoes `payload` once, closes with 1000 and waits for the end. */
export function wssAttempt(port: number, o: WssAttemptOptions): Promise<WssOutcome> {
  const payload = o.payload ?? ALL_BYTES;
  return new Promise((resolve) => {
    const ws = new WebSocket(`wss://127.0.0.1:${port}${o.path ?? '/websockify'}`, ['binary'], {
      perMessageDeflate: false,
      rejectUnauthorized: false,
      maxVersion: o.maxVersion ?? 'TLSv1.3',
      ...(o.client ? { cert: o.client.cert, key: o.client.key } : {}),
    });
    let summary = '';
    let how = '';
    const timer = setTimeout(() => {
      how = 'timeout';
      ws.terminate();
    }, 5000);
    let got = Buffer.alloc(0);
    ws.on('open', () => {
      summary = 'open, no echo';
      ws.send(payload);
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      got = Buffer.concat([got, data]);
      if (!isBinary) summary = 'open, text frame';
      else if (got.length >= payload.length) {
        summary = got.equals(payload) ? `echoed ${payload.length} bytes` : 'open, echo differs';
        ws.close(1000);
      }
    });
    ws.on('unexpected-response', (_req, res) => {
      summary = `HTTP ${res.statusCode ?? 0}`;
      res.resume();
      res.on('end', () => ws.terminate());
    });
    ws.on('error', (e: Error) => {
      // lighttpd 1.4.69 answers a CLOSE with the code as ASCII text, which ws rejects; the tunnel still ended
      if (how === '' && summary === '') how = 'code' in e && typeof e.code === 'string' ? e.code : e.message;
    });
    ws.on('close', () => {
      clearTimeout(timer);
      resolve(summary === '' ? { summary: 'refused', how: how === '' ? 'closed' : how } : { summary, how: '' });
    });
  });
}
