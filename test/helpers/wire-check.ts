/**
 * Strict readers of what the server sent, for the wire fuzz test: a stream of HTTP/1.x responses
 * (status lines, header lines, framing) up to a 101, and the WebSocket frames after it. Each throws
 * a WireError naming the offset and the bytes when something is malformed.
 */

import { isValidCloseCode } from './wire-ws.js';

/** A malformed answer. */
export class WireError extends Error {
  override readonly name = 'WireError';
}

const STATUS_LINE = /^HTTP\/1\.[01] [1-5][0-9]{2} [\x21-\x7e][\x20-\x7e]*$/;
const HEADER_LINE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+:[\t\x20-\x7e\x80-\xff]*$/;

function show(buf: Buffer, at: number): string {
  return JSON.stringify(buf.subarray(at, at + 120).toString('latin1'));
}

/** What a response stream held. */
export interface HttpAnswers {
  readonly statuses: number[];
  /** Offset of the bytes after a 101 response head, or null. */
  readonly upgradedAt: number | null;
}

function chunkedEnd(buf: Buffer, pos: number): number {
  let p = pos;
  for (;;) {
    const le = buf.indexOf('\r\n', p);
    if (le < 0) return -1;
    const line = buf.subarray(p, le).toString('latin1');
    if (!/^[0-9a-fA-F]+$/.test(line)) throw new WireError(`bad chunk size line at ${p}: ${show(buf, p)}`);
    const size = parseInt(line, 16);
    p = le + 2;
    if (size === 0) break;
    if (buf.length < p + size + 2) return -1;
    if (buf.toString('latin1', p + size, p + size + 2) !== '\r\n') throw new WireError(`chunk not followed by CRLF at ${p + size}`);
    p += size + 2;
  }
  // trailers, then the empty line
  for (;;) {
    const le = buf.indexOf('\r\n', p);
    if (le < 0) return -1;
    if (le === p) return p + 2;
    p = le + 2;
  }
}

/**
 * Reads responses from the start of `buf`. A response cut short is an error unless `mayBeCut` (the
 * client hung up first). A Content-Length body that is absent and followed by the next status line
 * is taken as the answer to a HEAD request.
 */
export function readHttpAnswers(buf: Buffer, mayBeCut: boolean): HttpAnswers {
  const statuses: number[] = [];
  let pos = 0;
  const cut = (what: string): HttpAnswers => {
    if (!mayBeCut) throw new WireError(`${what} cut short at ${pos}: ${show(buf, pos)}`);
    return { statuses, upgradedAt: null };
  };
  while (pos < buf.length) {
    const end = buf.indexOf('\r\n\r\n', pos);
    if (end < 0) {
      if (!'HTTP/1.'.startsWith(buf.toString('latin1', pos, pos + 7))) {
        throw new WireError(`not a status line at ${pos}: ${show(buf, pos)}`);
      }
      return cut('response head');
    }
    const lines = buf.toString('latin1', pos, end).split('\r\n');
    const statusLine = lines[0] ?? '';
    if (!STATUS_LINE.test(statusLine)) throw new WireError(`malformed status line at ${pos}: ${show(buf, pos)}`);
    const status = Number(statusLine.slice(9, 12));
    statuses.push(status);
    const headers = new Map<string, string>();
    for (const line of lines.slice(1)) {
      if (!HEADER_LINE.test(line)) throw new WireError(`malformed header line ${JSON.stringify(line)} in the answer at ${pos}`);
      const c = line.indexOf(':');
      headers.set(line.slice(0, c).toLowerCase(), line.slice(c + 1).trim());
    }
    pos = end + 4;
    if (status === 101) return { statuses, upgradedAt: pos };
    if (status < 200 || status === 204 || status === 304) continue;
    const te = headers.get('transfer-encoding');
    const cl = headers.get('content-length');
    if (te !== undefined) {
      if (te.toLowerCase() !== 'chunked' || cl !== undefined) throw new WireError(`bad framing (Transfer-Encoding ${te}, Content-Length ${cl ?? '-'}) at ${pos}`);
      const next = chunkedEnd(buf, pos);
      if (next < 0) return cut('chunked body');
      pos = next;
    } else if (cl !== undefined) {
      if (!/^[0-9]+$/.test(cl)) throw new WireError(`bad Content-Length ${JSON.stringify(cl)}`);
      const length = Number(cl);
      const head = buf.toString('latin1', pos, pos + 7);
      if (length > 0 && (head === 'HTTP/1.' || pos === buf.length)) continue; // HEAD
      if (buf.length < pos + length) return cut('body');
      pos += length;
    } else {
      return { statuses, upgradedAt: null }; // the body runs to the close
    }
  }
  return { statuses, upgradedAt: null };
}

/** What the server sent after a 101. */
export interface ServerFrames {
  /** Payloads of data frames, joined. */
  readonly data: Buffer;
  readonly pongs: Buffer[];
  /** The CLOSE: its code, null when empty, 'none' when none came. */
  readonly close: number | null | 'none';
}

/** Reads server frames from `buf[at..]`: unmasked, FIN set, RSV clear, known opcodes, minimal lengths, nothing after CLOSE. */
export function readServerFrames(buf: Buffer, at: number, mayBeCut: boolean): ServerFrames {
  const data: Buffer[] = [];
  const pongs: Buffer[] = [];
  let pos = at;
  while (pos < buf.length) {
    const where = `server frame at ${pos - at}`;
    if (buf.length < pos + 2) break;
    const b0 = buf[pos] as number;
    const b1 = buf[pos + 1] as number;
    const opcode = b0 & 0x0f;
    if ((b0 & 0xf0) !== 0x80 || (b1 & 0x80) !== 0 || ![1, 2, 8, 9, 10].includes(opcode)) throw new WireError(`${where}: bad first bytes ${b0.toString(16)} ${b1.toString(16)}`);
    const l7 = b1 & 0x7f;
    let len = l7;
    let p = pos + 2;
    if (l7 === 126) {
      if (buf.length < p + 2) break;
      len = buf.readUInt16BE(p);
      p += 2;
      if (len < 126) throw new WireError(`${where}: 16-bit length ${len} not minimal`);
    } else if (l7 === 127) {
      if (buf.length < p + 8) break;
      const big = buf.readBigUInt64BE(p);
      p += 8;
      if (big < 65536n || big >= 1n << 53n) throw new WireError(`${where}: 64-bit length ${big} not minimal or too big`);
      len = Number(big);
    }
    if (opcode >= 8 && len > 125) throw new WireError(`${where}: control frame of ${len} bytes`);
    if (buf.length < p + len) break;
    const payload = buf.subarray(p, p + len);
    pos = p + len;
    if (opcode === 1 || opcode === 2) data.push(payload);
    else if (opcode === 10) pongs.push(payload);
    else if (opcode === 8) {
      if (pos !== buf.length) throw new WireError(`${where}: ${buf.length - pos} bytes after the CLOSE`);
      if (len === 0) return { data: Buffer.concat(data), pongs, close: null };
      const code = len >= 2 ? payload.readUInt16BE(0) : -1;
      if (!isValidCloseCode(code)) throw new WireError(`${where}: CLOSE with code ${code}`);
      return { data: Buffer.concat(data), pongs, close: code };
    }
  }
  if (pos < buf.length && !mayBeCut) throw new WireError(`server frame cut short at ${pos - at}: ${buf.length - pos} bytes`);
  return { data: Buffer.concat(data), pongs, close: 'none' };
}
