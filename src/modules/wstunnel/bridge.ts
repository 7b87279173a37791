/**
 * The data path of one tunnel (wstunnel.md §5–§9): client messages become raw bytes to the backend,
 * backend reads become frames to the client (binary, text, or base64 text), with backpressure both
 * ways, pings, the client idle limit, and real 2-byte close codes.
 *
 * Close codes: backend EOF → 1000, backend error → 1011, idle / shutdown → 1001; a client CLOSE is
 * echoed by `ws`. Idle means no traffic in either direction: backend data, client messages, client
 * pings and pongs all count (so a client answering `wstunnel.ping-interval` pings stays connected).
 */
import type { Socket } from 'node:net';
import type { WebSocket, RawData } from 'ws';
import type { TunnelEncoding } from './handshake.js';
import { decodeBase64Strict, splitUtf8 } from './utf8.js';

/** Stop reading the backend while more than this is queued towards the client (lighttpd: ~60 KiB). */
const HIGH_WATER = 64 * 1024;
/** Resume once the client queue is below this. */
const LOW_WATER = 16 * 1024;
/** After we start a close, how long the client gets to answer before the socket is dropped. */
const CLOSE_GRACE_MS = 3000;

/** Tunnel lifecycle; only `#setState` changes it. */
export type TunnelState = 'open' | 'closing' | 'closed';

/** What the bridge needs besides the two ends. */
export interface BridgeOptions {
  readonly encoding: TunnelEncoding;
  /** Seconds between PINGs (0 = none). */
  readonly pingInterval: number;
  /** Seconds without traffic before the tunnel is closed (0 = no limit). */
  readonly maxReadIdle: number;
  /** Host `read-timeout` / `write-timeout` in seconds (0 = off): backend silence / no write progress. */
  readonly readTimeout: number;
  readonly writeTimeout: number;
  readonly debug: number;
  /** Backend name for log lines, e.g. `tcp:127.0.0.1:5900`. */
  readonly backendName: string;
  readonly log: (message: string) => void;
  /** Called once when both ends are gone. */
  readonly onClosed: () => void;
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** One running tunnel between a WebSocket and a backend stream. */
export class Tunnel {
  readonly #ws: WebSocket;
  readonly #backend: Socket;
  readonly #opts: BridgeOptions;
  #state: TunnelState = 'open';
  #carry: Buffer = Buffer.alloc(0);
  #backendPaused = false;
  #lastActivity = Date.now();
  #idleTimer: NodeJS.Timeout | null = null;
  #pingTimer: NodeJS.Timeout | null = null;
  #graceTimer: NodeJS.Timeout | null = null;
  #backendTimer: NodeJS.Timeout | null = null;
  #lastBackendData = Date.now();
  #writeStalledSince = Date.now();
  #lastBytesWritten = 0;
  #wsClosed = false;
  #backendClosed = false;
  #resolveClosed: () => void = () => undefined;
  /** Settles once both ends are closed. */
  readonly closed: Promise<void> = new Promise((resolve) => {
    this.#resolveClosed = resolve;
  });

