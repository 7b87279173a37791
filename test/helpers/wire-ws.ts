/**
 * Client frames for the wire fuzz test: random RFC 6455 frames (valid ones, reserved opcodes, RSV
 * bits, unmasked frames, 16/64-bit lengths that lie, fragmented control frames, bad UTF-8 in close
 * reasons, random close codes) and a small reference of what a conforming server does with them:
 * which payload bytes reach the backend, which pings it answers, and how it closes.
 */
import type { Rng } from './config-gen.js';

/** One generated frame. `declared` is the length written in the header (it may lie). */
export interface FrameSpec {
  readonly fin: boolean;
  readonly rsv: number;
  readonly opcode: number;
  readonly masked: boolean;
  readonly lengthForm: 7 | 16 | 64;
  readonly declared: bigint;
  readonly mask: Buffer;
  readonly payload: Buffer;
}

const CLOSE_CODES = [1000, 1001, 1002, 1003, 1007, 1008, 1011, 1014, 3000, 4999, 0, 999, 1004, 1005, 1006, 1015, 2000, 2999, 5000, 65535];
const BAD_UTF8 = [Buffer.from([0xc3]), Buffer.from([0xff, 0xfe]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xe2, 0x82])];

function bytes(rng: Rng, n: number): Buffer {
  return Buffer.from(Array.from({ length: n }, () => rng.int(256)));
}

function payloadFor(rng: Rng, opcode: number): Buffer {
  if (opcode === 8) {
    if (rng.chance(0.15)) return rng.chance(0.5) ? Buffer.alloc(0) : bytes(rng, 1);
    const code = Buffer.alloc(2);
    code.writeUInt16BE(rng.chance(0.6) ? rng.pick(CLOSE_CODES.slice(0, 10)) : rng.chance(0.5) ? rng.pick(CLOSE_CODES) : rng.int(65536));
    const reason = rng.chance(0.2) ? rng.pick(BAD_UTF8) : Buffer.from('bye ü'.repeat(rng.int(4)));
    return Buffer.concat([code, reason]);
  }
  if (rng.chance(0.2)) return Buffer.from('täxt ✓ '.repeat(rng.int(5)));
  if (rng.chance(0.2)) return Buffer.from(bytes(rng, rng.int(90)).toString('base64')); // for base64 tunnels
  if (rng.chance(0.1)) return rng.pick(BAD_UTF8);
  return bytes(rng, rng.chance(0.05) ? 126 + rng.int(70_000) : rng.int(opcode >= 8 ? 126 : 200));
}

/** A random frame; `valid` keeps it within the rules (the message state is the caller's concern). */
export function randomFrame(rng: Rng, opcode: number, fin: boolean, valid: boolean): FrameSpec {
  let payload = payloadFor(rng, opcode);
  if (valid && isControl(opcode)) payload = opcode === 8 && (payload.length === 1 || payload.length > 125) ? Buffer.alloc(0) : payload.subarray(0, 125);
  const len = BigInt(payload.length);
  let lengthForm: 7 | 16 | 64 = payload.length < 126 ? 7 : payload.length < 65536 ? 16 : 64;
  if (rng.chance(0.1) && !isControl(opcode) && payload.length < 65536) lengthForm = 64; // not minimal, but accepted
  let declared = len;
  if (!valid && rng.chance(0.3)) {
    lengthForm = 64;
    declared = rng.pick([len + 1000n, 1n << 32n, (1n << 53n) - 1n, 1n << 53n, 1n << 63n, (1n << 64n) - 1n]);
  }
  return { fin, rsv: !valid && rng.chance(0.2) ? 1 + rng.int(7) : 0, opcode, masked: valid || !rng.chance(0.1), lengthForm, declared, mask: bytes(rng, 4), payload };
}

/** A sequence of frames: messages (some fragmented, with pings between fragments), junk, maybe a CLOSE. */
export function randomFrames(rng: Rng): FrameSpec[] {
  const out: FrameSpec[] = [];
  for (let n = 1 + rng.int(6); n > 0; n--) {
    const r = rng.next();
    if (r < 0.45) {
      const opcode = rng.chance(0.5) ? 1 : 2;
      const parts = rng.chance(0.7) ? 1 : 2 + rng.int(3);
      for (let p = 0; p < parts; p++) {
        out.push(randomFrame(rng, p === 0 ? opcode : 0, p === parts - 1, true));
        if (p < parts - 1 && rng.chance(0.3)) out.push(randomFrame(rng, rng.pick([9, 10]), true, true));
      }
    } else if (r < 0.6) {
      out.push(randomFrame(rng, rng.pick([9, 10]), true, true));
    } else {
      // anything: reserved opcodes, stray continuations, fragmented control frames, bad bits and lengths
      out.push(randomFrame(rng, rng.int(16), rng.chance(0.7), false));
    }
  }
  if (rng.chance(0.5)) out.push(randomFrame(rng, 8, true, rng.chance(0.6)));
  return out;
}

