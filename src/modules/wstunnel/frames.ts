/**
 * Frames the server sends (RFC 6455 §5.2): always FIN, never masked, never fragmented — one
 * complete frame per backend read, as lighttpd's mod_wstunnel does (wstunnel.md §6–§7).
 */
/** Where frames are written: a socket, or anything with its write and queue length. */
export interface FrameWriter {
  write(data: Uint8Array, callback?: () => void): boolean;
  readonly writableLength: number;
}

/** Frames are cut from slabs of this size (larger frames get a buffer of their own). */
const SLAB_SIZE = 1024 * 1024;
/** Finished slabs kept for reuse. */
const MAX_SPARE_SLABS = 3;

/** A slab of frame memory and how many of its frames still wait in some socket's write queue. */
class Slab {
  readonly buf = Buffer.allocUnsafeSlow(SLAB_SIZE);
  used = 0;
  pending = 0;
  /**
   * The two views handed out last, and where they start: a frame the socket took at once gives its
   * memory back, so the next frame starts at the same place and, in a request-response exchange, has
   * one of two sizes (the request's payload, the reply's frame). Same place and size: same view, no
   * new Buffer object per frame.
   */
  #a: Buffer | null = null;
  #aStart = 0;
  #b: Buffer | null = null;
  #bStart = 0;
  /** Write callback of every frame cut from this slab. */
  readonly done = (): void => {
    if (--this.pending === 0 && this !== current && spare.length < MAX_SPARE_SLABS) spare.push(this);
  };

  /** `buf[start, start + size)` as a Buffer. */
  view(start: number, size: number): Buffer {
    const a = this.#a;
    if (a !== null && this.#aStart === start && a.length === size) return a;
    const b = this.#b;
    if (b !== null && this.#bStart === start && b.length === size) return b;
    const v = this.buf.subarray(start, start + size);
    this.#b = a;
    this.#bStart = this.#aStart;
    this.#a = v;
    this.#aStart = start;
    return v;
  }
}

const spare: Slab[] = [];
let current = new Slab();
/** The last frame cut from `current`, where it starts, and where the slab's free part began after it. */
let lastFrame: Buffer | null = null;
let lastStart = 0;
let lastEnd = 0;

/**
 * Memory for an outgoing frame of `size` bytes, uninitialised, to be written with `writeFrame`
 * before the next call. Frames are cut from 1 MiB slabs: a frame that the socket took at once is
 * given back right away, and a slab whose queued frames have all been written is used again, so a
 * busy tunnel neither allocates nor page-faults per frame (a fresh 64 KiB buffer per read did both).
 */
export function allocFrame(size: number): Buffer {
  if (size > SLAB_SIZE / 4) {
    lastFrame = null;
    return Buffer.allocUnsafeSlow(size);
  }
  let slab = current;
  if (slab.used + size > SLAB_SIZE) {
    if (slab.pending > 0) {
      slab = spare.pop() ?? new Slab();
      current = slab;
    }
    slab.used = 0;
  }
  const start = slab.used;
  const end = (start + size + 7) & ~7;
  slab.used = end;
  const frame = slab.view(start, size);
  lastFrame = frame;
  lastStart = start;
  lastEnd = end;
  return frame;
}

/**
 * Writes a frame from `allocFrame` to `socket`; returns the socket's queued length afterwards.
 * `reuse`: the socket copies what it takes at once (a TCP socket does), so a frame written through
 * can be overwritten by the next one.
 */
export function writeFrame(socket: FrameWriter, frame: Buffer, reuse: boolean): number {
  if (frame !== lastFrame) {
    socket.write(frame);
    return socket.writableLength;
  }
  const slab = current;
  slab.pending++;
  socket.write(frame, slab.done);
  const queued = socket.writableLength;
  if (queued === 0 && reuse && slab.used === lastEnd) slab.used = lastStart;
  return queued;
}

/** Opcodes the tunnel sends. */
export const OP_TEXT = 1;
export const OP_BINARY = 2;
export const OP_CLOSE = 8;
export const OP_PING = 9;
export const OP_PONG = 10;

/** Header bytes for a payload of `len` bytes (7-bit, 16-bit or 64-bit length). */
export function headerSize(len: number): number {
  return len < 126 ? 2 : len < 0x10000 ? 4 : 10;
}

/** Writes a frame header for `len` payload bytes at `at`; returns where the payload starts. */
export function writeHeader(buf: Buffer, at: number, opcode: number, len: number): number {
  buf[at] = 0x80 | opcode;
  if (len < 126) {
    buf[at + 1] = len;
    return at + 2;
  }
  if (len < 0x10000) {
    buf[at + 1] = 126;
    buf.writeUInt16BE(len, at + 2);
    return at + 4;
  }
  buf[at + 1] = 127;
  buf.writeUInt32BE(Math.floor(len / 0x100000000), at + 2);
  buf.writeUInt32BE(len >>> 0, at + 6);
  return at + 10;
}

/** A whole frame: header and a copy of `payload` in one buffer (one write, one syscall). */
export function encodeFrame(opcode: number, payload: Uint8Array): Buffer {
  const len = payload.length;
  const out = allocFrame(headerSize(len) + len);
  const at = writeHeader(out, 0, opcode, len);
  out.set(payload, at);
  return out;
}

/** A frame whose payload is `text` (latin1 or UTF-8, as given). */
export function encodeTextFrame(opcode: number, text: string, encoding: 'latin1' | 'utf8'): Buffer {
  const len = Buffer.byteLength(text, encoding);
  const out = allocFrame(headerSize(len) + len);
  out.write(text, writeHeader(out, 0, opcode, len), encoding);
  return out;
}

/** A CLOSE frame: empty for `code` null (or 1005, "no code"), else the 2-byte code and the reason. */
export function encodeClose(code: number | null, reason: Uint8Array | string = ''): Buffer {
  if (code === null || code === 1005) return Buffer.from([0x80 | OP_CLOSE, 0]);
  const why = typeof reason === 'string' ? Buffer.from(reason) : reason;
  // a control frame carries at most 125 bytes
  const len = 2 + Math.min(why.length, 123);
  const out = Buffer.allocUnsafe(2 + len);
  out[0] = 0x80 | OP_CLOSE;
  out[1] = len;
  out.writeUInt16BE(code, 2);
  out.set(why.subarray(0, len - 2), 4);
  return out;
}
