/**
 * The data path of one tunnel (wstunnel.md §5–§9), after the 101: client frames become raw bytes to
 * the backend as they arrive (no reassembly, as lighttpd), backend reads become one frame each to the
 * client (binary, text that never splits a UTF-8 character, or base64 text), with backpressure both
 * ways, pings, the idle limit, backend read/write timeouts and real 2-byte close codes.
 *
 * Close codes: a client CLOSE is echoed; backend EOF → 1000, backend error or timeout → 1011, idle
 * and shutdown → 1001, protocol errors → 1002 / 1007 / 1009. Idle means no traffic either way.
 *
 * Cost per tunnel is kept small on purpose: no timers of its own (the module's `Ticker` visits it
 * once per second), and both sockets read into shared buffers (`onread`): each backend read becomes
 * one frame cut from a reusable slab. The client socket is moved to a shared buffer (client-reads.ts)
 * once the tunnel has carried a few reads — a tunnel that only shakes hands and closes does not pay
 * for the move; from then on each client payload is unmasked in place and copied into a slab for the
 * backend (no allocation per message). Before the move, or when it cannot be done, the client socket
 * delivers 'data' chunks whose payload is written by reference.
 */
import net, { type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { RawTraffic } from '../../request/context.js';
import { FrameParser, type FrameError, type FrameSink, type MessageType } from './frame-parser.js';
import { OP_BINARY, OP_PING, OP_PONG, OP_TEXT, allocFrame, encodeClose, encodeFrame, encodeTextFrame, headerSize, writeFrame, writeHeader } from './frames.js';
import type { Tickable, Ticker } from './ticker.js';
import { incompleteUtf8Tail } from './utf8.js';
import { Base64Stream } from './base64-stream.js';
import type { TunnelEncoding } from './handshake.js';
import { atEndOfTurn } from './write-batch.js';
import { CLIENT_READ_BUFFER, CLIENT_READ_SIZE, ClientReads, moveToSharedReads, type ClientReadSink } from './client-reads.js';
import { HandleStream } from '../../net/handle-stream.js';

/**
 * What the tunnel uses of each end: a net.Socket (a TLS one for the client too) or a HandleStream
 * (net/handle-stream.ts), which drives the libuv handle without the stream machinery.
 */
export interface TunnelEnd {
  write(data: Uint8Array, callback?: () => void): boolean;
  readonly writableLength: number;
  /** Bytes handed to the connection so far (net.Socket: queued ones included). */
  readonly bytesWritten: number;
  readonly writable: boolean;
  readonly writableEnded: boolean;
  cork(): void;
  uncork(): void;
  pause(): unknown;
  resume(): unknown;
  end(): unknown;
  destroy(): unknown;
  on(event: 'end' | 'close' | 'drain', listener: () => void): unknown;
  on(event: 'error', listener: (err: NodeJS.ErrnoException) => void): unknown;
  off(event: 'end' | 'close' | 'drain', listener: () => void): unknown;
  off(event: 'error', listener: (err: NodeJS.ErrnoException) => void): unknown;
}

/** The backend end (its bytesWritten tells the write-timeout of progress). */
export type BackendEnd = TunnelEnd;

/**
 * Stop reading one side while more than this is queued in Node towards the other (lighttpd: ~60 KiB
 * towards the client, ~48 KiB towards the backend); reading resumes on 'drain' (queue empty).
 */
const HIGH_WATER = 64 * 1024;
/** While a bulk transfer is batched (write-batch.ts), this much may gather before reading pauses. */
const BATCH_LIMIT = 512 * 1024;
/** A client read this large filled its buffer (libuv's, or the shared one): more is probably waiting. */
const FULL_CLIENT_READ = CLIENT_READ_SIZE;
/** After a close starts, how many seconds both ends get before their sockets are dropped. */
const CLOSE_GRACE_S = 3;
/** Client reads ('data' events) after which the client socket is moved to the shared read buffer. */
const MOVE_AFTER_READS = 4;
/** Size of the shared backend read buffer: one read, one frame (lighttpd's frames reach 128 KiB too). */
const READ_SIZE = 128 * 1024;

/**
 * Every backend socket of every tunnel reads into this one buffer: each read is turned into a frame
 * (copied) before the callback returns, so nothing refers to it afterwards.
 */
const READ_BUFFER = Buffer.allocUnsafeSlow(READ_SIZE);
const PING_PAYLOAD = Buffer.from('ping');
/** Below this many bytes a frame's payload is copied byte by byte. */
const SMALL_COPY = 64;

/** The `onread` option for a backend socket whose reads a tunnel attached later will take. */
export class BackendReads {
  tunnel: Tunnel | null = null;
  readonly buffer: Buffer = READ_BUFFER;
  readonly callback = (n: number): boolean => {
    this.tunnel?.backendRead(n);
    return true;
  };
}

/** Tunnel lifecycle; only `#setState` changes it. */
export type TunnelState = 'open' | 'closing' | 'closed';

/** What a tunnel needs besides its two sockets. */
export interface TunnelOptions {
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
  /** The 101 head's length, and the client's bytesWritten before it was written (the access log counts from the head on). */
  readonly headBytes: number;
  readonly outBase: number;
}

/** One running tunnel between a WebSocket client socket and a backend stream. */
export class Tunnel implements FrameSink, Tickable, ClientReadSink, RawTraffic {
  #client: TunnelEnd;
  /** The client as a net.Socket while it delivers 'data' events (not moved to shared reads yet). */
  #dataClient: Socket | null;
  readonly #backend: BackendEnd;
  readonly #opts: TunnelOptions;
  readonly #ticker: Ticker;
  readonly #parser: FrameParser;
  #state: TunnelState = 'open';
  /** Second stamps (ticker.now) of the last traffic, backend data, ping, and stalled backend write. */
  #lastActivity: number;
  #lastBackendData: number;
  #lastPing: number;
  #writeStalledSince: number;
  #lastBytesWritten = 0;
  /** When a close started: the second after which both sockets are dropped. */
  #deadline = 0;
  #backendPaused = false;
  #clientPaused = false;
  #clientClosed = false;
  #backendClosed = false;
  /** Backend writes made while handling the current client chunk (the second one corks). */
  #writesInChunk = 0;
  /** Text mode: the start of a UTF-8 character that the next backend read completes. */
  #carry: Buffer | null = null;
  /** The `base64` sub-protocol's decoder (its first client message creates it). */
  #base64: Base64Stream | null = null;
  #whenClosed: (() => void) | null = null;
  /** Corked until the end of this event-loop turn (write-batch.ts). */
  #backendBatched = false;
  #clientBatched = false;
  /** A frame written through a TCP socket can be reused at once (see releaseFrame). */
  readonly #reuseFrames: boolean;
  /** Client bytes arrive in the shared CLIENT_READ_BUFFER: what goes to the backend must be copied. */
  #sharedClientReads = false;
  /** 'data' events seen (until the move is tried). */
  #clientDataEvents = 0;
  /** Client bytes read (accesslog %I after the head). */
  #bytesIn = 0;
  /** Bytes written through client ends the tunnel has moved away from. */
  #bytesOutBefore = 0;
  /** The client went away without a closing handshake, or the server's stop cut the tunnel (accesslog %X). */
  #aborted = false;

  /**
   * Starts the tunnel on a client that just got its 101 and a connected, paused backend whose reads
   * arrive through `reads`; `head` holds client bytes that came with the request. A client that is a
   * HandleStream reads through `clientReads`; another one delivers 'data' events.
   */
  constructor(client: Socket | HandleStream, clientReads: ClientReads | null, backend: BackendEnd, reads: BackendReads, head: Buffer, ticker: Ticker, opts: TunnelOptions) {
    this.#client = client;
    this.#backend = backend;
    this.#opts = opts;
    this.#ticker = ticker;
    this.#parser = new FrameParser(this);
    this.#reuseFrames = client instanceof net.Socket || client instanceof HandleStream;
    const now = ticker.now;
    this.#lastActivity = now;
    this.#lastBackendData = now;
    this.#lastPing = now;
    this.#writeStalledSince = now;
    reads.tunnel = this;
    if (client instanceof HandleStream) {
      this.#dataClient = null;
      this.#sharedClientReads = true;
      if (clientReads) clientReads.sink = this;
    } else {
      this.#dataClient = client;
      client.on('data', this.#clientOnData);
    }
    this.#listenToClient(client, true);
    backend.on('end', this.#backendOnEnd);
    backend.on('close', this.#backendOnClose);
    backend.on('error', this.#backendOnError);
    backend.on('drain', this.#backendOnDrain);
    ticker.add(this);
    if (opts.debug >= 3) opts.log(`will recv ${opts.encoding === 'binary' ? 'binary' : 'text'} data from backend ${opts.backendName}`);
    client.resume();
    if (head.length > 0) this.#chunk(head, head.length);
    // reading starts now (also after a CLOSE in `head`: the backend's EOF must still be seen)
    backend.resume();
  }

  get state(): TunnelState {
    return this.#state;
  }

  // ---- RawTraffic: what the access log learns when the client connection closes ------------

  get bytesIn(): number {
    return this.#bytesIn;
  }

  get bytesOut(): number {
    return this.#bytesOutBefore + this.#client.bytesWritten - this.#opts.outBase;
  }

  get headBytes(): number {
    return this.#opts.headBytes;
  }

  get aborted(): boolean {
    return this.#aborted;
  }

  #setState(state: TunnelState): void {
    this.#state = state;
  }

  /** Adds (or, with `on` false, removes) the tunnel's end / close / error / drain listeners of a client socket. */
  #listenToClient(client: TunnelEnd, on: boolean): void {
    if (on) {
      client.on('end', this.#clientOnEnd);
      client.on('close', this.#clientOnClose);
      client.on('error', this.#clientOnError);
      client.on('drain', this.#clientOnDrain);
    } else {
      client.off('end', this.#clientOnEnd);
      client.off('close', this.#clientOnClose);
      client.off('error', this.#clientOnError);
      client.off('drain', this.#clientOnDrain);
    }
  }

  // ---- client → backend -------------------------------------------------------------------

  /** `n` client bytes are in the shared CLIENT_READ_BUFFER. */
  clientRead(n: number): void {
    this.#chunk(CLIENT_READ_BUFFER, n);
  }

  /** A 'data' event of a client socket not moved (yet). */
  #clientOnData = (chunk: Buffer): void => {
    this.#chunk(chunk, chunk.length);
    // after the read is handled, outside the socket's own 'data' emit
    if (++this.#clientDataEvents === MOVE_AFTER_READS) atEndOfTurn(this.#moveClient);
  };

  /** Moves a busy client socket to the shared read buffer, when nothing is in flight (else it stays). */
  #moveClient = (): void => {
    const old = this.#dataClient;
    if (old === null || this.#state !== 'open' || this.#clientPaused || this.#clientBatched || old.writableLength > 0) return;
    const reads = new ClientReads();
    const moved = moveToSharedReads(old, reads);
    if (moved === null) return;
    old.off('data', this.#clientOnData);
    this.#listenToClient(old, false);
    this.#bytesOutBefore += old.bytesWritten;
    this.#client = moved;
    this.#dataClient = null;
    this.#sharedClientReads = true;
    reads.sink = this;
    this.#listenToClient(moved, true);
    moved.resume();
  };

  /** Client bytes `chunk[0, n)`. */
  #chunk(chunk: Buffer, n: number): void {
    this.#bytesIn += n;
    this.#lastActivity = this.#ticker.now;
    if (n >= FULL_CLIENT_READ && !this.#backendBatched && this.#state === 'open') {
      this.#backendBatched = true;
      this.#backend.cork();
      atEndOfTurn(this.#flushBatches);
    }
    this.#writesInChunk = 0;
    this.#parser.write(chunk, n);
    if (this.#writesInChunk > 1) this.#backend.uncork();
  }

  #flushBatches = (): void => {
    if (this.#backendBatched) {
      this.#backendBatched = false;
      this.#backend.uncork();
    }
    if (this.#clientBatched) {
      this.#clientBatched = false;
      this.#client.uncork();
    }
  };

  frameData(chunk: Buffer, start: number, end: number, _type: MessageType, last: boolean): void {
    if (this.#state !== 'open') return;
    if (this.#opts.debug >= 4) this.#opts.log(`recv data from client, size=${(end - start).toString(16)}, to backend ${this.#opts.backendName}`);
    // lighttpd: text and binary client frames both go to the backend as raw bytes
    if (this.#opts.encoding === 'base64') {
      this.#decodeBase64(chunk.subarray(start, end), last);
      return;
    }
    if (end > start) this.#toBackend(chunk, start, end);
  }

  /** `bytes[start, end)` to the backend. */
  #toBackend(bytes: Buffer, start: number, end: number): void {
    if (this.#backendClosed) return;
    // several frames in one client read: gather their writes into one writev
    const backend = this.#backend;
    if (++this.#writesInChunk === 2) backend.cork();
    if (this.#sharedClientReads) writeFrame(backend, copyToFrame(bytes, start, end), true);
    else backend.write(start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end));
    // judge by what is still queued, not by write()'s answer: that is false for any write larger
    // than 16 KiB even when the kernel took it at once, and pausing then costs two epoll changes
    if (!this.#clientPaused && backend.writableLength > (this.#backendBatched ? BATCH_LIMIT : HIGH_WATER)) {
      this.#clientPaused = true;
      this.#client.pause();
    }
  }

  #decodeBase64(payload: Buffer, last: boolean): void {
    const decoded = (this.#base64 ??= new Base64Stream()).push(payload, last);
    if (decoded === null) {
      this.#opts.log(`fail to base64-decode client data for backend ${this.#opts.backendName}`);
      this.#close(1007, 'invalid base64', 'destroy');
      return;
    }
    if (decoded.length > 0) this.#toBackend(decoded, 0, decoded.length);
  }

  #backendOnDrain = (): void => {
    if (this.#clientPaused && this.#state === 'open') {
      this.#clientPaused = false;
      this.#client.resume();
    }
  };

  framePing(payload: Buffer): void {
    if (this.#state !== 'open') return;
    this.#toClient(encodeFrame(OP_PONG, payload));
    // a client that sends PINGs and reads nothing: stop reading it while its PONGs back up, or each
    // read queues more of them without bound; reading resumes when they drain (#clientOnDrain)
    if (!this.#clientPaused && this.#client.writableLength > HIGH_WATER) {
      this.#clientPaused = true;
      this.#client.pause();
    }
  }

  framePong(): void {
    // counted as traffic by #clientOnData; nothing else to do
  }

  frameClose(code: number, reason: Buffer): void {
    if (this.#state !== 'open') return;
    if (this.#opts.debug >= 3) this.#opts.log(`disconnected from client (code=${code}), closing backend ${this.#opts.backendName}`);
    // RFC 6455 §5.5.1: answer with the same code; then let what the client sent reach the backend
    this.#close(code === 1005 ? null : code, reason, 'end');
  }

  frameError(err: FrameError): void {
    if (this.#opts.debug >= 1) this.#opts.log(`client error on tunnel to ${this.#opts.backendName}: ${err.message}`);
    this.#close(err.closeCode, '', 'destroy');
  }

  // ---- backend → client -------------------------------------------------------------------

  /** `n` bytes from the backend are in the shared read buffer. */
  backendRead(n: number): void {
    const now = this.#ticker.now;
    this.#lastActivity = now;
    this.#lastBackendData = now;
    if (this.#opts.debug >= 4) this.#opts.log(`recv data from backend ${this.#opts.backendName}, size=${n.toString(16)}`);
    if (this.#state !== 'open') return;
    if (n === READ_SIZE && !this.#clientBatched) {
      this.#clientBatched = true;
      this.#client.cork();
      atEndOfTurn(this.#flushBatches);
    }
    const enc = this.#opts.encoding;
    if (enc === 'binary') this.#sendRead(OP_BINARY, 0, n);
    else if (enc === 'text') this.#sendText(n);
    else this.#toClient(encodeTextFrame(OP_TEXT, READ_BUFFER.toString('base64', 0, n), 'latin1'));
  }

  /** One frame from READ_BUFFER[start, end), after the text carry (if any). */
  #sendRead(opcode: number, start: number, end: number): void {
    const carry = this.#carry;
    const carried = carry === null ? 0 : carry.length;
    const len = carried + end - start;
    const frame = allocFrame(headerSize(len) + len);
    let at = writeHeader(frame, 0, opcode, len);
    if (carry !== null) {
      carry.copy(frame, at);
      at += carried;
      this.#carry = null;
    }
    copyBytes(READ_BUFFER, start, end, frame, at);
    this.#toClient(frame);
  }

  #sendText(n: number): void {
    const carry = this.#carry;
    if (carry !== null && n < 4) {
      // rare: a few bytes after a carried partial character; the tail is judged on the joined bytes
      const joined = Buffer.concat([carry, READ_BUFFER.subarray(0, n)]);
      const tail = incompleteUtf8Tail(joined);
      this.#carry = tail > 0 ? joined.subarray(joined.length - tail) : null;
      if (joined.length > tail) this.#toClient(encodeFrame(OP_TEXT, joined.subarray(0, joined.length - tail)));
      return;
    }
    // n ≥ 4 or no carry: the read alone decides where its last complete character ends
    const tail = incompleteUtf8Tail(READ_BUFFER, n);
    if (n > tail || carry !== null) this.#sendRead(OP_TEXT, 0, n - tail);
    this.#carry = tail > 0 ? Buffer.from(READ_BUFFER.subarray(n - tail, n)) : null;
  }

  #toClient(frame: Buffer): void {
    const queued = writeFrame(this.#client, frame, this.#reuseFrames);
    if (!this.#backendPaused && queued > (this.#clientBatched ? BATCH_LIMIT : HIGH_WATER)) {
      this.#backendPaused = true;
      this.#backend.pause();
    }
  }

  #clientOnDrain = (): void => {
    if (this.#state !== 'open') return;
    if (this.#backendPaused) {
      this.#backendPaused = false;
      this.#backend.resume();
    }
    // paused by PONGs (framePing), unless the backend's queue still holds it (#backendOnDrain then)
    if (this.#clientPaused && this.#backend.writableLength <= (this.#backendBatched ? BATCH_LIMIT : HIGH_WATER)) {
      this.#clientPaused = false;
      this.#client.resume();
    }
  };

  #flushCarry(): void {
    // bytes that never became a whole character are the backend's business: send them as they are
    const carry = this.#carry;
    if (carry === null) return;
    this.#carry = null;
    this.#toClient(encodeFrame(OP_TEXT, carry));
  }

  #backendOnEnd = (): void => {
    if (this.#opts.debug >= 3) this.#opts.log(`backend ${this.#opts.backendName} closed the connection`);
    if (this.#state === 'open') this.#flushCarry();
    this.#close(1000, '', 'keep');
  };

  #backendOnError = (err: NodeJS.ErrnoException): void => {
    if (this.#state === 'open') this.#opts.log(`backend ${this.#opts.backendName} error: ${err.code ?? err.message}`);
    this.#close(1011, 'backend error', 'keep');
  };

  #backendOnClose = (): void => {
    this.#backendClosed = true;
    // a backend that vanishes without 'end' or 'error' still ends the tunnel
    this.#close(1000, '', 'keep');
    this.#maybeDone();
  };

  // ---- the client socket itself -----------------------------------------------------------

  #clientOnEnd = (): void => {
    // FIN without CLOSE: finish our side too (server sockets allow half-open connections)
    this.#clientGone();
    if (!this.#client.writableEnded) this.#client.end();
  };

  #clientOnClose = (): void => {
    this.#clientClosed = true;
    this.#clientGone();
    this.#maybeDone();
  };

  #clientOnError = (err: Error): void => {
    if (this.#opts.debug >= 1) this.#opts.log(`client error on tunnel to ${this.#opts.backendName}: ${err.message}`);
  };

  /** The client went away without a closing handshake: let its data reach the backend, then FIN. */
  #clientGone(): void {
    if (this.#state !== 'open') return;
    this.#aborted = true;
    if (this.#opts.debug >= 3) this.#opts.log(`disconnected from client (code=1006), closing backend ${this.#opts.backendName}`);
    this.#setState('closing');
    this.#deadline = this.#ticker.now + CLOSE_GRACE_S;
    this.#endBackend();
  }

  /** Closes the backend once what the client sent has been handed to it. */
  #endBackend(): void {
    if (this.#backendClosed) return;
    // nothing of ours is waiting: close now, as lighttpd closes the backend fd (the kernel still
    // delivers what it holds, then FIN); else FIN after the queue, and watch for the backend's EOF
    if (this.#backend.writableLength === 0) {
      this.#backend.destroy();
      return;
    }
    if (this.#backendPaused) this.#backend.resume();
    this.#backend.end();
  }

  // ---- closing and timers ---------------------------------------------------------------

  /**
   * Starts closing: CLOSE `code` (null: an empty CLOSE) to the client, then FIN; the backend is
   * ended after its queued bytes ('end'), dropped ('destroy') or left as it is ('keep': it is gone).
   */
  #close(code: number | null, reason: Buffer | string, backend: 'end' | 'destroy' | 'keep'): void {
    if (this.#state !== 'open') return;
    this.#setState('closing');
    this.#deadline = this.#ticker.now + CLOSE_GRACE_S;
    const client = this.#client;
    if (client.writable) {
      client.write(encodeClose(code, reason));
      client.end();
    }
    // the client's answer (and its FIN) must still be read
    if (this.#clientPaused) client.resume();
    if (backend === 'destroy') this.#backend.destroy();
    else if (backend === 'end') this.#endBackend();
  }

  /** Once per second (from the module's ticker). */
  tick(now: number): void {
    if (this.#state !== 'open') {
      if (now >= this.#deadline) this.terminate();
      return;
    }
    const o = this.#opts;
    if (o.maxReadIdle > 0 && now - this.#lastActivity > o.maxReadIdle) {
      if (o.debug >= 3) o.log(`timeout client, closing tunnel to ${o.backendName}`);
      this.#close(1001, 'idle', 'destroy');
      return;
    }
    if (o.readTimeout > 0 && now - this.#lastBackendData > o.readTimeout) {
      o.log(`read timeout on socket: ${o.backendName}`);
      this.#close(1011, 'backend read timeout', 'destroy');
      return;
    }
    if (o.writeTimeout > 0) {
      const written = this.#backend.bytesWritten;
      if (this.#backend.writableLength === 0 || written !== this.#lastBytesWritten) this.#writeStalledSince = now;
      this.#lastBytesWritten = written;
      if (now - this.#writeStalledSince > o.writeTimeout) {
        o.log(`write timeout on socket: ${o.backendName}`);
        this.#close(1011, 'backend write timeout', 'destroy');
        return;
      }
    }
    if (o.pingInterval > 0 && now - this.#lastPing >= o.pingInterval) {
      this.#lastPing = now;
      this.#toClient(encodeFrame(OP_PING, PING_PAYLOAD));
    }
  }

  /** Drops both ends at once (a close that got no answer in time). */
  terminate(): void {
    if (this.#state === 'closed') return;
    this.#backend.destroy();
    this.#client.destroy();
  }

  /** Server shutdown: CLOSE 1001 to the client, backend dropped. */
  shutdown(): void {
    if (this.#state === 'open') this.#aborted = true;
    this.#close(1001, 'server shutdown', 'destroy');
  }

  /** Settles once both ends are closed. */
  whenClosed(): Promise<void> {
    if (this.#state === 'closed') return Promise.resolve();
    return new Promise((resolve) => {
      const before = this.#whenClosed;
      this.#whenClosed = () => {
        before?.();
        resolve();
      };
    });
  }

  #maybeDone(): void {
    if (!this.#clientClosed || !this.#backendClosed || this.#state === 'closed') return;
    this.#setState('closed');
    this.#ticker.delete(this);
    this.#opts.onClosed();
    this.#whenClosed?.();
  }
}

/** Copies `src[start..end)` to `dst` at `at`: a plain loop beats Buffer#copy's setup for a few bytes (chat-sized messages). */
function copyBytes(src: Buffer, start: number, end: number, dst: Buffer, at: number): void {
  if (end - start < SMALL_COPY) for (let i = start; i < end; i++) dst[at++] = src[i] as number;
  else src.copy(dst, at, start, end);
}

/** `bytes[start, end)` copied into frame memory (frames.ts), to be written with writeFrame before the next copy. */
function copyToFrame(bytes: Buffer, start: number, end: number): Buffer {
  const out = allocFrame(end - start);
  copyBytes(bytes, start, end, out, 0);
  return out;
}

/** A TCP client socket gets Nagle-free writes and no inactivity timer (the tunnel keeps its own). */
export function prepareClientSocket(socket: Duplex): void {
  if (!(socket instanceof net.Socket)) return;
  socket.setNoDelay(true);
  socket.setTimeout(0);
}
