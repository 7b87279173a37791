/**
 * The client side of RFC 6455 framing as a plain state machine: feed it the bytes a client sends,
 * in chunks of any size, and it reports payload bytes, control frames and protocol errors to a sink.
 *
 * Data frames are streamed, not reassembled (lighttpd's mod_wstunnel does the same, wstunnel.md §5):
 * every piece of payload is reported as soon as it arrives, unmasked, as a range of the chunk (no
 * view is made per frame). The parser unmasks in place, so it must own the chunks it is given. Control frames (≤ 125 bytes) are
 * collected and reported whole.
 *
 * Rules are RFC 6455's, as lighttpd ≥ 1.4.83 enforces them (close 1002): RSV bits clear (nothing
 * negotiates an extension), known opcodes, masked, control frames unfragmented and ≤ 125 bytes,
 * continuation frames only inside a fragmented message and a new message only after the last one
 * ended, 64-bit lengths with the top bit clear; lengths beyond 2^53 − 1 are 1009. A CLOSE must carry
 * no payload or a valid code, and a UTF-8 reason (1007 otherwise). Text payload is not checked for
 * UTF-8: the tunnel forwards bytes (lighttpd does not check either).
 */
import { isUtf8 } from 'node:buffer';
import { unmaskInPlace } from './mask.js';

/** The type of a data message: 1 text, 2 binary. */
export type MessageType = 1 | 2;

/** A protocol error: a stable `code` and the close code to answer with. */
export class FrameError extends Error {
  readonly code: string;
  readonly closeCode: number;

  constructor(code: string, closeCode: number, message: string) {
    super(message);
    this.name = 'FrameError';
    this.code = code;
    this.closeCode = closeCode;
  }
}

/** What the parser reports; every call is synchronous, from within `write()`. */
export interface FrameSink {
  /**
   * Payload bytes of a data frame, unmasked: `chunk[start, end)` (valid during the call only).
   * `last` marks the end of a message (its FIN frame is complete); a message's final frame may be
   * empty, then `start` = `end`. Empty non-final frames are not reported.
   */
  frameData(chunk: Buffer, start: number, end: number, type: MessageType, last: boolean): void;
  framePing(payload: Buffer): void;
  framePong(payload: Buffer): void;
  /** A CLOSE frame: its code (1005 when it had no payload) and reason bytes. Nothing follows. */
  frameClose(code: number, reason: Buffer): void;
  /** A protocol error; nothing follows. */
  frameError(err: FrameError): void;
}

const OP_CONTINUATION = 0;
const OP_TEXT = 1;
const OP_BINARY = 2;
const OP_CLOSE = 8;
const OP_PING = 9;
const OP_PONG = 10;

const HEADER = 0;
const PAYLOAD = 1;
const DONE = 2;

const EMPTY = Buffer.alloc(0);
/** 2^53 − 1 split at 32 bits: the high word may be at most this. */
const MAX_HIGH_WORD = 0x1fffff;

/** True for the close codes a peer may send (RFC 6455 §7.4; ws's isValidStatusCode). */
export function isValidCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999);
}

/** Header bytes a frame needs, from its second byte: 2 + extended length + 4 mask bytes. */
function headerSize(b1: number): number {
  const l7 = b1 & 0x7f;
  return (l7 === 126 ? 4 : l7 === 127 ? 10 : 2) + ((b1 & 0x80) !== 0 ? 4 : 0);
}

/** Incremental RFC 6455 frame parser for frames a client sends (masked). */
export class FrameParser {
  readonly #sink: FrameSink;
  #state = HEADER;
  /** A header split across chunks is gathered here (at most 14 bytes). */
  #head: Buffer | null = null;
  #headLen = 0;
  #opcode = 0;
  #fin = false;
  #mask = 0;
  /** Payload bytes of the current frame not seen yet, and those already seen (for the mask). */
  #remaining = 0;
  #seen = 0;
  /** Type of the fragmented message in progress (0 = none). */
  #message = 0;
  /** A control frame's payload being collected across chunks. */
  #control: Buffer | null = null;

  constructor(sink: FrameSink) {
    this.#sink = sink;
  }

  /** True once a CLOSE or a protocol error ended the stream. */
  get done(): boolean {
    return this.#state === DONE;
  }

