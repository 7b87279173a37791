/**
 * Frames the server sends (RFC 6455 §5.2): always FIN, never masked, never fragmented — one
 * complete frame per backend read, as lighttpd's mod_wstunnel does (wstunnel.md §6–§7).
 */

/** Frames of this size and up are cut from our own slab (Node's pool stops at 4 KiB). */
const SLAB_FROM = 2048;
const SLAB_SIZE = 256 * 1024;
let slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
let slabUsed = 0;

/**
 * Memory for an outgoing frame of `size` bytes, uninitialised. Small sizes come from Node's buffer
 * pool; larger ones are cut from a 256 KiB slab (a view, no allocation of its own), so a tunnel
 * moving 4–64 KiB reads does not allocate and free a buffer per frame. A slab lives on while any
 * frame cut from it waits in a socket's write queue.
 */
export function allocFrame(size: number): Buffer {
  if (size < SLAB_FROM) return Buffer.allocUnsafe(size);
  if (size > SLAB_SIZE / 2) return Buffer.allocUnsafeSlow(size);
  if (slabUsed + size > SLAB_SIZE) {
    slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
    slabUsed = 0;
  }
  const out = slab.subarray(slabUsed, slabUsed + size);
  slabUsed = (slabUsed + size + 7) & ~7;
  return out;
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