  constructor(ws: WebSocket, backend: Socket, opts: BridgeOptions) {
    this.#ws = ws;
    this.#backend = backend;
    this.#opts = opts;
    ws.on('message', this.#clientOnMessage);
    ws.on('ping', this.#touch);
    ws.on('pong', this.#touch);
    ws.on('error', this.#clientOnError);
    ws.on('close', this.#clientOnClose);
    backend.on('data', this.#backendOnData);
    backend.on('drain', this.#backendOnDrain);
    backend.on('end', this.#backendOnEnd);
    backend.on('error', this.#backendOnError);
    backend.on('close', this.#backendOnClose);
    if (opts.maxReadIdle > 0) this.#armIdle(opts.maxReadIdle * 1000);
    if (opts.readTimeout > 0 || opts.writeTimeout > 0) {
      // lighttpd checks gateway timeouts once per second
      this.#backendTimer = setInterval(this.#checkBackendTimeouts, 1000);
      this.#backendTimer.unref();
    }
    if (opts.pingInterval > 0) {
      this.#pingTimer = setInterval(this.#sendPing, opts.pingInterval * 1000);
      this.#pingTimer.unref();
    }
    this.#debug(3, `will recv ${opts.encoding === 'binary' ? 'binary' : 'text'} data from backend ${opts.backendName}`);
  }

  get state(): TunnelState {
    return this.#state;
  }

  #debug(level: number, message: string): void {
    if (this.#opts.debug >= level) this.#opts.log(message);
  }

  #setState(state: TunnelState): void {
    this.#state = state;
    if (state !== 'open') this.#stopTimers();
  }

  #touch = (): void => {
    this.#lastActivity = Date.now();
  };

  #clientOnMessage = (data: RawData, isBinary: boolean): void => {
    this.#touch();
    let buf = toBuffer(data);
    this.#debug(4, `recv data from client, size=${buf.length.toString(16)}, to backend ${this.#opts.backendName}`);
    if (this.#opts.encoding === 'base64') {
      const decoded = decodeBase64Strict(buf.toString('latin1'));
      if (decoded === null) {
        this.#opts.log(`fail to base64-decode client data for backend ${this.#opts.backendName}`);
        this.close(1007, 'invalid base64');
        return;
      }
      buf = decoded;
    }
    void isBinary; // lighttpd: text and binary client frames both go to the backend as raw bytes
    if (buf.length === 0 || this.#backendClosed) return;
    if (!this.#backend.write(buf)) this.#ws.pause();
  };

  #backendOnDrain = (): void => {
    if (this.#state === 'open') this.#ws.resume();
  };

  #backendOnData = (chunk: Buffer): void => {
    this.#touch();
    this.#lastBackendData = Date.now();
    this.#debug(4, `recv data from backend ${this.#opts.backendName}, size=${chunk.length.toString(16)}`);
    const enc = this.#opts.encoding;
    if (enc === 'text') {
      const joined = this.#carry.length > 0 ? Buffer.concat([this.#carry, chunk]) : chunk;
      const [complete, tail] = splitUtf8(joined);
      this.#carry = tail;
      if (complete.length > 0) this.#send(complete, false);
    } else if (enc === 'base64') {
      this.#send(chunk.toString('base64'), false);
    } else {
      this.#send(chunk, true);
    }
  };

  #send(payload: Buffer | string, binary: boolean): void {
    if (this.#ws.readyState !== this.#ws.OPEN) return;
    this.#ws.send(payload, { binary }, this.#onSent);
    if (!this.#backendPaused && this.#ws.bufferedAmount > HIGH_WATER) {
      this.#backendPaused = true;
      this.#backend.pause();
    }
  }

  #onSent = (err?: Error): void => {
    if (err || !this.#backendPaused || this.#state !== 'open') return;
    if (this.#ws.bufferedAmount <= LOW_WATER) {
      this.#backendPaused = false;
      this.#backend.resume();
    }
  };

  #flushCarry(): void {
    // bytes that never became a whole character are the backend's business: send them as they are
    if (this.#carry.length > 0) this.#send(this.#carry, false);
    this.#carry = Buffer.alloc(0);
  }

  #backendOnEnd = (): void => {
    this.#debug(3, `backend ${this.#opts.backendName} closed the connection`);
    this.#flushCarry();
    this.close(1000, '');
  };

  #backendOnError = (err: NodeJS.ErrnoException): void => {
    this.#opts.log(`backend ${this.#opts.backendName} error: ${err.code ?? err.message}`);
    this.close(1011, 'backend error');
  };

  #backendOnClose = (): void => {
    this.#backendClosed = true;
    // a backend that vanishes without 'end' or 'error' still ends the tunnel
    if (this.#state === 'open') this.close(1000, '');
    this.#maybeDone();
  };

  #clientOnError = (err: Error): void => {
    this.#debug(1, `client error on tunnel to ${this.#opts.backendName}: ${err.message}`);
  };

  #clientOnClose = (code: number): void => {
    this.#wsClosed = true;
    this.#debug(3, `disconnected from client (code=${code}), closing backend ${this.#opts.backendName}`);
    this.#setState('closing');
    // let what the client sent reach the backend, then FIN; do not wait forever for the backend
    if (!this.#backendClosed) {
      this.#backend.resume();
      this.#backend.end();
      const t = setTimeout(() => this.#backend.destroy(), CLOSE_GRACE_MS);
      t.unref();
      this.#backend.once('close', () => clearTimeout(t));
    }
    this.#maybeDone();
  };

  #sendPing = (): void => {
    if (this.#ws.readyState === this.#ws.OPEN) this.#ws.ping('ping');
  };

  #armIdle(ms: number): void {
    this.#idleTimer = setTimeout(this.#idleCheck, ms);
    this.#idleTimer.unref();
  }

  #idleCheck = (): void => {
    this.#idleTimer = null;
    if (this.#state !== 'open') return;
    const limit = this.#opts.maxReadIdle * 1000;
    const idle = Date.now() - this.#lastActivity;
    if (idle < limit) {
      this.#armIdle(limit - idle);
      return;
    }
    this.#debug(3, `timeout client, closing tunnel to ${this.#opts.backendName}`);
    this.#backend.destroy();
    this.close(1001, 'idle');
  };

  #checkBackendTimeouts = (): void => {
    if (this.#state !== 'open') return;
    const now = Date.now();
    const { readTimeout, writeTimeout } = this.#opts;
    if (readTimeout > 0 && now - this.#lastBackendData >= readTimeout * 1000) {
      this.#opts.log(`read timeout on socket: ${this.#opts.backendName}`);
      this.close(1011, 'backend read timeout');
      return;
    }
    if (writeTimeout > 0) {
      const written = this.#backend.bytesWritten;
      if (this.#backend.writableLength === 0 || written !== this.#lastBytesWritten) this.#writeStalledSince = now;
      this.#lastBytesWritten = written;
      if (now - this.#writeStalledSince >= writeTimeout * 1000) {
        this.#opts.log(`write timeout on socket: ${this.#opts.backendName}`);
        this.close(1011, 'backend write timeout');
      }
    }
  };

  #stopTimers(): void {
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    if (this.#pingTimer) clearInterval(this.#pingTimer);
    if (this.#backendTimer) clearInterval(this.#backendTimer);
    this.#idleTimer = null;
    this.#pingTimer = null;
    this.#backendTimer = null;
  }

  /** Starts closing: CLOSE `code` to the client (dropped after a grace period), backend closed. */
  close(code: number, reason: string): void {
    if (this.#state !== 'open') return;
    this.#setState('closing');
    if (code !== 1000) this.#backend.destroy();
    else this.#backend.end();
    if (this.#ws.readyState === this.#ws.OPEN || this.#ws.readyState === this.#ws.CONNECTING) this.#ws.close(code, reason);
    this.#graceTimer = setTimeout(() => this.#ws.terminate(), CLOSE_GRACE_MS);
    this.#graceTimer.unref();
  }

  /** Drops both ends at once (after a shutdown CLOSE that got no answer). */
  terminate(): void {
    if (this.#state === 'closed') return;
    this.#backend.destroy();
    this.#ws.terminate();
  }

  /** Server shutdown: 1001 to the client, backend dropped. */
  shutdown(): void {
    this.close(1001, 'server shutdown');
  }

  #maybeDone(): void {
    if (!this.#wsClosed) return;
    if (!this.#backendClosed) return;
    if (this.#state === 'closed') return;
    if (this.#graceTimer) clearTimeout(this.#graceTimer);
    this.#setState('closed');
    this.#opts.onClosed();
    this.#resolveClosed();
  }
}

/** Connects a WebSocket to a backend stream; the tunnel runs until either side ends it. */
export function bridge(ws: WebSocket, backend: Socket, opts: BridgeOptions): Tunnel {
  return new Tunnel(ws, backend, opts);
}