  /** Feeds `chunk[0, end)` (default: all of it); reports to the sink as frames come complete. */
  write(chunk: Buffer, end = chunk.length): void {
    let pos = 0;
    while (pos < end) {
      if (this.#state === HEADER) pos = this.#readHeader(chunk, pos, end);
      else if (this.#state === PAYLOAD) pos = this.#readPayload(chunk, pos, end);
      else return;
    }
  }

  #readHeader(chunk: Buffer, pos: number, end: number): number {
    const avail = end - pos;
    if (this.#headLen === 0 && avail >= 2) {
      const b1 = chunk[pos + 1] as number;
      const need = headerSize(b1);
      if (avail >= need) {
        if (!this.#start(chunk[pos] as number, b1)) return end;
        return this.#lengthAndMask(chunk, pos) ? pos + need : end;
      }
    }
    // slow path: the header is split across chunks
    const head = (this.#head ??= Buffer.allocUnsafe(14));
    let p = pos;
    while (this.#headLen < 2 && p < end) head[this.#headLen++] = chunk[p++] as number;
    if (this.#headLen < 2) return p;
    const had = this.#headLen - (p - pos);
    if (had < 2 && !this.#start(head[0] as number, head[1] as number)) return end;
    const need = headerSize(head[1] as number);
    while (this.#headLen < need && p < end) head[this.#headLen++] = chunk[p++] as number;
    if (this.#headLen < need) return p;
    this.#headLen = 0;
    return this.#lengthAndMask(head, 0) ? p : end;
  }

  /** Checks the first two header bytes; false after reporting an error. */
  #start(b0: number, b1: number): boolean {
    if ((b0 & 0x70) !== 0) return this.#fail('TSW_WS_RSV', 1002, 'RSV bits must be clear');
    const opcode = b0 & 0x0f;
    const fin = (b0 & 0x80) !== 0;
    const l7 = b1 & 0x7f;
    if (opcode >= OP_CLOSE) {
      if (opcode > OP_PONG) return this.#fail('TSW_WS_OPCODE', 1002, `invalid opcode ${opcode}`);
      if (!fin) return this.#fail('TSW_WS_CONTROL_FRAGMENTED', 1002, 'FIN must be set on a control frame');
      if (l7 > 125) return this.#fail('TSW_WS_CONTROL_LENGTH', 1002, `invalid control frame length ${l7}`);
    } else if (opcode === OP_CONTINUATION) {
      if (this.#message === 0) return this.#fail('TSW_WS_CONTINUATION', 1002, 'continuation frame without a message');
    } else if (opcode === OP_TEXT || opcode === OP_BINARY) {
      if (this.#message !== 0) return this.#fail('TSW_WS_CONTINUATION', 1002, `opcode ${opcode} inside a fragmented message`);
    } else {
      return this.#fail('TSW_WS_OPCODE', 1002, `invalid opcode ${opcode}`);
    }
    if ((b1 & 0x80) === 0) return this.#fail('TSW_WS_UNMASKED', 1002, 'client frames must be masked');
    this.#opcode = opcode;
    this.#fin = fin;
    return true;
  }

  /** Reads the length and mask of a checked header at `at`; false after reporting an error. */
  #lengthAndMask(buf: Buffer, at: number): boolean {
    const l7 = (buf[at + 1] as number) & 0x7f;
    let len = l7;
    let p = at + 2;
    if (l7 === 126) {
      len = buf.readUInt16BE(p);
      p += 2;
    } else if (l7 === 127) {
      const high = buf.readUInt32BE(p);
      if (high > MAX_HIGH_WORD) {
        if (high >= 0x80000000) return this.#fail('TSW_WS_LENGTH', 1002, 'the top bit of a 64-bit length must be clear');
        return this.#fail('TSW_WS_TOO_BIG', 1009, 'payload length > 2^53 - 1');
      }
      len = high * 0x100000000 + buf.readUInt32BE(p + 4);
      p += 8;
    }
    this.#mask = buf.readUInt32BE(p);
    this.#remaining = len;
    this.#seen = 0;
    const op = this.#opcode;
    if (op < OP_CLOSE) {
      if (op !== OP_CONTINUATION) this.#message = op;
      if (len > 0) {
        this.#state = PAYLOAD;
        return true;
      }
      if (this.#fin) {
        const type = this.#message as MessageType;
        this.#message = 0;
        this.#sink.frameData(EMPTY, 0, 0, type, true);
      }
      return true;
    }
    if (len > 0) {
      this.#state = PAYLOAD;
      return true;
    }
    this.#control = null;
    this.#dispatchControl(EMPTY);
    return true;
  }

  #readPayload(chunk: Buffer, pos: number, end: number): number {
    const left = this.#remaining;
    const take = Math.min(left, end - pos);
    const stop = pos + take;
    unmaskInPlace(chunk, pos, stop, this.#mask, this.#seen);
    this.#seen += take;
    this.#remaining = left - take;
    const complete = this.#remaining === 0;
    if (complete) this.#state = HEADER;
    if (this.#opcode < OP_CLOSE) {
      const type = this.#message as MessageType;
      const last = complete && this.#fin;
      if (last) this.#message = 0;
      this.#sink.frameData(chunk, pos, stop, type, last);
      return stop;
    }
    const view = chunk.subarray(pos, stop);
    if (complete && this.#control === null) {
      this.#dispatchControl(view);
      return stop;
    }
    const total = this.#seen + this.#remaining;
    const control = (this.#control ??= Buffer.allocUnsafe(total));
    view.copy(control, this.#seen - take);
    if (complete) {
      this.#control = null;
      this.#dispatchControl(control);
    }
    return stop;
  }

  #dispatchControl(payload: Buffer): void {
    switch (this.#opcode) {
      case OP_PING:
        this.#sink.framePing(payload);
        return;
      case OP_PONG:
        this.#sink.framePong(payload);
        return;
      default:
        this.#close(payload);
    }
  }

  #close(payload: Buffer): void {
    if (payload.length === 0) {
      this.#state = DONE;
      this.#sink.frameClose(1005, EMPTY);
      return;
    }
    if (payload.length === 1) {
      this.#fail('TSW_WS_CLOSE_LENGTH', 1002, 'invalid close frame length 1');
      return;
    }
    const code = payload.readUInt16BE(0);
    if (!isValidCloseCode(code)) {
      this.#fail('TSW_WS_CLOSE_CODE', 1002, `invalid close code ${code}`);
      return;
    }
    const reason = payload.subarray(2);
    if (!isUtf8(reason)) {
      this.#fail('TSW_WS_CLOSE_UTF8', 1007, 'close reason is not valid UTF-8');
      return;
    }
    this.#state = DONE;
    this.#sink.frameClose(code, reason);
  }

  #fail(code: string, closeCode: number, message: string): false {
    this.#state = DONE;
    this.#sink.frameError(new FrameError(code, closeCode, message));
    return false;
  }
}
