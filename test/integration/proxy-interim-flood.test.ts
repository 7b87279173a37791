/**
 * A backend that sends interim heads without end (103 Early Hints, or any 1xx before a 101) to a client
 * that does not read: mod_proxy relays each to the client, so once they back up (more than 64 KiB
 * waiting towards the client) it stops reading the backend until the client takes them. Before, it
 * read on and queued them: 4 such requests grew the server by 1.6 GB in 8 s (lighttpd 1.4.69 the
 * same, 1.5 GB; docs/compat.md).
 *
 * Measured from the backend: its writes stall (only the kernel buffers take more) well below what a
 * reading server would take. When the client reads again, the backend is read again and its final
 * answer arrives after the interim heads.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startRawBackend } from '../helpers/proxy-backends.js';
import { pushUntilStalled } from '../helpers/push-until-stalled.js';
import { rawRequest } from '../helpers/raw-http.js';
import { startTestServer } from '../helpers/server.js';

/** What the backend may get accepted before its writes stall (socket buffers on both sides, with room). */
const STALL_LIMIT = 48 * 1024 * 1024;

/** Sends `head` and reads nothing; resolves with the socket once connected. */
function silentClient(port: number, head: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
    s.pause();
    s.write(head);
  });
}

/** Reads everything until `marker` shows up (30 s limit). */
function readUntil(s: net.Socket, marker: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => reject(new Error(`no ${JSON.stringify(marker)} after ${size} bytes`)), 30000);
    s.on('data', (d: Buffer) => {
      parts.push(d);
      size += d.length;
      if (Buffer.concat(parts.slice(-2)).includes(marker)) {
        clearTimeout(timer);
        resolve(Buffer.concat(parts));
      }
    });
    s.resume();
  });
}

const CASES = [
  { what: '103 Early Hints before a 200', interim: 'HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n', head: 'GET /p/x HTTP/1.1\r\nHost: h\r\n\r\n', final: 'HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nfinal-200' },
  {
    what: '100 Continue before a 101 (upgrade)',
    interim: 'HTTP/1.1 100 Continue\r\n\r\n',
    head: 'GET /p/ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    final: 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nfinal-101',
  },
];

for (const c of CASES) {
  test(`a backend flooding ${c.what} to a client that does not read is no longer read once they back up`, { timeout: 60000 }, async (t) => {
    let gotRequest: (s: net.Socket) => void = () => undefined;
    const request = new Promise<net.Socket>((resolve) => (gotRequest = resolve));
    const b = await startRawBackend((socket) => gotRequest(socket));
    t.after(() => b.close());
    const srv = await startTestServer(t, `server.modules += ( "mod_proxy" )\nproxy.server = ( "/p/" => ( ( "host" => "127.0.0.1", "port" => ${b.port} ) ) )\nproxy.header = ( "upgrade" => "enable" )\n`, { files: { 'index.html': 'index\n' } });
    const client = await silentClient(srv.port, c.head);
    t.after(() => client.destroy());
    const backend = await request;
    const accepted = await pushUntilStalled(backend, Buffer.from(c.interim.repeat(512)), STALL_LIMIT);
    assert.ok(accepted < STALL_LIMIT, `the server kept reading interim heads: ${(accepted / 1048576).toFixed(1)} MiB accepted without a stall`);

    // meanwhile the server answers others
    const other = await rawRequest(srv.port, 'GET /index.html HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n');
    assert.equal(other.responses[0]?.status, 200);

    // the client reads: the backend is read again, and its final answer comes after the interim heads
    backend.write(c.final);
    const got = await readUntil(client, c.final.slice(-9));
    assert.ok(got.length > accepted / 2, `${got.length} bytes of interim heads and answer for ${accepted} sent`);
  });
}