/** The bytes of a frame on the wire (payload masked when `masked`). */
export function encodeFrame(f: FrameSpec): Buffer {
  const ext = f.lengthForm === 7 ? 0 : f.lengthForm === 16 ? 2 : 8;
  const head = Buffer.alloc(2 + ext + (f.masked ? 4 : 0));
  head[0] = (f.fin ? 0x80 : 0) | (f.rsv << 4) | f.opcode;
  const l7 = f.lengthForm === 7 ? Number(f.declared) : f.lengthForm === 16 ? 126 : 127;
  head[1] = (f.masked ? 0x80 : 0) | (l7 & 0x7f);
  if (f.lengthForm === 16) head.writeUInt16BE(Number(f.declared & 0xffffn), 2);
  if (f.lengthForm === 64) head.writeBigUInt64BE(f.declared & 0xffffffffffffffffn, 2);
  if (!f.masked) return Buffer.concat([head, f.payload]);
  f.mask.copy(head, 2 + ext);
  return Buffer.concat([head, f.payload.map((b, i) => b ^ (f.mask[i % 4] as number))]);
}

/** What a conforming server does with a frame sequence sent whole. */
export interface FrameVerdict {
  /** Payload bytes of data frames, as the backend gets them (unmasked). */
  readonly forwarded: Buffer;
  /** Payloads of the pings the server answers, in order. */
  readonly pings: Buffer[];
  /** The server's CLOSE: an echoed or protocol-error code, null for an empty CLOSE, 'none' when the stream just stops. */
  readonly close: number | null | 'none';
}

/** The close codes RFC 6455 §7.4 lets an endpoint send (the test's own table, not the server's). */
export function isValidCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999);
}

function isControl(opcode: number): boolean {
  return opcode >= 8;
}

/** Header faults in RFC 6455 order of checking; 1002 for all of them, 1009 for an oversized length. */
function headerFault(f: FrameSpec, inMessage: boolean): number | null {
  if (f.rsv !== 0) return 1002;
  if (isControl(f.opcode)) {
    if (f.opcode > 10 || !f.fin || f.lengthForm !== 7) return 1002;
  } else if (f.opcode === 0) {
    if (!inMessage) return 1002;
  } else if (f.opcode <= 2) {
    if (inMessage) return 1002;
  } else {
    return 1002;
  }
  if (!f.masked) return 1002;
  if (f.declared >= 1n << 63n) return 1002;
  if (f.declared > (1n << 53n) - 1n) return 1009;
  return null;
}

/** websockify's base64 as the tunnel takes it: whitespace ignored, padded to a multiple of 4. */
function isStrictBase64(b: Buffer): boolean {
  const s = b.toString('latin1').replace(/[\r\n\t ]+/g, '');
  return s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s);
}

/**
 * Runs `frames` through RFC 6455's rules; a frame whose declared length exceeds what follows swallows
 * the rest. A base64 tunnel checks each whole message (1007 when it is not base64); `forwarded` then
 * holds the raw payload, not what the backend gets.
 */
export function judgeFrames(frames: readonly FrameSpec[], base64: boolean): FrameVerdict {
  const wire = frames.map(encodeFrame);
  const forwarded: Buffer[] = [];
  const pings: Buffer[] = [];
  let inMessage = false;
  let message: Buffer[] = [];
  for (let i = 0; i < frames.length; i++) {
    const f = frames[i] as FrameSpec;
    const fault = headerFault(f, inMessage);
    if (fault !== null) return { forwarded: Buffer.concat(forwarded), pings, close: fault };
    const rest = Buffer.concat([f.payload, ...wire.slice(i + 1)]);
    if (f.declared > BigInt(rest.length)) {
      // everything after the header is this frame's payload (still masked with its key)
      const swallowed = Buffer.concat(wire.slice(i + 1));
      for (let j = 0; j < swallowed.length; j++) swallowed[j] = (swallowed[j] as number) ^ (f.mask[(f.payload.length + j) % 4] as number);
      if (!isControl(f.opcode)) forwarded.push(f.payload, swallowed);
      return { forwarded: Buffer.concat(forwarded), pings, close: 'none' };
    }
    if (!isControl(f.opcode)) {
      forwarded.push(f.payload);
      inMessage = !f.fin;
      message.push(f.payload);
      if (f.fin) {
        if (base64 && !isStrictBase64(Buffer.concat(message))) return { forwarded: Buffer.concat(forwarded), pings, close: 1007 };
        message = [];
      }
    } else if (f.opcode === 9) {
      pings.push(f.payload);
    } else if (f.opcode === 8) {
      const p = f.payload;
      if (p.length === 0) return { forwarded: Buffer.concat(forwarded), pings, close: null };
      if (p.length === 1 || !isValidCloseCode(p.readUInt16BE(0))) return { forwarded: Buffer.concat(forwarded), pings, close: 1002 };
      return { forwarded: Buffer.concat(forwarded), pings, close: isUtf8Strict(p.subarray(2)) ? p.readUInt16BE(0) : 1007 };
    }
  }
  return { forwarded: Buffer.concat(forwarded), pings, close: 'none' };
}

function isUtf8Strict(b: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
}
