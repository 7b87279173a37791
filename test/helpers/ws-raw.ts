/**
 * A raw HTTP/1.1 client for handshake tests: sends exactly the request head given and parses the
 * response head (status and lower-cased headers), keeping the socket for frame-level checks.
 */
import net from 'node:net';

/** A parsed response head plus the socket and any bytes after the head. */
export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly rest: Buffer;
  readonly socket: net.Socket;
}

/** A valid RFC 6455 client key. */
export const SAMPLE_KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

/** The request head of a standard upgrade to `path`, with `extra` headers (null removes one). */
export function upgradeHead(path: string, extra: Readonly<Record<string, string | null>> = {}): string {
  const base: Record<string, string | null> = {
    Host: '127.0.0.1',
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': SAMPLE_KEY,
    'Sec-WebSocket-Version': '13',
    ...extra,
  };
  const lines = Object.entries(base)
    .filter((e): e is [string, string] => e[1] !== null)
    .map(([k, v]) => `${k}: ${v}`);
  return `GET ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}

/** Sends `head` to 127.0.0.1:`port` and resolves with the response head (5 s limit). */
export function rawRequest(port: number, head: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no response head within 5 s'));
    }, 5000);
    socket.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.write(Buffer.from(head, 'latin1'));
    const onData = (d: Buffer): void => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.pause();
      const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
      const status = Number((lines[0] ?? '').split(' ')[1]);
      const headers: Record<string, string> = {};
      for (const l of lines.slice(1)) {
        const i = l.indexOf(':');
        if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      resolve({ status, headers, rest: buf.subarray(end + 4), socket });
    };
    socket.on('data', onData);
  });
}

/** Reads from a paused socket until `n` bytes (after `have`) are there. */
export function readBytes(socket: net.Socket, n: number, have: Buffer = Buffer.alloc(0), ms = 5000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let buf = have;
    if (buf.length >= n) {
      resolve(buf);
      return;
    }
    const timer = setTimeout(() => {
      socket.off('data', onData);
      reject(new Error(`only ${buf.length} of ${n} bytes within ${ms} ms`));
    }, ms);
    const onData = (d: Buffer): void => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= n) {
        clearTimeout(timer);
        socket.off('data', onData);
        socket.pause();
        resolve(buf);
      }
    };
    socket.on('data', onData);
    socket.resume();
  });
}

/** A masked client frame (FIN set unless `fin` is false). */
export function clientFrame(opcode: number, payload: Buffer, fin = true): Buffer {
  const mask = Buffer.from([0x11, 0x22, 0x33, 0x44]);
  const len = payload.length;
  const head = len < 126 ? Buffer.from([(fin ? 0x80 : 0) | opcode, 0x80 | len]) : Buffer.from([(fin ? 0x80 : 0) | opcode, 0x80 | 126, len >> 8, len & 0xff]);
  const body = Buffer.from(payload.map((b, i) => b ^ (mask[i % 4] ?? 0)));
  return Buffer.concat([head, mask, body]);
}
