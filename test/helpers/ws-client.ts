/**
 * `ws` client helpers: open a tunnel, wait for messages, wait for close, all with timeouts.
 */
import WebSocket, { type ClientOptions } from 'ws';

/** A received frame. */
export interface Received {
  readonly data: Buffer;
  readonly isBinary: boolean;
}

/** An open client with a queue of received messages. */
export interface TestClient {
  readonly ws: WebSocket;
  readonly received: Received[];
  /** Resolves with the next message (or rejects after `ms`). */
  next(ms?: number): Promise<Received>;
  /** Resolves once at least `bytes` payload bytes arrived in total; returns them joined. */
  collect(bytes: number, ms?: number): Promise<Buffer>;
  /** Resolves with the close code and reason. */
  closed(ms?: number): Promise<{ code: number; reason: string }>;
}

function timeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      t = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(t));
}

/** Opens `url` (with optional sub-protocols) and resolves once open; rejects on handshake failure. */
export async function openClient(url: string, protocols?: string | string[], opts: ClientOptions = {}): Promise<TestClient> {
  const ws = new WebSocket(url, protocols, { perMessageDeflate: false, ...opts });
  const received: Received[] = [];
  let wake: (() => void) | null = null;
  const closeInfo = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    received.push({ data, isBinary });
    wake?.();
  });
  await timeout(
    new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`unexpected response ${res.statusCode ?? 0}`)));
    }),
    5000,
    'open',
  );
  ws.on('error', () => undefined);
  const waitFor = async (cond: () => boolean, ms: number, what: string): Promise<void> => {
    const deadline = Date.now() + ms;
    while (!cond()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await timeout(
        new Promise<void>((resolve) => {
          wake = resolve;
        }),
        left,
        what,
      ).finally(() => {
        wake = null;
      });
    }
  };
  let taken = 0;
  return {
    ws,
    received,
    async next(ms = 5000) {
      await waitFor(() => received.length > taken, ms, 'a message');
      const r = received[taken++];
      if (!r) throw new Error('no message');
      return r;
    },
    async collect(bytes, ms = 10000) {
      const total = (): number => received.slice(taken).reduce((n, r) => n + r.data.length, 0);
      await waitFor(() => total() >= bytes, ms, `${bytes} bytes`);
      const out = Buffer.concat(received.slice(taken).map((r) => r.data));
      taken = received.length;
      return out;
    },
    closed(ms = 5000) {
      return timeout(closeInfo, ms, 'close');
    },
  };
}

/** Attempts a handshake and resolves with the HTTP status of a refusal (101 when it opened). */
export function handshakeStatus(url: string, headers: Record<string, string> = {}, protocols?: string | string[]): Promise<number> {
  return timeout(
    new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(url, protocols, { headers, perMessageDeflate: false });
      ws.once('open', () => {
        ws.terminate();
        resolve(101);
      });
      ws.once('unexpected-response', (req, res) => {
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      ws.once('error', reject);
    }),
    10000,
    'handshake',
  );
}
