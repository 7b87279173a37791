/**
 * Reading a backend's response from its socket: the head (interim 1xx heads handed to a callback) and
 * then the body as a Readable with backpressure (the socket is paused while the consumer is full), so a
 * response of any size goes through in bounded memory.
 */
import { Readable } from 'node:stream';
import type { Duplex } from 'node:stream';
import { ChunkedDecoder } from './chunked.js';
import { BadResponseError, findHeadEnd, parseResponseHead, type BodyFraming, type ResponseHead } from './response-head.js';

/** Why no usable head arrived; `status` is what lighttpd answers the client (proxy.md §6.4). */
export class BackendResponseError extends Error {
  readonly status: number;
  readonly code: string;
  /** Not a byte of a response arrived (a reused connection that failed this way may be retried). */
  readonly nothingReceived: boolean;
  constructor(status: number, code: string, message: string, nothingReceived = false) {
    super(message);
    this.status = status;
    this.code = code;
    this.nothingReceived = nothingReceived;
  }
}

/** lighttpd's limit on a backend response head. */
export const MAX_HEAD_BYTES = 64 * 1024;

/** A complete head and the bytes that followed it. */
export interface HeadResult {
  readonly head: ResponseHead;
  readonly rest: Buffer;
}

/**
 * Reads heads from `socket` until a final one (status ≥ 200, or 101); each interim 1xx head is passed to
 * `onInterim`. The socket is left paused with its listeners removed.
 */
export function readResponseHead(socket: Duplex, onInterim: (head: ResponseHead) => void): Promise<HeadResult> {
  return new Promise((resolve, reject) => {
    let buf: Buffer = Buffer.alloc(0);
    let received = 0;
    const finish = (err: BackendResponseError | null, result?: HeadResult): void => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', onError);
      socket.off('close', onClose);
      socket.pause();
      if (err) reject(err);
      else if (result) resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      for (;;) {
        const end = findHeadEnd(buf);
        if (end > MAX_HEAD_BYTES || (end < 0 && buf.length > MAX_HEAD_BYTES)) {
          finish(new BackendResponseError(502, 'TSW_PROXY_HEAD_TOO_LARGE', 'response headers too large'));
          return;
        }
        if (end < 0) return;
        let head: ResponseHead;
        try {
          head = parseResponseHead(buf.toString('latin1', 0, end));
        } catch (e) {
          const msg = e instanceof BadResponseError ? e.message : 'unparsable response head';
          finish(new BackendResponseError(502, 'TSW_PROXY_BAD_RESPONSE', msg));
          return;
        }
        buf = buf.subarray(end);
        if (head.status >= 200 || head.status === 101) {
          finish(null, { head, rest: buf });
          return;
        }
        onInterim(head);
      }
    };
    const onEnd = (): void => {
      const what = received === 0 ? 'response not received' : 'incomplete response head';
      finish(new BackendResponseError(500, 'TSW_PROXY_NO_RESPONSE', what, received === 0));
    };
    const onError = (err: NodeJS.ErrnoException): void => {
      if (err instanceof BackendResponseError) finish(err);
      else finish(new BackendResponseError(500, 'TSW_PROXY_NO_RESPONSE', `response not received (${err.code ?? err.message})`, received === 0));
    };
    const onClose = (): void => {
      finish(new BackendResponseError(500, 'TSW_PROXY_NO_RESPONSE', 'backend connection closed', received === 0));
    };
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('error', onError);
    socket.on('close', onClose);
    socket.resume();
  });
}

/** The body of a backend response, de-framed, with backpressure towards the backend socket. */
export class BackendBody extends Readable {
  readonly #socket: Duplex;
  readonly #framing: BodyFraming;
  #remaining: number;
  readonly #decoder: ChunkedDecoder | null;
  #ended = false;
  #excess: boolean;

  constructor(socket: Duplex, rest: Buffer, framing: BodyFraming) {
    super({ highWaterMark: 64 * 1024 });
    this.#socket = socket;
    this.#framing = framing;
    this.#remaining = framing.kind === 'length' ? framing.length : 0;
    this.#decoder = framing.kind === 'chunked' ? new ChunkedDecoder() : null;
    this.#excess = false;
    if (framing.kind === 'none' || (framing.kind === 'length' && framing.length === 0)) {
      this.#excess = rest.length > 0;
      this.#finish();
      return;
    }
    socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    socket.on('error', this.#onError);
    socket.on('close', this.#onClose);
    if (rest.length > 0) this.#onData(rest);
  }

  /**
   * The body ended exactly where its framing said (no bytes after it, not cut by EOF): the
   * connection is in a clean state for another request.
   */
  get isClean(): boolean {
    return this.#ended && !this.#excess && this.#framing.kind !== 'eof';
  }

  override _read(): void {
    if (!this.#ended) this.#socket.resume();
  }

  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
    this.#detach();
    cb(err);
  }

  #onData = (chunk: Buffer): void => {
    if (this.#ended) return;
    let full = false;
    switch (this.#framing.kind) {
      case 'length': {
        // lighttpd: bytes beyond Content-Length are discarded
        if (chunk.length > this.#remaining) this.#excess = true;
        const part = chunk.length > this.#remaining ? chunk.subarray(0, this.#remaining) : chunk;
        this.#remaining -= part.length;
        full = !this.push(part);
        if (this.#remaining === 0) this.#finish();
        break;
      }
      case 'chunked': {
        const decoder = this.#decoder;
        if (!decoder) return;
        let parts: Buffer[];
        try {
          parts = decoder.feed(chunk);
        } catch (e) {
          this.destroy(e instanceof Error ? e : new Error(String(e)));
          return;
        }
        for (const p of parts) if (!this.push(p)) full = true;
        if (decoder.done) {
          if (decoder.excess.length > 0) this.#excess = true;
          this.#finish();
        }
        break;
      }
      case 'eof':
        full = !this.push(chunk);
        break;
      case 'none':
        break;
    }
    if (full && !this.#ended) this.#socket.pause();
  };

  #onEnd = (): void => {
    if (this.#ended) return;
    if (this.#framing.kind === 'eof') this.#finish();
    else this.destroy(new BackendResponseError(502, 'TSW_PROXY_TRUNCATED', 'backend closed before the end of the body'));
  };

  #onError = (err: Error): void => {
    if (!this.#ended) this.destroy(err);
  };

  #onClose = (): void => {
    if (this.#ended) return;
    if (this.#framing.kind === 'eof') this.#finish();
    else this.destroy(new BackendResponseError(502, 'TSW_PROXY_TRUNCATED', 'backend connection closed before the end of the body'));
  };

  #finish(): void {
    this.#ended = true;
    this.#detach();
    this.push(null);
  }

  #detach(): void {
    this.#socket.off('data', this.#onData);
    this.#socket.off('end', this.#onEnd);
    this.#socket.off('error', this.#onError);
    this.#socket.off('close', this.#onClose);
  }
}
