/**
 * Unmasking client payloads in place (RFC 6455 §5.3). Short runs are XORed in JavaScript; longer
 * ones go to the native `bufferutil` (what `ws` uses), which works on whole words.
 */
import { createRequire } from 'node:module';

interface BufferUtil {
  unmask(buffer: Uint8Array, mask: Uint8Array): void;
}

const require = createRequire(import.meta.url);
const native = require('bufferutil') as BufferUtil;

/** Below this many bytes a JavaScript loop beats the call into native code. */
const NATIVE_FROM = 64;
/** Scratch for the native call's mask argument (used synchronously only). */
const scratch = Buffer.allocUnsafeSlow(4);

/**
 * XORs `buf[start, end)` with the 4-byte `mask` (big-endian word) as if `buf[start]` were `offset`
 * bytes into the frame's payload (the mask position carries over from one read to the next).
 */
export function unmaskInPlace(buf: Uint8Array, start: number, end: number, mask: number, offset: number): void {
  if (mask === 0) return;
  const shift = (offset & 3) * 8;
  // rotate so that byte 0 of `word` is the mask byte for buf[start]
  const word = shift === 0 ? mask : ((mask << shift) | (mask >>> (32 - shift))) >>> 0;
  if (end - start >= NATIVE_FROM) {
    scratch.writeUInt32BE(word, 0);
    native.unmask(start === 0 && end === buf.length ? buf : buf.subarray(start, end), scratch);
    return;
  }
  const m0 = word >>> 24;
  const m1 = (word >>> 16) & 0xff;
  const m2 = (word >>> 8) & 0xff;
  const m3 = word & 0xff;
  let i = start;
  for (; i + 3 < end; i += 4) {
    buf[i] = (buf[i] as number) ^ m0;
    buf[i + 1] = (buf[i + 1] as number) ^ m1;
    buf[i + 2] = (buf[i + 2] as number) ^ m2;
    buf[i + 3] = (buf[i + 3] as number) ^ m3;
  }
  if (i < end) buf[i] = (buf[i] as number) ^ m0;
  if (i + 1 < end) buf[i + 1] = (buf[i + 1] as number) ^ m1;
  if (i + 2 < end) buf[i + 2] = (buf[i + 2] as number) ^ m2;
}
