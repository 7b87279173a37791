/**
 * Tunnels with known byte counts for the access-log differential (test/integration/tunnel-accesslog-diff.test.ts):
 * a raw client opens a mod_wstunnel WebSocket (masked binary frames), a mod_proxy Upgrade (after the
 * backend's 101) or a mod_proxy CONNECT, sends payloads of given sizes one at a time (each echoed back
 * before the next goes), then ends the tunnel one way. The backend (tunnelEchoBackend) answers an
 * upgrade head with a 101, echoes everything else, and closes after echoing a chunk that ends in `!`.
 */
import net from 'node:net';
import { tcpBackend, type TestBackend } from './backends.js';
import { clientFrame, SAMPLE_KEY } from './ws-raw.js';

export type TunnelKind = 'wstunnel' | 'upgrade' | 'connect';

/**
 * How the tunnel ends: a client CLOSE frame with a 2-byte reason or with the code only, the client's
 * FIN, the backend's FIN, or nothing (the server's stop ends it; the client only waits).
 */
export type TunnelEnding = 'close-reason' | 'close-code' | 'fin' | 'backend' | 'server';

export interface TunnelPlan {
  readonly kind: TunnelKind;
  /** Request target: a path under /ws or /up, or the CONNECT authority. */
  readonly target: string;
  readonly sizes: readonly number[];
  readonly ending: TunnelEnding;
}

/** An open tunnel: end() does the plan's ending (or `override`) and resolves once the connection has closed. */
export interface OpenTunnel {
  end(override?: TunnelEnding): Promise<void>;
}

/** The backend of every tunnel kind (see the file header). */
export function tunnelEchoBackend(): Promise<TestBackend> {
  return tcpBackend((sock) => {
    let first = true;
    sock.on('data', (d: Buffer) => {
      if (first && d.subarray(0, 4).toString('latin1') === 'GET ') {
        first = false;
        sock.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
        return;
      }
      first = false;
      sock.write(d);
      if (d[d.length - 1] === 0x21) sock.end();
    });
  });
}

function requestHead(plan: TunnelPlan): string {
  if (plan.kind === 'connect') return `CONNECT ${plan.target} HTTP/1.1\r\nHost: ${plan.target}\r\n\r\n`;
  const ws = plan.kind === 'wstunnel' ? `Sec-WebSocket-Key: ${SAMPLE_KEY}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: binary\r\n` : '';
  return `GET ${plan.target} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n${ws}\r\n`;
}

/** What the client sends for one payload, and how many bytes its echo takes (a frame from mod_wstunnel). */
function payload(kind: TunnelKind, bytes: Buffer): { readonly out: Buffer; readonly echo: number } {
  if (kind !== 'wstunnel') return { out: bytes, echo: bytes.length };
  return { out: clientFrame(2, bytes), echo: (bytes.length < 126 ? 2 : 4) + bytes.length };
}

/** Resolves once `socket` has delivered `total` bytes in all (rejects after `ms`). */
function received(socket: net.Socket, counter: { n: number }, total: number, ms = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off('data', check);
      reject(new Error(`tunnel: ${counter.n} of ${total} bytes`));
    }, ms);
    const check = (): void => {
      if (counter.n < total) return;
      clearTimeout(timer);
      socket.off('data', check);
      resolve();
    };
    socket.on('data', check);
    check();
  });
}

/** Opens the tunnel on 127.0.0.1:`port` and exchanges the plan's payloads. */
export async function openTunnel(port: number, plan: TunnelPlan): Promise<OpenTunnel> {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  const counter = { n: 0 };
  let head = -1;
  let seen = Buffer.alloc(0);
  socket.on('data', (d: Buffer) => {
    counter.n += d.length;
    if (head < 0) {
      seen = Buffer.concat([seen, d]);
      const at = seen.indexOf('\r\n\r\n');
      if (at >= 0) head = at + 4;
    }
  });
  const closed = new Promise<void>((resolve) => {
    socket.once('close', () => resolve());
    socket.once('end', () => socket.end());
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.write(requestHead(plan));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer head for ${plan.target}`)), 5000);
    const check = (): void => {
      if (head < 0) return;
      clearTimeout(timer);
      socket.off('data', check);
      resolve();
    };
    socket.on('data', check);
    check();
  });
  let expected = head;
  for (const size of plan.sizes) {
    const p = payload(plan.kind, Buffer.alloc(size, 0x42));
    socket.write(p.out);
    expected += p.echo;
    await received(socket, counter, expected);
  }
  return {
    async end(override?: TunnelEnding): Promise<void> {
      const ending = override ?? plan.ending;
      if (ending === 'close-reason') socket.write(clientFrame(8, Buffer.from([0x03, 0xe8, 0x6f, 0x6b])));
      else if (ending === 'close-code') socket.write(clientFrame(8, Buffer.from([0x03, 0xe8])));
      else if (ending === 'fin') socket.end();
      else if (ending === 'backend') socket.write(payload(plan.kind, Buffer.from('bye!')).out);
      const timer = setTimeout(() => socket.destroy(), 8000);
      await closed;
      clearTimeout(timer);
    },
  };
}
