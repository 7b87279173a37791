/**
 * Raw HTTP over a TCP socket: send exact bytes, read responses (several, for pipelining) and whether
 * the server closed the connection. Bounded by a timeout.
 */
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

/** One parsed response. */
export interface RawResponse {
  /** `HTTP/1.1 200 OK`. */
  readonly statusLine: string;
  readonly status: number;
  /** Headers in order, names as sent. */
  readonly headerList: readonly [string, string][];
  /** First value by lower-case name. */
  header(name: string): string | undefined;
  readonly body: Buffer;
}

/** What came back on one connection. */
export interface RawExchange {
  readonly responses: RawResponse[];
  /** The server closed the connection (before our timeout). */
  readonly closed: boolean;
  readonly raw: Buffer;
}

function parseResponses(buf: Buffer, headRequests: readonly boolean[]): RawResponse[] {
  const out: RawResponse[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const end = buf.indexOf('\r\n\r\n', pos);
    if (end < 0) break;
    const head = buf.subarray(pos, end).toString('latin1').split('\r\n');
    const statusLine = head[0] ?? '';
    const headerList: [string, string][] = head.slice(1).map((l) => {
      const c = l.indexOf(':');
      return [l.slice(0, c), l.slice(c + 1).trim()];
    });
    const get = (n: string): string | undefined => headerList.find(([k]) => k.toLowerCase() === n)?.[1];
    const status = Number(statusLine.split(' ')[1]);
    let bodyStart = end + 4;
    let body: Buffer = Buffer.alloc(0);
    const isHead = headRequests[out.length] === true;
    if (!isHead && status !== 304 && status !== 204) {
      const cl = get('content-length');
      if (cl !== undefined) {
        body = buf.subarray(bodyStart, bodyStart + Number(cl));
        bodyStart += Number(cl);
      } else if (get('transfer-encoding')?.toLowerCase() === 'chunked') {
        const parts: Buffer[] = [];
        for (;;) {
          const le = buf.indexOf('\r\n', bodyStart);
          if (le < 0) break;
          const size = parseInt(buf.subarray(bodyStart, le).toString('latin1'), 16);
          bodyStart = le + 2;
          if (size === 0) {
            bodyStart += 2;
            break;
          }
          parts.push(buf.subarray(bodyStart, bodyStart + size));
          bodyStart += size + 2;
        }
        body = Buffer.concat(parts);
      } else {
        body = buf.subarray(bodyStart);
        bodyStart = buf.length;
      }
    }
    out.push({ statusLine, status, headerList, header: get, body });
    pos = bodyStart;
  }
  return out;
}

/**
 * Sends `data` and collects until the server closes, `expect` responses arrived, or `timeoutMs` passed.
 * `tls`: over TLS (SNI `localhost`, no ALPN, the certificate not checked). `preface`: bytes written in
 * the clear first, in a write of their own (a PROXY protocol header; before the TLS handshake with `tls`).
 */
export function rawRequest(port: number, data: string | Buffer, opts: { expect?: number; timeoutMs?: number; head?: readonly boolean[]; tls?: boolean; preface?: Buffer } = {}): Promise<RawExchange> {
  const timeoutMs = opts.timeoutMs ?? 3000;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const preface = opts.preface;
    let sock: Socket;
    if (preface === undefined) {
      sock = opts.tls ? tlsConnect({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false }) : connect({ host: '127.0.0.1', port });
    } else {
      const tcp = connect({ host: '127.0.0.1', port, noDelay: true });
      tcp.on('error', () => undefined);
      tcp.write(preface);
      sock = opts.tls ? tlsConnect({ socket: tcp, servername: 'localhost', rejectUnauthorized: false }) : tcp;
    }
    let closed = false;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      const raw = Buffer.concat(chunks);
      resolve({ responses: parseResponses(raw, opts.head ?? []), closed, raw });
    };
    const timer = setTimeout(finish, timeoutMs);
    sock.on('data', (d: Buffer) => {
      chunks.push(d);
      if (opts.expect !== undefined && parseResponses(Buffer.concat(chunks), opts.head ?? []).length >= opts.expect) {
        // give the server a moment to close after the last response, to observe Connection: close
        setTimeout(finish, 50);
      }
    });
    sock.on('end', () => {
      closed = true;
      finish();
    });
    sock.on('close', () => {
      closed = true;
      finish();
    });
    sock.on('error', () => finish());
    if (data.length > 0) sock.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  });
}
